/**
 * Internal: the public `Semaphore`, its `SemaphorePermit` and `AcquireError`
 * (tokio's `sync/semaphore.rs`), built on the batch semaphore.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { checkPermits, MAX_PERMITS, SemaphoreState } from "./batch_semaphore.ts";
import { checkWaitOptions } from "./wait_list.ts";

/**
 * The error an `acquire` rejects with, and `tryAcquire` throws, once the
 * semaphore is closed (tokio's `AcquireError`).
 *
 * @example A closed semaphore refuses acquires
 * ```ts
 * import { AcquireError, Semaphore } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(1);
 * semaphore.close();
 * await assert.rejects(semaphore.acquire(), AcquireError);
 * ```
 */
export class AcquireError extends Error {
  /**
   * Creates the error.
   *
   * @param message The message.
   */
  constructor(message = "Cannot acquire permits: the semaphore is closed") {
    super(message);
    this.name = "AcquireError";
  }
}

/** The error a closed semaphore refuses with (a lock's semaphore is never closed). */
export function closedError(): Error {
  return new AcquireError();
}

let makePermit: (state: SemaphoreState, count: number) => SemaphorePermit;

/**
 * Permits held from a {@linkcode Semaphore} (tokio's `SemaphorePermit`).
 * `release()`, or `using` disposal, gives them back; `forget()` drops them
 * for good. Once released or forgotten, a permit holds 0 and releasing it
 * again does nothing.
 *
 * @example Split a permit and give part of it back
 * ```ts
 * import { Semaphore } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(5);
 * const permit = semaphore.tryAcquire(3)!;
 * const part = permit.split(1)!;
 * assert.equal(permit.count, 2);
 * part.release();
 * assert.equal(semaphore.availablePermits, 3);
 * permit.release();
 * assert.equal(semaphore.availablePermits, 5);
 * ```
 */
export class SemaphorePermit implements Disposable {
  static {
    makePermit = (state, count) => new SemaphorePermit(state, count);
  }

  /** The semaphore the permits belong to. */
  readonly #state: SemaphoreState;
  /** Permits held. */
  #count: number;

  private constructor(state: SemaphoreState, count: number) {
    this.#state = state;
    this.#count = count;
  }

  /** How many permits this holds (tokio's `num_permits()`). */
  get count(): number {
    return this.#count;
  }

  /**
   * Gives the permits back to the semaphore: waiting acquires are served
   * first, oldest first.
   */
  release(): void {
    const count = this.#count;
    if (count === 0) return;
    this.#count = 0;
    this.#state.release(count);
  }

  /** Drops the permits without giving them back: the semaphore has that many fewer. */
  forget(): void {
    this.#count = 0;
  }

  /**
   * Moves the permits of `other` into this one; `other` then holds none.
   *
   * @param other A permit of the same semaphore.
   * @throws {TypeError} If `other` belongs to another semaphore.
   */
  merge(other: SemaphorePermit): void {
    if (!(other instanceof SemaphorePermit) || other.#state !== this.#state) {
      throw new TypeError("Cannot merge the permits: they belong to different semaphores");
    }
    if (other === this) return;
    this.#count += other.#count;
    other.#count = 0;
  }

