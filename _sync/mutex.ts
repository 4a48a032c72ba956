/**
 * Internal: `Mutex` and its `MutexGuard` (tokio's `sync/mutex.rs`): a batch
 * semaphore of one permit around a value.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { SemaphoreState } from "./batch_semaphore.ts";
import { type Cell, Hold } from "./guard.ts";
import { closedError } from "./semaphore.ts";
import { checkWaitOptions } from "./wait_list.ts";

let makeMutexGuard: <T>(state: SemaphoreState, cell: Cell<T>) => MutexGuard<T>;

/**
 * Exclusive access to the value of a {@linkcode Mutex} (tokio's
 * `MutexGuard`), until `release()` or `using` disposal.
 *
 * @typeParam T The value.
 *
 * @example Replace the value
 * ```ts
 * import { Mutex } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new Mutex("a");
 * {
 *   using guard = await mutex.lock();
 *   guard.value += "b";
 * }
 * assert.equal(mutex.tryLock()?.value, "ab");
 * ```
 */
export class MutexGuard<T> implements Disposable {
  static {
    makeMutexGuard = <T>(state: SemaphoreState, cell: Cell<T>) => new MutexGuard(state, cell);
  }

  /** The mutex's single permit and the value, until released. */
  readonly #hold: Hold<T>;

  private constructor(state: SemaphoreState, cell: Cell<T>) {
    this.#hold = new Hold(state, cell, 1);
  }

  /**
   * The protected value.
   *
   * @throws {TypeError} If the guard was released.
   */
  get value(): T {
    return this.#hold.value;
  }

  /** @throws {TypeError} If the guard was released. */
  set value(value: T) {
    this.#hold.value = value;
  }

  /** Unlocks the mutex; the oldest waiting `lock()` gets it. Harmless when released. */
  release(): void {
    this.#hold.release();
  }

  /** Unlocks the mutex (`using`). */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * An async mutual-exclusion lock around a value (tokio's `sync::Mutex`):
 * one holder at a time, across `await`s.
 *
 * - Fair: `lock()` calls are served in the order they were made.
 * - Aborting a waiting `lock()` (its signal or its task) withdraws it.
 * - A holder that is aborted while it holds the guard inside `using` unlocks
 *   on the way out, as a dropped tokio guard does.
 *
 * @typeParam T The protected value.
 *
 * @example Increment from many tasks
 * ```ts
 * import { Mutex } from "@weft/weft/sync";
 * import { joinAll, yieldNow } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const counter = new Mutex(0);
 * await joinAll(Array.from({ length: 10 }, async () => {
 *   using guard = await counter.lock();
 *   const seen = guard.value;
 *   await yieldNow();
 *   guard.value = seen + 1;
 * }));
 * assert.equal((await counter.lock()).value, 10);
 * ```
 */
export class Mutex<T> {
  /** One permit: the lock. */
  readonly #state: SemaphoreState = new SemaphoreState(1, closedError);
  /** The value. */
  readonly #cell: Cell<T>;

  /**
   * Creates an unlocked mutex.
   *
   * @param value The value it protects.
   */
  constructor(value: T) {
    this.#cell = { value };
  }

  /**
   * Locks the mutex, waiting in line while another holds it.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise of the guard.
   *
   * @example Stop waiting for a lock
   * ```ts
   * import { Mutex } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex(0);
   * using _held = await mutex.lock();
   * const controller = new AbortController();
   * const waiting = mutex.lock({ signal: controller.signal });
   * controller.abort("gave up");
   * await assert.rejects(waiting, (reason) => reason === "gave up");
   * ```
   */
  lock(options?: WaitOptions): Promise<MutexGuard<T>> {
    checkWaitOptions(options, "lock the mutex");
    const state = this.#state;
    return state.acquire(1, makeMutexGuard(state, this.#cell), options);
  }

  /**
   * Locks the mutex only if nobody holds it or waits for it.
   *
   * @returns The guard, or `undefined`.
   *
   * @example Locked elsewhere
   * ```ts
   * import { Mutex } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex(1);
   * const guard = mutex.tryLock();
   * assert.equal(guard?.value, 1);
   * assert.equal(mutex.tryLock(), undefined);
   * guard?.release();
   * ```
   */
  tryLock(): MutexGuard<T> | undefined {
    const state = this.#state;
    return state.tryTake(1) ? makeMutexGuard(state, this.#cell) : undefined;
  }
}
