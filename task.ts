/**
 * The task path: `run`, `spawnTask`, `sleep`, `yieldNow`, `join`, `joinAll`,
 * `race` and `timeout`, trpl's async toolkit for TypeScript.
 *
 * Tasks are cheap (a promise and a small record; sleeps share one host timer)
 * and cancellable: aborting a task fires its `AbortSignal` and rejects every
 * weft wait it is blocked on (`sleep`, `recv`, a bounded `send`) at once. Time
 * is read through `globalThis.setTimeout` and `Date.now()` at call time, so fake
 * clocks control it.
 *
 * @example Spawn a task and await its handle
 * ```ts
 * import { run, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const total = await run(async () => {
 *   const handle = spawnTask(async () => {
 *     await sleep(1);
 *     return 40;
 *   });
 *   return (await handle) + 2;
 * });
 * assert.deepStrictEqual(total, 42);
 * ```
 *
 * @module
 */
import { microtask } from "./_runtime/host.ts";
import { joinUntil, Outcome } from "./_runtime/outcome.ts";
import { resumeAfterYield, resumeTask } from "./_runtime/scheduler.ts";
import { deadlineAfter } from "./_runtime/poll.ts";
import { checkDuration, checkFunction } from "./_runtime/checks.ts";
import {
  type AbortListener,
  currentTask,
  runAs,
  Scope,
  TaskState,
  type WaitOptions,
} from "./_runtime/task_state.ts";
import { now } from "./_runtime/timer.ts";
import { immediateSleep, sleepUntilDeadline } from "./_runtime/sleep.ts";
import { checkDeadline } from "./_task/deadline.ts";
import { setSpawner } from "./_task/join_set.ts";
import {
  checkFuture,
  isThenable,
  launch as startFuture,
  raceLaunched,
  type Settled,
} from "./_task/race.ts";

export { AbortHandle, type JoinResult, JoinSet } from "./_task/join_set.ts";
export { CancellationToken, DropGuard } from "./_task/cancellation_token.ts";
export type { Settled } from "./_task/race.ts";

export type { WaitOptions };

/**
 * The error a {@linkcode JoinHandle} rejects with when its task was aborted,
 * tokio's `JoinError::Cancelled`.
 *
 * @example Recognise a cancelled task
 * ```ts
 * import { Cancelled, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const handle = spawnTask(() => sleep(10_000));
 * handle.abort("not needed");
 * const error = await handle.then(() => null, (e) => e);
 * assert.ok(error instanceof Cancelled && error.reason === "not needed");
 * ```
 */
export class Cancelled extends Error {
  /** The reason given to `abort()`. */
  readonly reason: unknown;
  /** Creates the error for a task aborted with `reason`. */
  constructor(reason?: unknown) {
    super("Cannot join: the task was cancelled", { cause: reason });
    this.name = "Cancelled";
    this.reason = reason;
  }
}

/**
 * A deadline passed: what `timeout()` rejects with and what a stream's
 * `.timeout()` yields. It prints as tokio's `Elapsed(())`.
 *
 * @example Print it as the book does
 * ```ts
 * import { Elapsed } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * assert.deepStrictEqual(`Problem: ${new Elapsed()}`, "Problem: Elapsed(())");
 * ```
 */
export class Elapsed extends Error {
  /** Creates the error; `message` says what timed out. */
  constructor(message = "Cannot wait longer: the deadline has elapsed") {
    super(message);
    this.name = "Elapsed";
  }
  /** Returns `Elapsed(())`, as tokio's `Debug` output. */
  override toString(): string {
    return "Elapsed(())";
  }
  /** Shows `Elapsed(())` in `console.log` and `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return "Elapsed(())";
  }
  /** Shows `Elapsed(())` in Node's `console.log`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "Elapsed(())";
  }
}

/** What a spawned task's function receives. */
export interface TaskContext {
  /** Aborted when the task is aborted, with the abort reason. */
  readonly signal: AbortSignal;
}

/** Makes a task's handle; set by JoinHandle's static block (its constructor is private). */
let makeJoinHandle: <T>(task: TaskState, outcome: TaskOutcome<T>) => JoinHandle<T>;

/**
 * A handle to a spawned task: await it for the task's result, `abort()` it to
 * cancel the task. Disposing it (`using`) aborts the task.
 *
 * - It resolves with what the task's function returned, or rejects with what it
 *   threw.
 * - `abort(reason)` fires the task's signal, rejects the weft waits the task is
 *   blocked on with `reason`, and rejects the handle with {@linkcode Cancelled}.
 * - A task that fails while nothing awaits its handle is reported on stderr.
 *
 * @typeParam T The task's result.
 *
 * @example Abort a sleeping task
 * ```ts
 * import { Cancelled, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const handle = spawnTask(async () => {
 *   await sleep(60_000);
 * });
 * handle.abort();
 * await handle.then(() => assert.fail(), (e) => assert.ok(e instanceof Cancelled));
 * ```
 */
export class JoinHandle<T> implements PromiseLike<T>, TaskContext, Disposable {
  static {
    makeJoinHandle = <T>(task: TaskState, outcome: TaskOutcome<T>) =>
      new JoinHandle<T>(task, outcome);
  }

