/**
 * Internal: `JoinSet` (tokio's `task::JoinSet`), exported by `task.ts`; its
 * `AbortHandle` and `JoinResult` are in `abort_handle.ts`.
 *
 * A set starts its tasks with `spawnTask` (handed over by `task.ts` through
 * {@linkcode setSpawner}, since this folder does not import the public file)
 * and subscribes to each handle at once, so results queue up in the order the
 * tasks finish. A set made while a task runs belongs to that task: aborting
 * the task aborts the set's tasks (structured cancellation without `using`).
 *
 * @module
 */
import { currentTask } from "../_runtime/task_state.ts";
import { DONE, PENDING, type Poll, type Waker } from "../_runtime/poll.ts";
import { checkFunction } from "../_runtime/checks.ts";
import { isThenable } from "./race.ts";
import { AbortHandle, type JoinResult, type TaskHandle } from "./abort_handle.ts";
import { Waiter } from "./waiter.ts";

export type { JoinResult };

/** What a task's function receives (task.ts's `TaskContext`). */
interface Context {
  readonly signal: AbortSignal;
}

/** Starts a task: task.ts's `spawnTask`. */
type Spawner = <T>(fn: (task: Context) => T | PromiseLike<T>) => TaskHandle<T>;

/** Set once by task.ts when it loads. */
let spawner: Spawner | null = null;

/** Hands the set `spawnTask`; called once by task.ts. */
export function setSpawner(spawn: Spawner): void {
  spawner = spawn;
}

/** Polls a set for a stream (stream/from.ts's `JoinSetSource`). */
export let pollJoinSet: <T>(set: JoinSet<T>, cx: Waker) => Poll<JoinResult<T>>;

/** A task of a set: its abort handle, as the key of the running tasks. */
type Member = AbortHandle;

/**
 * A set of tasks whose results are taken as they finish, tokio's
 * `task::JoinSet`.
 *
 * - `spawn(fn)` starts `fn({ signal })` as a task owned by the set.
 * - `joinNext()` resolves with the next task to finish, in the order they
 *   finished, as a {@linkcode JoinResult} (an aborted task's error is a
 *   `Cancelled`), or `undefined` once the set is empty. A result stays in the
 *   set until taken: `size` counts running and finished-but-untaken tasks.
 * - Structured cancellation: a set made while a task runs belongs to that
 *   task, and aborting the task aborts the set's tasks. `await using set = new
 *   JoinSet()` also aborts them, and waits for them, on every way out of the
 *   block; `using` aborts them without waiting.
 * - `Stream.from(set)` (or `for await`) yields results as they finish;
 *   leaving the loop early aborts the tasks still running.
 * - A task that fails after `detachAll()` is reported as a lone task's would be.
 *
 * @typeParam T The tasks' result.
 *
 * @example Results in the order tasks finish
 * ```ts
 * import { JoinSet, sleep } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const set = new JoinSet<number>();
 * for (const ms of [30, 10, 20]) set.spawn(() => sleep(ms).then(() => ms));
 * const finished: number[] = [];
 * const done = (async () => {
 *   for (let r = await set.joinNext(); r !== undefined; r = await set.joinNext()) {
 *     if (r.ok) finished.push(r.value);
 *   }
 * })();
 * await clock.tick(30);
 * await done;
 * assert.deepStrictEqual(finished, [10, 20, 30]);
 * ```
 *
 * @example Structured: leaving the block aborts the tasks left
 * ```ts
 * import { Cancelled, JoinSet, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * let child: { isFinished: boolean } | undefined;
 * const parent = spawnTask(async () => {
 *   await using set = new JoinSet<void>();
 *   child = set.spawn(() => sleep(60_000));
 *   await sleep(60_000);
 * });
 * await sleep(1);
 * parent.abort();
 * assert.ok((await parent.then(() => null, (e) => e)) instanceof Cancelled);
 * assert.equal(child?.isFinished, true);
 * ```
 */
export class JoinSet<T> implements Disposable, AsyncDisposable, AsyncIterable<JoinResult<T>> {
  /** Tasks not finished yet (their completion not yet seen). */
  readonly #running = new Set<Member>();
  /** Results not taken yet, oldest first, from `#head`. */
  #ready: JoinResult<T>[] = [];
  /** Index of the oldest untaken result in `#ready`. */
  #head = 0;
  /** `joinNext` calls waiting for a result, oldest first. */
  readonly #waiters = new Set<Waiter<JoinResult<T> | undefined>>();
  /** A stream consumer to wake when a result arrives. */
  #waker: Waker | null = null;
  /** The owning task's signal, if the set was made inside a task. */
  readonly #owner: AbortSignal | null;
  /**
   * Listens to `#owner` while the set has running tasks only, so a task that
   * makes many sets over its life keeps no listener for the idle ones.
   */
  readonly #onOwnerAbort = (): void => this.abortAll(this.#owner?.reason);

