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
import { withResolvers } from "./_runtime/promise.ts";
import { macrotask, microtask } from "./_runtime/host.ts";
import { resumeAfterYield, resumeTask } from "./_runtime/scheduler.ts";
import { BUDGET, checkDuration, checkFunction, deadlineAfter } from "./_runtime/poll.ts";
import {
  currentTask,
  linkWait,
  runAs,
  Scope,
  TaskState,
  unlinkWait,
  Wait,
} from "./_runtime/task_state.ts";
import { insert, remove, type TimerEntry } from "./_runtime/timer.ts";

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
  /** Shared state, reachable from the task's own waits. */
  readonly #task: TaskState;
  /** 0 running, 1 resolved, 2 rejected. */
  #status = 0;
  /** The result or the error. */
  #outcome: unknown = undefined;
  /** Created when somebody awaits the handle. */
  #promise: Promise<T> | null = null;
  /** Its settle functions. */
  #settle: PromiseWithResolvers<T> | null = null;

  /** @internal Use {@linkcode spawnTask}. */
  constructor(task: TaskState) {
    this.#task = task;
    task.onAbort = this;
  }

  /** @internal Called when the task is aborted. */
  taskAborted(reason: unknown, report: boolean): void {
    // A finished task can still be aborted for work it left running; its
    // handle keeps the outcome it had.
    if (this.#status === 0) this.#finish(2, new Cancelled(reason), report);
  }

  /** The task's signal: aborted when the task is. */
  get signal(): AbortSignal {
    return this.#task.signal;
  }

  /** Whether the task has finished (returned, thrown or been aborted). */
  get isFinished(): boolean {
    return this.#status !== 0;
  }

  /** Cancels the task with `reason`; does nothing once it has finished. */
  abort(reason?: unknown): void {
    if (this.#status !== 0) return;
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
    const signal = options?.signal;
    const result = this.#observe();
    if (signal === undefined) return result;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      result.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Settles like the task: resolved with its result, or rejected. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#observe().then(onFulfilled, onRejected);
  }

  /** @internal Called by spawnTask with the function's outcome. */
  complete(ok: boolean, outcome: unknown): void {
    if (this.#status !== 0) return;
    this.#task.finish();
    this.#finish(ok ? 1 : 2, outcome, !ok);
  }

  #observe(): Promise<T> {
    if (this.#promise !== null) return this.#promise;
    if (this.#status === 1) this.#promise = Promise.resolve(this.#outcome as T);
    else if (this.#status === 2) this.#promise = Promise.reject(this.#outcome);
    else {
      this.#settle = withResolvers<T>();
      this.#promise = this.#settle.promise;
    }
    return this.#promise;
  }

  #finish(status: 1 | 2, outcome: unknown, report: boolean): void {
    this.#status = status;
    this.#outcome = outcome;
    const settle = this.#settle;
    this.#settle = null;
    if (settle !== null) {
      if (status === 1) settle.resolve(outcome as T);
      else settle.reject(outcome);
      return;
    }
    if (report) macrotask(() => this.#reportIfUnobserved());
  }

  #reportIfUnobserved(): void {
    if (this.#promise !== null) return;
    console.error("weft: a task failed and nothing awaited its JoinHandle:", this.#outcome);
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
  const handle = new JoinHandle<T>(task);
  if (scope?.closed) {
    // Spawned during shutdown (say, from a cancelled task's `finally`): it
    // would outlive its run(), so it is cancelled before it starts.
    task.abort(new Cancelled("the run() it belonged to has finished"), false);
  } else if (scope !== null) {
    scope.tasks.add(task);
  }
  microtask(() => resumeTask(() => start(task, handle, fn)));
  return handle;
}

/**
 * Starts the task's function. Not an async function: one that awaited `fn`'s
 * promise would keep a second suspended frame per task (about 500 B); a
 * `then` on the promise costs a third of that.
 */
function start<T>(
  task: TaskState,
  handle: JoinHandle<T>,
  fn: (task: TaskContext) => T | PromiseLike<T>,
): void {
  if (task.aborted) return;
  let result: T | PromiseLike<T>;
  try {
    result = runAs(task, fn, handle);
  } catch (error) {
    handle.complete(false, error);
    return;
  }
  if (!isThenable(result)) return handle.complete(true, result);
  // A foreign thenable is adopted as `await` would adopt it.
  const promise = result instanceof Promise ? result : Promise.resolve(result);
  promise.then(
    (value: T) => handle.complete(true, value),
    (error: unknown) => handle.complete(false, error),
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function";
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
 * Registers `cleanup` to run when the current `run()` finishes. Returns a
 * function that unregisters it, or undefined outside a run (or once it is ending).
 */
export function onRunEnd(cleanup: () => void): (() => void) | undefined {
  const scope = currentTask()?.scope;
  if (scope === undefined || scope === null || scope.closed) return undefined;
  scope.cleanups.add(cleanup);
  return () => scope.cleanups.delete(cleanup);
}

/** Options of calls that can wait. */
export interface WaitOptions {
  /** Aborts the wait; it then rejects with `signal.reason` as it is. */
  signal?: AbortSignal;
}

class SleepWait extends Wait implements TimerEntry {
  deadline: number;
  slot = -1;
  resolve!: () => void;
  reject!: (reason: unknown) => void;
  signal: AbortSignal | undefined;

  constructor(deadline: number, signal: AbortSignal | undefined) {
    super();
    this.deadline = deadline;
    this.signal = signal;
    signal?.addEventListener("abort", this);
  }

  /** Sleeps are task wake-ups: the driver fires them after consumer deadlines. */
  get wakesConsumer(): boolean {
    return false;
  }

  fire(): void {
    this.#release();
    this.resolve();
  }

  cancel(reason: unknown): void {
    remove(this);
    this.#release();
    this.reject(reason);
  }

  /** The signal's abort listener. */
  handleEvent(): void {
    unlinkWait(this);
    this.cancel(this.signal?.reason);
  }

  #release(): void {
    unlinkWait(this);
    this.signal?.removeEventListener("abort", this);
    this.signal = undefined;
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
  if (ms === 0) {
    const task = currentTask();
    if (task?.aborted) return Promise.reject(task.reason);
    return immediateSleep(task ?? outside);
  }
  const wait = new SleepWait(deadlineAfter(ms), signal);
  const promise = new Promise<void>((resolve, reject) => {
    wait.resolve = resolve;
    wait.reject = reject;
  });
  const aborted = linkWait(wait);
  if (aborted !== undefined) wait.cancel(aborted.reason);
  else insert(wait);
  return promise;
}

/** Counts macrotask turns, for the budget of zero-length sleeps. */
let epoch = 0;
/** Whether a macrotask will start the next epoch. */
let epochQueued = false;
/** Stands for code outside any task. */
const outside = { budgetEpoch: -1, budgetUsed: 0 };

/**
 * `sleep(0)` completes at once, but, like tokio's (which spends the task's
 * coop budget), not forever: a task that does it 128 times within one
 * macrotask turn is resumed in the scheduler's next flush, before woken
 * consumers are polled (tokio puts it at the back of the run queue), and a
 * task looping on `sleep(0)` cannot starve stream consumers: they are polled
 * after at most 61 such rounds (tokio's `event_interval`).
 */
function immediateSleep(task: { budgetEpoch: number; budgetUsed: number }): Promise<void> {
  if (!epochQueued) {
    epochQueued = true;
    macrotask(nextEpoch);
  }
  if (task.budgetEpoch !== epoch) {
    task.budgetEpoch = epoch;
    task.budgetUsed = 0;
  }
  if (++task.budgetUsed <= BUDGET) return Promise.resolve();
  return new Promise((resolve) =>
    resumeAfterYield(() => {
      // Polled again: a fresh budget.
      task.budgetEpoch = epoch;
      task.budgetUsed = 0;
      resolve();
    })
  );
}

function nextEpoch(): void {
  epochQueued = false;
  epoch++;
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
  return new Promise((resolve) => macrotask(resolve));
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

function isAbortable<T>(
  future: unknown,
): future is PromiseLike<T> & { abort(reason?: unknown): void } {
  return typeof future === "object" && future !== null &&
    typeof (future as { then?: unknown }).then === "function" &&
    typeof (future as { abort?: unknown }).abort === "function";
}

/**
 * Runs two futures and settles like the first to finish, trpl's `race`. The
 * slower one is cancelled when it can be: a handle with `abort()` ({@linkcode JoinHandle}, `BlockingHandle`) is aborted,
 * a function is called with a signal that is then aborted; a plain promise is
 * left to finish unobserved.
 *
 * @typeParam A The first future's result.
 * @typeParam B The second future's result.
 * @param a The first future.
 * @param b The second future.
 * @returns The winner's result (or its error).
 *
 * @example The slower sleeper is cancelled
 * ```ts
 * import { race, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * let slowFinished = false;
 * const winner = await race(
 *   (signal) => sleep(10, { signal }).then(() => "fast"),
 *   (signal) => sleep(50, { signal }).then(() => { slowFinished = true; return "slow"; }),
 * );
 * assert.deepStrictEqual([winner, slowFinished], ["fast", false]);
 * ```
 */
export function race<A, B>(a: Cancellable<A>, b: Cancellable<B>): Promise<A | B> {
  // Both are checked before either starts, so a bad `b` leaves no `a` running.
  checkCancellable(a, "race");
  checkCancellable(b, "race");
  const left = launch(a, "race");
  const right = launch(b, "race");
  // Only the loser is cancelled: the winner's signal may still guard work it
  // handed back (a fetch's body, say).
  let decided = false;
  const settleWith = (loser: Launched<unknown>) => () => {
    if (decided) return;
    decided = true;
    loser.cancel(new Cancelled("it lost a race"));
  };
  return Promise.race([
    left.promise.finally(settleWith(right)),
    right.promise.finally(settleWith(left)),
  ]);
}

/**
 * Settles like `future` if it finishes within `ms`, else rejects with
 * {@linkcode Elapsed} and cancels `future` when it can (as in `race`).
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
  const work = launch(future, "set a timeout");
  // Registered first, so it is known before the race settles; work that
  // finished in time keeps its signal (it may guard what it returned).
  let finished = false;
  const finish = () => {
    finished = true;
  };
  work.promise.then(finish, finish);
  const timer = new AbortController();
  const expiry = sleep(ms, { signal: timer.signal }).then(() => {
    throw new Elapsed(`Cannot wait longer: the ${ms} ms timeout has elapsed`);
  });
  expiry.catch(() => {});
  return Promise.race([work.promise, expiry]).finally(() => {
    timer.abort();
    if (!finished) work.cancel(new Elapsed());
  });
}

interface Launched<T> {
  promise: Promise<T>;
  cancel(reason: unknown): void;
}

function checkCancellable(future: unknown, action: string): void {
  if (typeof future === "function" || future instanceof JoinHandle) return;
  if (future === null || typeof (future as PromiseLike<unknown>)?.then !== "function") {
    throw new TypeError(`Cannot ${action}: expected a promise, a JoinHandle or a function`);
  }
}

function launch<T>(future: Cancellable<T>, action: string): Launched<T> {
  checkCancellable(future, action);
  if (isAbortable(future)) {
    // A JoinHandle, a BlockingHandle, or any awaitable with abort(reason).
    return { promise: Promise.resolve(future), cancel: (reason) => future.abort(reason) };
  }
  if (typeof future === "function") {
    const controller = new AbortController();
    const promise = new Promise<T>((resolve) => resolve(future(controller.signal)));
    return { promise, cancel: (reason) => controller.abort(reason) };
  }
  return { promise: Promise.resolve(future as PromiseLike<T>), cancel: () => {} };
}