  /**
   * Moves `n` of these permits into a new permit.
   *
   * @param n How many permits to split off.
   * @returns The new permit, or `undefined` if this holds fewer than `n`.
   * @throws {RangeError} If `n` is negative, fractional or above `Semaphore.MAX_PERMITS`.
   */
  split(n: number): SemaphorePermit | undefined {
    checkPermits(n, "split the permit");
    if (n > this.#count) return undefined;
    this.#count -= n;
    return makePermit(this.#state, n);
  }

  /** Releases the permits (`using`). */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * A counting semaphore (tokio's `sync::Semaphore`): a pool of permits that
 * callers acquire, hold across `await`s, and release.
 *
 * - Strictly fair: acquires are served in the order they were made. Permits
 *   given back go to the oldest waiter first, even part of what it asks for,
 *   so a large request at the head of the queue blocks later small ones
 *   until it is served (as tokio: it is never starved). While anyone waits,
 *   `availablePermits` is 0.
 * - Aborting a waiting acquire (its signal or its task) withdraws it: the
 *   permits it had been assigned go to the waiters behind it.
 * - `close()` rejects every waiting acquire and every later one with
 *   {@linkcode AcquireError}; permits already held stay valid and can still
 *   be released.
 *
 * @example Acquire, hold across an await, release with `using`
 * ```ts
 * import { Semaphore } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(3);
 * {
 *   using permit = await semaphore.acquire(2);
 *   assert.equal(permit.count, 2);
 *   assert.equal(semaphore.availablePermits, 1);
 * }
 * assert.equal(semaphore.availablePermits, 3);
 * ```
 */
export class Semaphore {
  /** The largest number of permits a semaphore can hold: `Number.MAX_SAFE_INTEGER`. */
  static readonly MAX_PERMITS: number = MAX_PERMITS;

  /** The permits and the queue. */
  readonly #state: SemaphoreState;

  /**
   * Creates a semaphore.
   *
   * @param permits How many permits it starts with.
   * @throws {RangeError} If `permits` is negative, fractional or above `Semaphore.MAX_PERMITS`.
   */
  constructor(permits: number) {
    this.#state = new SemaphoreState(checkPermits(permits, "create a semaphore"), closedError);
  }

  /** Permits free now (0 while anyone waits). */
  get availablePermits(): number {
    return this.#state.permits;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.#state.closed;
  }

  /**
   * Acquires `n` permits, waiting in line until they are all free
   * (tokio's `acquire` and `acquire_many`).
   *
   * @param n How many permits.
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise of the permit, holding `n`.
   * @throws {RangeError} If `n` is negative, fractional or above `Semaphore.MAX_PERMITS`.
   * @throws {AcquireError} (as a rejection) If the semaphore is or gets closed first.
   *
   * @example A large request at the head is served first
   * ```ts
   * import { Semaphore } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(2);
   * const held = await semaphore.acquire(2);
   * const order: string[] = [];
   * const big = semaphore.acquire(2).then((p) => (order.push("big"), p));
   * const small = semaphore.acquire(1).then((p) => (order.push("small"), p));
   * held.release();
   * (await big).release();
   * (await small).release();
   * assert.deepStrictEqual(order, ["big", "small"]);
   * ```
   */
  acquire(n = 1, options?: WaitOptions): Promise<SemaphorePermit> {
    checkPermits(n, "acquire permits");
    checkWaitOptions(options, "acquire permits");
    const state = this.#state;
    return state.acquire(n, makePermit(state, n), options);
  }

  /**
   * Acquires `n` permits only if they are free now (tokio's `try_acquire`,
   * `try_acquire_many`).
   *
   * @param n How many permits.
   * @returns The permit, or `undefined` if fewer than `n` are free (or others wait).
   * @throws {RangeError} If `n` is negative, fractional or above `Semaphore.MAX_PERMITS`.
   * @throws {AcquireError} If the semaphore is closed.
   *
   * @example Take a permit without waiting
   * ```ts
   * import { Semaphore } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * const permit = semaphore.tryAcquire();
   * assert.ok(permit !== undefined);
   * assert.equal(semaphore.tryAcquire(), undefined);
   * permit.release();
   * ```
   */
  tryAcquire(n = 1): SemaphorePermit | undefined {
    checkPermits(n, "acquire permits");
    const state = this.#state;
    return state.tryTake(n) ? makePermit(state, n) : undefined;
  }

  /**
   * Adds `n` permits: waiting acquires are served first, oldest first. Works
   * on a closed semaphore too (the permits are counted, nobody gets them).
   *
   * @param n How many permits.
   * @throws {RangeError} If `n` is negative or fractional, or the semaphore
   * would hold more than `Semaphore.MAX_PERMITS`.
   *
   * @example Add a permit for a waiter
   * ```ts
   * import { Semaphore } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(0);
   * const waiting = semaphore.acquire();
   * semaphore.addPermits(1);
   * assert.equal((await waiting).count, 1);
   * ```
   */
  addPermits(n: number): void {
    checkPermits(n, "add permits");
    this.#state.release(n);
  }

  /**
   * Removes up to `n` of the free permits (never ones held or assigned to a
   * waiter).
   *
   * @param n How many permits to remove at most.
   * @returns How many were removed.
   * @throws {RangeError} If `n` is negative, fractional or above `Semaphore.MAX_PERMITS`.
   *
   * @example Forget fewer than asked when fewer are free
   * ```ts
   * import { Semaphore } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(3);
   * assert.equal(semaphore.forgetPermits(5), 3);
   * assert.equal(semaphore.availablePermits, 0);
   * ```
   */
  forgetPermits(n: number): number {
    checkPermits(n, "forget permits");
    return this.#state.forget(n);
  }

  /**
   * Closes the semaphore: every waiting acquire rejects with
   * {@linkcode AcquireError} (oldest first) and so does every later one.
   * Permits held stay valid; releasing them still counts.
   *
   * @example Waiting acquires are refused
   * ```ts
   * import { AcquireError, Semaphore } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(0);
   * const waiting = semaphore.acquire();
   * semaphore.close();
   * await assert.rejects(waiting, AcquireError);
   * assert.ok(semaphore.isClosed);
   * ```
   */
  close(): void {
    this.#state.close();
  }
}
