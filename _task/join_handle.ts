/**
 * Internal: a task's life: `spawnTask` starts it, its `JoinHandle` awaits or
 * aborts it, and `run` cancels what a run left running. Re-exported by
 * `task.ts`.
 *
 * @module
 */
import { microtask } from "../_runtime/host.ts";
import { joinUntil, type Outcome, RESOLVED } from "../_runtime/outcome.ts";
import { resumeTask, tasksMayResume } from "../_runtime/scheduler.ts";
import { checkFunction } from "../_runtime/checks.ts";
import { contextNow, runFrom } from "../_runtime/context.ts";
import {
  currentTask,
  reactionsCarryTask,
  runAs,
  Scope,
  TaskState,
  type WaitOptions,
} from "../_runtime/task_state.ts";
import { Cancelled } from "./errors.ts";
import { isThenable } from "./race.ts";

/**
 * What a spawned task's function receives.
 *
 * @example Hand the task's signal to what it waits on
 * ```ts
 * import { Cancelled, spawnTask, type TaskContext, yieldNow } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * let seen: unknown;
 * function waitForever({ signal }: TaskContext): Promise<never> {
 *   return new Promise((_, reject) => {
 *     signal.addEventListener("abort", () => {
 *       seen = signal.reason;
 *       reject(signal.reason);
 *     });
 *   });
 * }
 * const handle = spawnTask(waitForever);
 * await yieldNow(); // the task starts
 * handle.abort("shutting down");
 * assert.ok((await handle.then(() => null, (e) => e)) instanceof Cancelled);
 * assert.equal(seen, "shutting down");
 * ```
 */
export interface TaskContext {
  /** Aborted when the task is aborted, with the abort reason. */
  readonly signal: AbortSignal;
}