  /** Creates an empty set; made inside a task, it belongs to that task. */
  constructor() {
    this.#owner = currentTask()?.signal ?? null;
  }

  /** How many tasks are in the set: running, or finished with a result not yet taken. */
  get size(): number {
    return this.#running.size + this.#ready.length - this.#head;
  }

  /** Whether the set has no task. */
  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * Starts `fn` as a task owned by the set, tokio's `JoinSet::spawn`.
   *
   * @param fn The task's code; it receives the task's `{ signal }`.
   * @returns A handle that aborts the task; its `id` is in the task's result.
   * @throws {TypeError} If `fn` is not a function.
   */
  spawn(fn: (task: { readonly signal: AbortSignal }) => T | PromiseLike<T>): AbortHandle {
    checkFunction(fn, "spawn a task into a JoinSet");
    // The set watches the function's own promise: it sees the task end a
    // microtask before the handle does, so an abort made by another task
    // woken at the same instant does not overtake a task that finished first.
    // The handle still reports aborts (and a function that threw at once).
    const handle: TaskHandle<T> = spawner!((task) => {
      let result: T | PromiseLike<T>;
      try {
        result = fn(task);
      } catch (error) {
        // Seen at once, as a value returned at once is (and reported if the
        // set let go of the task: its handle is observed by the set).
        this.#ended(member, handle, { ok: false, error, id: member.id });
        throw error;
      }
      if (isThenable(result)) {
        result.then(
          (value) => this.#ended(member, handle, { ok: true, value, id: member.id }),
          (error) => {
            // The abort's own rejection, ending a function that returned a
            // weft wait: the handle settles with `Cancelled` and reports it.
            if (task.signal.aborted && error === task.signal.reason) return;
            this.#ended(member, handle, { ok: false, error, id: member.id });
          },
        );
      } else this.#ended(member, handle, { ok: true, value: result, id: member.id });
      return result;
    });
    const member = new AbortHandle(handle);
    if (this.#running.size === 0) this.#owner?.addEventListener("abort", this.#onOwnerAbort);
    this.#running.add(member);
    handle.then(undefined, (error) => {
      if (this.#running.has(member)) this.#finished(member, { ok: false, error, id: member.id });
    });
    if (this.#owner?.aborted) handle.abort(this.#owner.reason);
    return member;
  }

  /**
   * Waits for the next task to finish and takes its result, tokio's
   * `join_next`.
   *
   * The result is handed over the moment the task ends; in a `select` or
   * `race`, pass `(signal) => set.joinNext({ signal })` so a losing branch
   * still waiting gives up instead of taking a result nobody reads.
   *
   * @param options `signal` to stop waiting (rejects with `signal.reason`;
   *   the tasks run on); aborting the task that waits rejects it likewise.
   * @returns The result, or `undefined` if the set is empty.
   *
   * @example Wait for the next result or a deadline
   * ```ts
   * import { JoinSet, select, sleep } from "@weft/weft/task";
   * import assert from "node:assert/strict";
   *
   * await using set = new JoinSet<string>();
   * set.spawn(() => sleep(1).then(() => "page"));
   * const first = await select({
   *   next: (signal) => set.joinNext({ signal }),
   *   deadline: (signal) => sleep(1_000, { signal }),
   * });
   * assert.equal(first.key, "next");
   * ```
   */
  joinNext(options?: { signal?: AbortSignal }): Promise<JoinResult<T> | undefined> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const ready = this.tryJoinNext();
    if (ready !== undefined || this.#running.size === 0) return Promise.resolve(ready);
    return Waiter.start(signal, (waiter) => {
      this.#waiters.add(waiter);
      waiter.onDrop = () => this.#waiters.delete(waiter);
    });
  }

  /**
   * Takes the result of a task that has finished, without waiting, tokio's
   * `try_join_next`.
   *
   * @returns The oldest untaken result, or `undefined` if no task has finished.
   */
  tryJoinNext(): JoinResult<T> | undefined {
    if (this.#head === this.#ready.length) return undefined;
    const result = this.#ready[this.#head]!;
    this.#ready[this.#head++] = undefined as never;
    if (this.#head === this.#ready.length) {
      this.#ready = [];
      this.#head = 0;
    }
    return result;
  }

  /**
   * Waits for every task and returns their values in the order they finished,
   * tokio's `join_all`. At the first failure (an aborted task included), the
   * other tasks are aborted, the set is emptied, and it rejects with that
   * error.
   *
   * @param options `signal` to give up: the tasks are aborted and it rejects
   *   with `signal.reason`.
   * @returns Every value, in completion order.
   */
  async joinAll(options?: { signal?: AbortSignal }): Promise<T[]> {
    const values: T[] = [];
    try {
      for (
        let r = await this.joinNext(options);
        r !== undefined;
        r = await this.joinNext(options)
      ) {
        if (!r.ok) throw r.error;
        values.push(r.value);
      }
    } catch (error) {
      this[Symbol.dispose]();
      throw error;
    }
    return values;
  }

  /**
   * Aborts every task of the set; each then finishes with a `Cancelled`
   * error, still to be taken with `joinNext()`.
   *
   * @param reason The reason, passed to each task's signal.
   */
  abortAll(reason?: unknown): void {
    for (const member of this.#running) member.abort(reason);
  }

  /**
   * Aborts every task and waits until each has finished, discarding the
   * results; the set is then empty. `await using` calls it.
   *
   * @returns A promise that resolves once the set is empty.
   */
  async shutdown(): Promise<void> {
    this.abortAll();
    while (await this.joinNext() !== undefined) {
      // Results of a set being shut down are dropped, as tokio's are.
    }
  }

  /**
   * Removes every task from the set without aborting it: they run on, and
   * their results are never taken (a failure is reported as a lone task's
   * would be). Results already finished are dropped.
   */
  detachAll(): void {
    this.#running.clear();
    this.#owner?.removeEventListener("abort", this.#onOwnerAbort);
    this.#ready = [];
    this.#head = 0;
    this.#endWaits();
  }

  /** Aborts every task and empties the set, without waiting. */
  [Symbol.dispose](): void {
    const members = [...this.#running];
    this.detachAll();
    for (const member of members) member.abort();
  }

  /** Shuts the set down: `shutdown()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Yields results as tasks finish; leaving the loop early aborts the rest. */
  async *[Symbol.asyncIterator](): AsyncIterator<JoinResult<T>> {
    try {
      for (let r = await this.joinNext(); r !== undefined; r = await this.joinNext()) yield r;
    } finally {
      this[Symbol.dispose]();
    }
  }

  /** The function settled; its outcome counts unless the task was aborted first. */
  #ended(member: Member, handle: TaskHandle<T>, result: JoinResult<T>): void {
    // Its handle learns of the outcome after this: a handle already finished
    // here was aborted, and reports that itself.
    if (handle.isFinished) return;
    this.#finished(member, result);
  }

  #finished(member: Member, result: JoinResult<T>): void {
    if (!this.#running.delete(member)) return reportDetached(result);
    if (this.#running.size === 0) this.#owner?.removeEventListener("abort", this.#onOwnerAbort);
    const waiter = this.#waiters.values().next().value;
    if (waiter !== undefined) {
      this.#waiters.delete(waiter);
      waiter.settle(result);
      // The set is empty now: any other waiter gets `undefined`, as tokio's.
      if (this.#running.size === 0) this.#endWaits();
      return;
    }
    this.#ready.push(result);
    const waker = this.#waker;
    this.#waker = null;
    waker?.wake();
  }

  /** The set became empty: every waiter gets `undefined`, a stream its end. */
  #endWaits(): void {
    for (const waiter of this.#waiters) waiter.settle(undefined);
    this.#waiters.clear();
    const waker = this.#waker;
    this.#waker = null;
    waker?.wake();
  }

  static {
    pollJoinSet = (set, cx) => set.#poll(cx);
  }

  #poll(cx: Waker): Poll<JoinResult<T>> {
    const ready = this.tryJoinNext();
    if (ready !== undefined) return ready;
    if (this.#running.size === 0) return DONE;
    this.#waker = cx;
    return PENDING;
  }
}

function reportDetached(result: JoinResult<unknown>): void {
  if (result.ok || (result.error as Error | null)?.name === "Cancelled") return;
  console.error("weft: a task failed and nothing awaited its JoinHandle:", result.error);
}