  /** Shared state, reachable from the task's own waits. */
  readonly #task: TaskState;
  /** The task's result or error, settled once. */
  readonly #outcome: TaskOutcome<T>;

  private constructor(task: TaskState, outcome: TaskOutcome<T>) {
    this.#task = task;
    this.#outcome = outcome;
  }

  /** The task's signal: aborted when the task is. */
  get signal(): AbortSignal {
    return this.#task.signal;
  }

  /** Whether the task has finished (returned, thrown or been aborted). */
  get isFinished(): boolean {
    return this.#outcome.settled;
  }

  /**
   * Cancels the task with `reason`; does nothing once it has finished. The
   * signal fires and the task's weft waits reject at once; the handle settles
   * with {@linkcode Cancelled} a microtask later, as tokio's abort takes
   * effect when the task is next polled: a function that had already returned
   * by then keeps its result.
   */
  abort(reason?: unknown): void {
    if (this.#outcome.settled) return;
    this.#task.abort(reason, false);
  }

  /** Aborts the task, as `abort()`. */
  [Symbol.dispose](): void {
    this.abort();
  }

  /**
   * Waits for the task, as awaiting the handle does, but stops waiting when
   * `signal` aborts (rejecting with `signal.reason`); the task itself runs on.
   *
   * @param options `signal` to stop waiting.
   * @returns The task's result.
   *
   * @example Stop waiting without stopping the task
   * ```ts
   * import { sleep, spawnTask } from "@weft/weft/task";
   * import assert from "node:assert/strict";
   *
   * const handle = spawnTask(() => sleep(5).then(() => "done"));
   * const controller = new AbortController();
   * const waiting = handle.join({ signal: controller.signal });
   * controller.abort("impatient");
   * assert.equal(await waiting.catch((reason) => reason), "impatient");
   * assert.equal(await handle, "done");
   * ```
   */
  join(options?: WaitOptions): Promise<T> {
    return joinUntil(this.#outcome.observe(), options?.signal);
  }

  /** Settles like the task: resolved with its result, or rejected. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#outcome.observe().then(onFulfilled, onRejected);
  }
}

/** What the report of a failure nobody awaited says. */
const UNOBSERVED = "a task failed and nothing awaited its JoinHandle";

/** A task's outcome: settled by its function, or by an abort (it is the task's abort listener). */
class TaskOutcome<T> extends Outcome<T> implements AbortListener {
  /** The task was aborted: the handle rejects with `Cancelled`. */
  taskAborted(reason: unknown, report: boolean): void {
    // A finished task can still be aborted for work it left running; its
    // handle keeps the outcome it had. As in tokio, where an abort takes
    // effect when the task is next polled, the handle settles a microtask
    // later: a function that had already returned when the abort came (its
    // completion is queued) keeps its result.
    if (this.settled) return;
    microtask(() => {
      this.settle(false, new Cancelled(reason), report ? UNOBSERVED : undefined);
    });
  }

  /** The task's function settled: `ok` with `value`, or failed with it. */
  complete(task: TaskState, ok: boolean, value: unknown): void {
    if (this.settled) return;
    task.finish();
    // The abort's own rejection, ending a function that returned a weft
    // wait: the abort settles the handle.
    if (!ok && task.aborted && value === task.reason) return;
    this.settle(ok, value, ok ? undefined : UNOBSERVED);
  }
}

/**
 * Starts `fn` as a task and returns its {@linkcode JoinHandle}, trpl's
 * `spawn_task`.
 *
 * The task starts once the caller yields (in a microtask), as a tokio task
 * runs once its spawner awaits. Inside `run()`, it belongs to that run and is
 * cancelled when the run's main function settles; outside, it runs until it
 * ends or is aborted.
 *
 * @typeParam T The task's result.
 * @param fn The task's code; it receives the task's `{ signal }`.
 * @returns The handle: await it, abort it, or dispose it.
 * @throws {TypeError} If `fn` is not a function.
 *
 * @example Tasks interleave at their awaits
 * ```ts
 * import { run, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * await run(async () => {
 *   const a = spawnTask(async () => {
 *     for (const i of [1, 2]) {
 *       lines.push(`a${i}`);
 *       await sleep(2);
 *     }
 *   });
 *   for (const i of [1, 2]) {
 *     lines.push(`main${i}`);
 *     await sleep(1);
 *   }
 *   await a;
 * });
 * assert.deepStrictEqual(lines, ["main1", "a1", "main2", "a2"]);
 * ```
 */
export function spawnTask<T>(fn: (task: TaskContext) => T | PromiseLike<T>): JoinHandle<T> {
  checkFunction(fn, "spawn a task");
  const scope = currentTask()?.scope ?? null;
  const task = new TaskState(scope);
  const outcome = new TaskOutcome<T>();
  task.onAbort = outcome;
  const handle = makeJoinHandle(task, outcome);
  if (scope?.closed) {
    // Spawned during shutdown (say, from a cancelled task's `finally`): it
    // would outlive its run(), so it is cancelled before it starts.
    task.abort(new Cancelled("the run() it belonged to has finished"), false);
  } else if (scope !== null) {
    scope.tasks.add(task);
  }
  microtask(() => resumeTask(() => start(task, outcome, handle, fn)));
  return handle;
}

/**
 * Starts the task's function. Not an async function: one that awaited `fn`'s
 * promise would keep a second suspended frame per task (about 500 B); a
 * `then` on the promise costs a third of that.
 */
function start<T>(
  task: TaskState,
  outcome: TaskOutcome<T>,
  handle: JoinHandle<T>,
  fn: (task: TaskContext) => T | PromiseLike<T>,
): void {
  if (task.aborted) return;
  let result: T | PromiseLike<T>;
  try {
    result = runAs(task, fn, handle);
  } catch (error) {
    outcome.complete(task, false, error);
    return;
  }
  if (!isThenable(result)) return outcome.complete(task, true, result);
  // A foreign thenable is adopted as `await` would adopt it.
  const promise = result instanceof Promise ? result : Promise.resolve(result);
  promise.then(
    (value: T) => outcome.complete(task, true, value),
    (error: unknown) => outcome.complete(task, false, error),
  );
}

/**
 * Runs `main` to completion and returns its result, trpl's `run` (tokio's
 * `block_on`).
 *
 * When `main` settles, every task spawned during the run that is still alive
 * is aborted, so their timers are cleared and the process exits by itself, as
 * tokio's runtime shuts down its tasks. Threads started in the run are
 * stopped too.
 *
 * @typeParam T What `main` returns.
 * @param main The async entry point.
 * @returns `main`'s result.
 * @throws {TypeError} If `main` is not a function.
 *
 * @example Leftover tasks are cancelled
 * ```ts
 * import { run, sleep, spawnTask } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * let ticks = 0;
 * const done = run(async () => {
 *   spawnTask(async () => {
 *     for (;;) {
 *       await sleep(1);
 *       ticks++;
 *     }
 *   });
 *   await sleep(5);
 * });
 * await clock.tick(100);
 * await done;
 * assert.deepStrictEqual([ticks, clock.pendingTimers], [5, 0]);
 * ```
 */
export function run<T>(main: () => T | PromiseLike<T>): Promise<T> {
  // Checked here, not in the async body, so a bad argument throws at the call.
  checkFunction(main, "run");
  return runScoped(main);
}

async function runScoped<T>(main: () => T | PromiseLike<T>): Promise<T> {
  const scope = new Scope();
  const task = new TaskState(scope);
  try {
    return await runAs(task, main, undefined);
  } finally {
    const reason = new Cancelled("the run() it belonged to has finished");
    scope.shutdown(reason);
    // What main left running (a promise chain nobody awaits) ends with it.
    task.abort(reason, false);
  }
}

/**
 * Waits `ms` milliseconds, trpl's `sleep`.
 *
 * `sleep(0)` completes without a timer, as tokio's does. A fractional duration
 * is rounded up to whole milliseconds. Inside a task, aborting the task rejects
 * the sleep at once with the abort reason; `signal` does the same with
 * `signal.reason`.
 *
 * @param ms How long to wait, in milliseconds.
 * @param options `signal` to cancel the wait.
 * @returns A promise that resolves after `ms`.
 * @throws {RangeError} If `ms` is negative, NaN or infinite.
 *
 * @example Sleep under a signal
 * ```ts
 * import { sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const controller = new AbortController();
 * const pending = sleep(60_000, { signal: controller.signal });
 * controller.abort("stop");
 * assert.deepStrictEqual(await pending.catch((reason) => reason), "stop");
 * ```
 */
export function sleep(ms: number, options?: WaitOptions): Promise<void> {
  checkDuration(ms, "sleep");
  const signal = options?.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms === 0) return immediateSleep();
  return sleepUntilDeadline(deadlineAfter(ms), options);
}

/**
 * Lets every other ready task run, then resumes, trpl's `yield_now`.
 *
 * It waits for one macrotask: every pending microtask (every task resumed
 * before it) runs first. It is not clamped to 4 ms as a nested
 * `setTimeout(0)` is, and fake clocks do not hold it.
 *
 * @returns A promise that resolves once other ready work has run.
 *
 * @example Let a spawned task go first
 * ```ts
 * import { spawnTask, yieldNow } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const order: string[] = [];
 * const handle = spawnTask(() => {
 *   order.push("task");
 * });
 * await yieldNow();
 * order.push("main");
 * await handle;
 * assert.deepStrictEqual(order, ["task", "main"]);
 * ```
 */
export function yieldNow(): Promise<void> {
  // As tokio's deferred wake: after the tasks ready now, before woken consumers are polled again.
  return new Promise((resolve) => resumeAfterYield(resolve));
}

/** The results of a tuple of promises, in order. */
export type Awaited_<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/**
 * Waits for every given future and returns their results in order, trpl's
 * `join`/`join!` (`Promise.all` for tasks and promises).
 *
 * @typeParam T The futures' types.
 * @param futures Promises, task handles or other thenables.
 * @returns Their results, in the order given; rejects with the first failure.
 *
 * @example Join two tasks
 * ```ts
 * import { join, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = await join(spawnTask(async () => 1), sleep(1).then(() => "two"));
 * assert.deepStrictEqual([a, b], [1, "two"]);
 * ```
 */
export function join<T extends readonly unknown[]>(...futures: T): Promise<Awaited_<T>> {
  return Promise.all(futures) as Promise<Awaited_<T>>;
}

/**
 * Waits for every future of an iterable, trpl's `join_all`.
 *
 * @typeParam T The futures' result.
 * @param futures Promises, task handles or other thenables.
 * @returns Their results, in order; rejects with the first failure.
 * @throws {TypeError} If `futures` is not iterable.
 *
 * @example Join a list of tasks
 * ```ts
 * import { joinAll, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const handles = [1, 2, 3].map((n) => spawnTask(async () => n * 10));
 * assert.deepStrictEqual(await joinAll(handles), [10, 20, 30]);
 * ```
 */
export function joinAll<T>(futures: Iterable<T | PromiseLike<T>>): Promise<T[]> {
  if (futures === null || typeof (futures as Iterable<T>)[Symbol.iterator] !== "function") {
    throw new TypeError("Cannot join: expected an iterable of futures");
  }
  return Promise.all(futures);
}

/** A future `race` and `timeout` can cancel: a task handle, or a function given a signal. */
export type Cancellable<T> =
  | PromiseLike<T>
  | JoinHandle<T>
  | (PromiseLike<T> & { abort(reason?: unknown): void })
  | ((signal: AbortSignal) => PromiseLike<T> | T);

/**
 * Runs any number of futures (at least one) and settles like the first to
 * finish, trpl's `race` and tokio's `select!` with `biased;`.
 *
 * - Every future starts at once: functions are called with a fresh signal.
 * - The first to settle wins: its value, or its error.
 * - Every other one is cancelled when it can be: a handle with `abort()`
 *   ({@linkcode JoinHandle}, `BlockingHandle`) is aborted, a function's signal
 *   is aborted, both with a {@linkcode Cancelled} ("it lost a race"); a plain
 *   promise is left to finish unobserved. The winner's signal is left alone.
 * - A losing function's value that comes after all is dropped, as Rust drops
 *   a losing branch: if it is `Disposable` (a semaphore permit, a mutex
 *   guard) it is disposed, so nothing it holds leaks.
 * - Among futures already settled at the call, the first in argument order
 *   wins.
 *
 * @typeParam F The futures.
 * @param futures Promises, task handles, or functions given a signal.
 * @returns The winner's result (or its error).
 * @throws {TypeError} If there is no future, or one is neither a function nor a promise
 *   (then none is started).
 *
 * @example The slower sleepers are cancelled
 * ```ts
 * import { race, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * let slowFinished = false;
 * const slow = (ms: number) => (signal: AbortSignal) =>
 *   sleep(ms, { signal }).then(() => {
 *     slowFinished = true;
 *     return "slow";
 *   });
 * const winner = await race(
 *   (signal) => sleep(10, { signal }).then(() => "fast"),
 *   slow(50),
 *   slow(70),
 * );
 * assert.deepStrictEqual([winner, slowFinished], ["fast", false]);
 * ```
 *
 * @example Biased: the first ready future in argument order wins
 * ```ts
 * import { race } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await race(Promise.resolve("a"), Promise.resolve("b")), "a");
 * ```
 */
export function race<const F extends readonly [Cancellable<unknown>, ...Cancellable<unknown>[]]>(
  ...futures: F
): Promise<Settled<F[number]>> {
  if (futures.length === 0) throw new TypeError("Cannot race: expected at least one future");
  // All are checked before any starts, so a bad one leaves nothing running.
  for (const future of futures) checkFuture(future, "race");
  const started = futures.map((future) => startFuture(future as Cancellable<unknown>));
  return raceLaunched(started, lostRace).then((won) => won.value as Settled<F[number]>);
}

function lostRace(): Cancelled {
  return new Cancelled("it lost a race");
}

/** What `select` resolves with: the winning branch's key and value. */
export type Selected<B> = { [K in keyof B]: { readonly key: K; readonly value: Settled<B[K]> } }[
  keyof B
];

/**
 * Waits for whichever of several named futures settles first, tokio's
 * `select!` (with `biased;`).
 *
 * - `branches` maps names to futures: promises, task handles, or functions
 *   given a signal; every one starts at once.
 * - It resolves with `{ key, value }` of the first to fulfil, or rejects with
 *   the error of the first to fail.
 * - Every other branch is cancelled as in {@linkcode race}.
 * - Among branches already settled at the call, the first in key order (the
 *   object's property order) wins.
 * - When `signal` aborts first, every branch is cancelled with its reason and
 *   the call rejects with it.
 *
 * @typeParam B The branches.
 * @param branches The named futures (at least one).
 * @param options `signal` to give up on every branch.
 * @returns The winning branch's key and value.
 * @throws {TypeError} If `branches` is not an object with at least one future.
 *
 * @example Whichever comes first: a message or a deadline
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { select, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * setTimeout(() => tx.send("hello"), 1);
 * const first = await select({
 *   message: rx.recv(),
 *   timeout: (signal) => sleep(1_000, { signal }),
 * });
 * assert.deepStrictEqual(first, { key: "message", value: "hello" });
 * ```
 */
export function select<const B extends Readonly<Record<string, Cancellable<unknown>>>>(
  branches: B,
  options?: WaitOptions,
): Promise<Selected<B>> {
  if (typeof branches !== "object" || branches === null) {
    throw new TypeError("Cannot select: expected an object of named futures");
  }
  const keys = Object.keys(branches);
  if (keys.length === 0) throw new TypeError("Cannot select: expected at least one branch");
  for (const key of keys) checkFuture(branches[key], "select");
  const started = keys.map((key) => startFuture(branches[key] as Cancellable<unknown>));
  return raceLaunched(started, lostRace, options?.signal).then(
    (won) => ({ key: keys[won.index], value: won.value }) as Selected<B>,
  );
}

/**
 * Settles like `future` if it finishes within `ms`, else rejects with
 * {@linkcode Elapsed} and cancels `future` when it can (as in `race`).
 * As tokio polls the future before its deadline, a future that finishes at
 * the instant the limit is reached wins, and `timeout(0, f)` settles like `f`
 * when `f` finishes at once (without waiting for a timer or another task).
 * A function's value that comes after the deadline is dropped: disposed if it
 * is `Disposable` (a permit acquired too late goes back to its semaphore).
 *
 * @typeParam T The future's result.
 * @param ms The time limit in milliseconds.
 * @param future A promise, task handle, or function given a signal.
 * @returns The future's result.
 * @throws {RangeError} If `ms` is negative, NaN or infinite.
 *
 * @example A slow operation times out
 * ```ts
 * import { Elapsed, sleep, timeout } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const error = await timeout(5, (signal) => sleep(1_000, { signal })).catch((e) => e);
 * assert.ok(error instanceof Elapsed);
 * ```
 */
export function timeout<T>(ms: number, future: Cancellable<T>): Promise<T> {
  checkDuration(ms, "set a timeout");
  checkFuture(future, "set a timeout");
  const timer = new AbortController();
  // tokio polls the future before the deadline: work that finishes at the
  // instant the deadline is reached (at once, for a deadline already reached)
  // wins. Elapsed is decided after that instant's ready work, in the turn of
  // tasks that yielded (queued before any yield of the work itself).
  let expire = (): void => {};
  let fail = (_reason: unknown): void => {};
  if (ms === 0) resumeAfterYield(() => expire());
  else {
    sleep(ms, { signal: timer.signal }).then(
      () => resumeAfterYield(() => expire()),
      // The sleep failed by itself: the task it runs in was cancelled.
      (reason) => timer.signal.aborted || fail(reason),
    );
  }
  const work = startFuture(future as Cancellable<T>);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (finished: boolean): boolean => {
      if (settled) return false;
      settled = true;
      timer.abort();
      // Work that finished in time keeps its signal (it may guard what it returned).
      if (!finished) work.cancel(new Elapsed());
      return true;
    };
    expire = () => {
      if (settle(false)) {
        reject(new Elapsed(`Cannot wait longer: the ${ms} ms timeout has elapsed`));
      }
    };
    fail = (reason) => settle(false) && reject(reason);
    work.promise.then(
      (value) => settle(true) ? resolve(value) : work.discard(value as T),
      (error) => settle(true) && reject(error),
    );
  });
}

/**
 * Waits until `deadline`, a `Date.now()`-scale timestamp in milliseconds,
 * tokio's `sleep_until`. A deadline already reached completes at once, as
 * `sleep(0)` does; a fractional one is rounded up to a whole millisecond.
 *
 * @param deadline When to wake, in `Date.now()` milliseconds.
 * @param options `signal` to cancel the wait (rejects with `signal.reason`).
 * @returns A promise that resolves at `deadline`.
 * @throws {RangeError} If `deadline` is NaN, infinite or not a number.
 *
 * @example Wake at an instant
 * ```ts
 * import { sleepUntil } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * let woke = -1;
 * const done = sleepUntil(Date.now() + 30).then(() => (woke = clock.elapsed));
 * await clock.tick(100);
 * await done;
 * assert.equal(woke, 30);
 * ```
 */
export function sleepUntil(deadline: number, options?: WaitOptions): Promise<void> {
  checkDeadline(deadline, "sleep");
  return sleep(Math.max(0, Math.ceil(deadline) - now()), options);
}

/**
 * Settles like `future` if it finishes before `deadline` (a `Date.now()`-scale
 * timestamp in milliseconds), else rejects with {@linkcode Elapsed} and
 * cancels `future` when it can, tokio's `timeout_at`: `timeout()` with an
 * instant instead of a duration.
 *
 * @typeParam T The future's result.
 * @param deadline The instant, in `Date.now()` milliseconds.
 * @param future A promise, task handle, or function given a signal.
 * @returns The future's result.
 * @throws {RangeError} If `deadline` is NaN, infinite or not a number.
 *
 * @example One deadline for several steps
 * ```ts
 * import { Elapsed, sleep, timeoutAt } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const deadline = Date.now() + 20;
 * assert.equal(await timeoutAt(deadline, sleep(1).then(() => "first")), "first");
 * const error = await timeoutAt(deadline, (signal) => sleep(1_000, { signal })).catch((e) => e);
 * assert.ok(error instanceof Elapsed);
 * ```
 */
export function timeoutAt<T>(deadline: number, future: Cancellable<T>): Promise<T> {
  checkDeadline(deadline, "set a timeout");
  return timeout(Math.max(0, Math.ceil(deadline) - now()), future);
}

setSpawner(spawnTask);