/** Makes a task's handle; set by JoinHandle's static block (its constructor is private). */
let makeJoinHandle: <T>(task: SpawnedTask) => JoinHandle<T>;
/** The state behind a handle; set by JoinHandle's static block. */
let taskOf: (handle: JoinHandle<unknown>) => SpawnedTask;

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
    makeJoinHandle = <T>(task: SpawnedTask) => new JoinHandle<T>(task);
    taskOf = (handle) => handle.#task;
  }

  /** The task's state and outcome, reachable from the task's own waits. */
  readonly #task: SpawnedTask;

  private constructor(task: SpawnedTask) {
    this.#task = task;
  }

  /** The task's signal: aborted when the task is. */
  get signal(): AbortSignal {
    return this.#task.signal;
  }

  /** Whether the task has finished (returned, thrown or been aborted). */
  get isFinished(): boolean {
    return this.#task.settled;
  }

  /**
   * Cancels the task with `reason`; does nothing once it has finished. The
   * signal fires and the task's weft waits reject at once; the handle settles
   * with {@linkcode Cancelled} a microtask later, as tokio's abort takes
   * effect when the task is next polled: a function that had already returned
   * by then keeps its result.
   */
  abort(reason?: unknown): void {
    if (this.#task.settled) return;
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
    return joinUntil(this.#task.observe() as Promise<T>, options?.signal);
  }

  /** Settles like the task: resolved with its result, or rejected. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return (this.#task.observe() as Promise<T>).then(onFulfilled, onRejected);
  }
}

/**
 * What joining `future` waits for: a handle's outcome as a promise (observed,
 * as awaiting the handle would), anything else as it is.
 */
export function resultOf(future: unknown): unknown {
  return future instanceof JoinHandle ? taskOf(future).observe() : future;
}

/** The outcome of `future` if it is a task's handle. */
export function outcomeOf(future: unknown): Outcome<unknown> | undefined {
  return future instanceof JoinHandle ? taskOf(future) : undefined;
}

/** What the report of a failure nobody awaited says. */
const UNOBSERVED = "a task failed and nothing awaited its JoinHandle";

/** A spawned task: its state, its outcome, and its code. */
class SpawnedTask extends TaskState {
  /**
   * The task's function until it starts, then the promise it returned (null
   * once aborted, or when it returned no promise).
   */
  body: ((task: TaskContext) => unknown) | Promise<unknown> | null;

  constructor(scope: Scope | null, fn: (task: TaskContext) => unknown) {
    super(scope);
    this.body = fn;
  }

  /**
   * The outcome's promise. A task that fulfilled by itself settled like its
   * function's promise: awaiting the handle then waits on that promise, with
   * no new one.
   */
  override observe(): Promise<unknown> {
    const body = this.body;
    if (this.status === RESOLVED && body instanceof Promise) return body;
    return super.observe();
  }

  /** The task was aborted: the handle rejects with `Cancelled`. */
  protected override taskAborted(reason: unknown, report: boolean): void {
    this.body = null;
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
  complete(ok: boolean, value: unknown): void {
    if (this.settled) return;
    this.finish();
    // The abort's own rejection, ending a function that returned a weft
    // wait: the abort settles the handle.
    if (!ok && this.aborted && value === this.reason) return;
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
  const task = new SpawnedTask(scope, fn);
  const handle = makeJoinHandle<T>(task);
  if (scope?.closed) {
    // Spawned during shutdown (say, from a cancelled task's `finally`): it
    // would outlive its run(), so it is cancelled before it starts.
    task.abort(new Cancelled("the run() it belonged to has finished"), false);
  } else if (scope !== null) {
    scope.tasks.add(task);
  }
  queueStart(handle, contextNow());
  if (!startQueued) {
    startQueued = true;
    microtask(startNext);
  }
  return handle;
}

/** Slots of one segment of the queue of tasks to start. */
const SEGMENT = 1024;

/** A run of handles of tasks to start; full segments chain on to the next. */
class StartSegment {
  readonly handles: (JoinHandle<unknown> | undefined)[] = new Array(SEGMENT);
  /** The async context each was spawned in, which it starts in. */
  readonly contexts: unknown[] = new Array(SEGMENT);
  /** The first handle not taken. */
  head = 0;
  /** One past the last handle put. */
  tail = 0;
  next: StartSegment | null = null;
}

/**
 * Handles of spawned tasks that have not started, in spawn order, in
 * segments (a burst of spawns copies nothing as it grows). One `startNext`
 * microtask is queued at a time: it starts the next task, then queues the
 * next `startNext` behind what that task's start queued. So a task whose
 * start goes on at once (an `await` of something ready, `sleep(0)`) gets
 * there before the next task starts, as a tokio task's first poll runs until
 * it is really pending (the JoinSet differential against tokio differs on
 * 5 of 400 scenarios this way, on 16 with a microtask per spawn).
 */
let first = new StartSegment();
let last = first;

function queueStart(handle: JoinHandle<unknown>, context: unknown): void {
  if (last.tail === SEGMENT) last = last.next = new StartSegment();
  last.contexts[last.tail] = context;
  last.handles[last.tail++] = handle;
}

/** Whether a `startNext` microtask is queued. */
let startQueued = false;

function startNext(): void {
  if (first.head === SEGMENT) first = first.next!;
  const handle = first.handles[first.head]!;
  const context = first.contexts[first.head];
  first.contexts[first.head] = undefined;
  first.handles[first.head++] = undefined;
  if (first.head === first.tail && first === last) first.head = first.tail = 0;
  try {
    // Through the task gate (`resumeTask`) only when it holds tasks back.
    if (tasksMayResume()) start(handle, context);
    else resumeTask(() => start(handle, context));
  } finally {
    if (first.head === first.tail && first === last) startQueued = false;
    else microtask(startNext);
  }
}

/** Starts the task's function, as the task's code, in the context it was spawned in. */
function start(handle: JoinHandle<unknown>, context: unknown): void {
  if (typeof taskOf(handle).body !== "function") return;
  runFrom(context, taskOf(handle), startAs, handle);
}

/**
 * Calls the task's function and subscribes to its promise, as the task's
 * code. Not an async function: one that awaited `fn`'s promise would keep a
 * second suspended frame per task (about 500 B). Where a promise reaction
 * runs in the task context it was made in (on Deno), the callbacks are shared
 * by every task and find theirs as `currentTask()`, without two closures per
 * task.
 */
function startAs(handle: JoinHandle<unknown>): void {
  const task = taskOf(handle);
  const fn = task.body as (task: TaskContext) => unknown;
  task.body = null;
  let result: unknown;
  try {
    result = fn(handle);
  } catch (error) {
    task.complete(false, error);
    return;
  }
  if (!isThenable(result)) return task.complete(true, result);
  // A foreign thenable is adopted as `await` would adopt it.
  const promise = result instanceof Promise ? result : Promise.resolve(result);
  task.body = promise;
  if (reactionsCarryTask) promise.then(fulfilled, failed);
  else {
    promise.then(
      (value: unknown) => task.complete(true, value),
      (error: unknown) => task.complete(false, error),
    );
  }
}

/** The task's promise fulfilled with `value`. */
function fulfilled(value: unknown): void {
  (currentTask() as SpawnedTask | undefined)?.complete(true, value);
}

/** The task's promise rejected with `error`. */
function failed(error: unknown): void {
  (currentTask() as SpawnedTask | undefined)?.complete(false, error);
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
