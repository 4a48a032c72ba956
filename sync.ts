/**
 * tokio's synchronisation primitives (`tokio::sync`) for weft's tasks: a
 * fair counting {@linkcode Semaphore}, an async {@linkcode Mutex} and
 * {@linkcode RwLock}, {@linkcode Notify} and {@linkcode Barrier}.
 *
 * What they share:
 * - Waiters are served in the order they started waiting (strict FIFO, as
 *   tokio's intrusive waiter lists). A waiter that is served resolves in the
 *   next microtasks, in that order; the code that released keeps running
 *   until its next `await`.
 * - Every call that can wait takes `{ signal }`. Aborting the signal, or the
 *   weft task the call was made in, withdraws the waiter at once: it rejects
 *   with the abort reason as it is and never takes anything afterwards
 *   (permits it was assigned while it waited go to the waiters behind it).
 * - Whatever is held (a permit, a guard) is `Disposable`: `using permit =
 *   await semaphore.acquire()` releases it when the block ends, on every path.
 * - Bad arguments throw at the call: `RangeError` for a permit count that is
 *   negative, fractional or above `Semaphore.MAX_PERMITS`, `TypeError` for
 *   options that are not an options bag.
 *
 * @example At most two requests in flight
 * ```ts
 * import { Semaphore } from "@weft/weft/sync";
 * import { joinAll, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(2);
 * let inFlight = 0;
 * let most = 0;
 * async function fetchPage(page: number): Promise<number> {
 *   using _permit = await semaphore.acquire();
 *   most = Math.max(most, ++inFlight);
 *   await sleep(5);
 *   inFlight--;
 *   return page;
 * }
 * const pages = await joinAll([1, 2, 3, 4, 5].map(fetchPage));
 * assert.deepStrictEqual(pages, [1, 2, 3, 4, 5]);
 * assert.equal(most, 2);
 * ```
 *
 * @module
 */
import { BarrierState, type BarrierWaitResult } from "./_sync/barrier.ts";
import { NotifyState } from "./_sync/notify.ts";
import { checkPermits, MAX_PERMITS, SemaphoreState } from "./_sync/semaphore.ts";
import { checkWaitOptions } from "./_sync/wait_list.ts";
import type { WaitOptions } from "./task.ts";

export type { BarrierWaitResult, WaitOptions };

// -- Semaphore --

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

function closedError(): Error {
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

// -- Mutex --

/** The value a lock protects. */
interface Cell<T> {
  value: T;
}

let makeMutexGuard: <T>(state: SemaphoreState, cell: Cell<T>) => MutexGuard<T>;

function released(action: string): TypeError {
  return new TypeError(`Cannot ${action}: the guard was released`);
}

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

  /** The mutex's single permit. */
  readonly #state: SemaphoreState;
  /** The value. */
  readonly #cell: Cell<T>;
  /** Until released. */
  #held = true;

  private constructor(state: SemaphoreState, cell: Cell<T>) {
    this.#state = state;
    this.#cell = cell;
  }

  /**
   * The protected value.
   *
   * @throws {TypeError} If the guard was released.
   */
  get value(): T {
    if (!this.#held) throw released("read the value");
    return this.#cell.value;
  }

  /** @throws {TypeError} If the guard was released. */
  set value(value: T) {
    if (!this.#held) throw released("write the value");
    this.#cell.value = value;
  }

  /** Unlocks the mutex; the oldest waiting `lock()` gets it. Harmless when released. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#state.release(1);
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

// -- RwLock --

/** The default and largest `maxReaders` of an {@linkcode RwLock}: tokio's `u32::MAX >> 3`. */
const MAX_READS = 0x1fff_ffff;

let makeReadGuard: <T>(state: SemaphoreState, cell: Cell<T>) => RwLockReadGuard<T>;
let makeWriteGuard: <T>(
  state: SemaphoreState,
  cell: Cell<T>,
  permits: number,
) => RwLockWriteGuard<T>;

/**
 * Shared read access to the value of an {@linkcode RwLock} (tokio's
 * `RwLockReadGuard`), until `release()` or `using` disposal.
 *
 * @typeParam T The value.
 *
 * @example Two readers at once
 * ```ts
 * import { RwLock } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const lock = new RwLock([1, 2]);
 * using a = await lock.read();
 * using b = await lock.read();
 * assert.equal(a.value, b.value);
 * ```
 */
export class RwLockReadGuard<T> implements Disposable {
  static {
    makeReadGuard = <T>(state: SemaphoreState, cell: Cell<T>) => new RwLockReadGuard(state, cell);
  }

  /** The lock's permits. */
  readonly #state: SemaphoreState;
  /** The value. */
  readonly #cell: Cell<T>;
  /** Until released. */
  #held = true;

  private constructor(state: SemaphoreState, cell: Cell<T>) {
    this.#state = state;
    this.#cell = cell;
  }

  /**
   * The protected value.
   *
   * @throws {TypeError} If the guard was released.
   */
  get value(): T {
    if (!this.#held) throw released("read the value");
    return this.#cell.value;
  }

  /** Ends this read access. Harmless when released. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#state.release(1);
  }

  /** Ends this read access (`using`). */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Exclusive write access to the value of an {@linkcode RwLock} (tokio's
 * `RwLockWriteGuard`), until `release()`, `using` disposal or `downgrade()`.
 *
 * @typeParam T The value.
 *
 * @example Write, then keep reading
 * ```ts
 * import { RwLock } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const lock = new RwLock(1);
 * const writer = await lock.write();
 * writer.value = 2;
 * using reader = writer.downgrade();
 * using other = await lock.read();
 * assert.equal(reader.value + other.value, 4);
 * ```
 */
export class RwLockWriteGuard<T> implements Disposable {
  static {
    makeWriteGuard = <T>(state: SemaphoreState, cell: Cell<T>, permits: number) =>
      new RwLockWriteGuard(state, cell, permits);
  }

  /** The lock's permits. */
  readonly #state: SemaphoreState;
  /** The value. */
  readonly #cell: Cell<T>;
  /** Permits held: every reader permit. */
  readonly #permits: number;
  /** Until released or downgraded. */
  #held = true;

  private constructor(state: SemaphoreState, cell: Cell<T>, permits: number) {
    this.#state = state;
    this.#cell = cell;
    this.#permits = permits;
  }

  /**
   * The protected value.
   *
   * @throws {TypeError} If the guard was released or downgraded.
   */
  get value(): T {
    if (!this.#held) throw released("read the value");
    return this.#cell.value;
  }

  /** @throws {TypeError} If the guard was released or downgraded. */
  set value(value: T) {
    if (!this.#held) throw released("write the value");
    this.#cell.value = value;
  }

  /**
   * Turns this write access into read access without letting a writer in
   * between; waiting readers at the head of the queue may then read too.
   *
   * @returns The read guard.
   * @throws {TypeError} If the guard was released or downgraded.
   */
  downgrade(): RwLockReadGuard<T> {
    if (!this.#held) throw released("downgrade the guard");
    this.#held = false;
    const guard = makeReadGuard(this.#state, this.#cell);
    this.#state.release(this.#permits - 1);
    return guard;
  }

  /** Ends this write access. Harmless when released. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#state.release(this.#permits);
  }

  /** Ends this write access (`using`). */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** Options of {@linkcode RwLock}. */
export interface RwLockOptions {
  /**
   * How many readers may hold the lock at once (tokio's `with_max_readers`).
   *
   * @default {536870911}
   */
  maxReaders?: number;
}

/**
 * An async reader-writer lock around a value (tokio's `sync::RwLock`): many
 * readers or one writer at a time.
 *
 * - Fair and writer-preferring, as tokio's: reads and writes are served in
 *   the order they were made. A waiting writer blocks the readers that come
 *   after it, even while others read, so writers are never starved.
 * - Built as tokio builds it: a fair semaphore of `maxReaders` permits; a
 *   read takes one, a write takes all of them.
 * - Aborting a waiting `read()` or `write()` (its signal or its task)
 *   withdraws it; readers queued behind a withdrawn writer go ahead.
 *
 * @typeParam T The protected value.
 *
 * @example A writer waits for readers, later readers wait for it
 * ```ts
 * import { RwLock } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const lock = new RwLock(0);
 * const reader = await lock.read();
 * const writing = lock.write();
 * assert.equal(lock.tryRead(), undefined);
 * reader.release();
 * const writer = await writing;
 * writer.value = 1;
 * writer.release();
 * assert.equal((await lock.read()).value, 1);
 * ```
 */
export class RwLock<T> {
  /** `maxReaders` permits. */
  readonly #state: SemaphoreState;
  /** The value. */
  readonly #cell: Cell<T>;
  /** Permits a writer takes. */
  readonly #maxReaders: number;

  /**
   * Creates an unlocked lock.
   *
   * @param value The value it protects.
   * @param options `maxReaders`.
   * @throws {RangeError} If `maxReaders` is not an integer from 1 to 536,870,911.
   * @throws {TypeError} If `options` is not an object.
   */
  constructor(value: T, options?: RwLockOptions) {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("Cannot create a lock: options must be an object");
    }
    const maxReaders = options?.maxReaders ?? MAX_READS;
    if (!Number.isInteger(maxReaders) || maxReaders < 1 || maxReaders > MAX_READS) {
      throw new RangeError(
        `Cannot create a lock: maxReaders must be an integer from 1 to ${MAX_READS}, got ${
          String(maxReaders)
        }`,
      );
    }
    this.#maxReaders = maxReaders;
    this.#state = new SemaphoreState(maxReaders, closedError);
    this.#cell = { value };
  }

  /**
   * Takes read access, waiting in line behind earlier writers (and behind
   * earlier readers once `maxReaders` read).
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise of the read guard.
   *
   * @example Read the value
   * ```ts
   * import { RwLock } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock("config");
   * using guard = await lock.read();
   * assert.equal(guard.value, "config");
   * ```
   */
  read(options?: WaitOptions): Promise<RwLockReadGuard<T>> {
    checkWaitOptions(options, "lock for reading");
    const state = this.#state;
    return state.acquire(1, makeReadGuard(state, this.#cell), options);
  }

  /**
   * Takes write access, waiting in line until no one else reads or writes.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise of the write guard.
   *
   * @example Write the value
   * ```ts
   * import { RwLock } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(1);
   * {
   *   using guard = await lock.write();
   *   guard.value *= 10;
   * }
   * assert.equal(lock.tryRead()?.value, 10);
   * ```
   */
  write(options?: WaitOptions): Promise<RwLockWriteGuard<T>> {
    checkWaitOptions(options, "lock for writing");
    const state = this.#state;
    const permits = this.#maxReaders;
    return state.acquire(permits, makeWriteGuard(state, this.#cell, permits), options);
  }

  /**
   * Takes read access only if that needs no waiting.
   *
   * @returns The read guard, or `undefined` if a writer holds or waits for the lock.
   *
   * @example Refused while written
   * ```ts
   * import { RwLock } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * const writer = lock.tryWrite();
   * assert.equal(lock.tryRead(), undefined);
   * writer?.release();
   * assert.equal(lock.tryRead()?.value, 0);
   * ```
   */
  tryRead(): RwLockReadGuard<T> | undefined {
    const state = this.#state;
    return state.tryTake(1) ? makeReadGuard(state, this.#cell) : undefined;
  }

  /**
   * Takes write access only if nobody reads, writes or waits.
   *
   * @returns The write guard, or `undefined`.
   *
   * @example Refused while read
   * ```ts
   * import { RwLock } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = new RwLock(0);
   * const reader = lock.tryRead();
   * assert.equal(lock.tryWrite(), undefined);
   * reader?.release();
   * assert.ok(lock.tryWrite() !== undefined);
   * ```
   */
  tryWrite(): RwLockWriteGuard<T> | undefined {
    const state = this.#state;
    const permits = this.#maxReaders;
    return state.tryTake(permits) ? makeWriteGuard(state, this.#cell, permits) : undefined;
  }
}

// -- Notify --

/**
 * Wakes tasks waiting for an event (tokio's `sync::Notify`), without data.
 *
 * - `notified()` starts waiting when it is called (tokio's `Notified` once
 *   enabled): a notification made after the call reaches it even if nothing
 *   awaits the promise yet.
 * - `notifyOne()` wakes the oldest waiter; when nobody waits it stores one
 *   permit (never more than one) that the next `notified()` takes at once.
 * - `notifyLast()` is the same but wakes the newest waiter.
 * - `notifyWaiters()` wakes every waiter there is now, oldest first, and
 *   stores nothing (a permit already stored stays).
 * - Aborting a waiting `notified()` (its signal or its task) withdraws it; a
 *   later `notifyOne()` goes to the next waiter.
 *
 * @example A permit stored before anyone waits
 * ```ts
 * import { Notify } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const notify = new Notify();
 * notify.notifyOne();
 * notify.notifyOne(); // still one permit
 * await notify.notified();
 * let woken = false;
 * notify.notified().then(() => (woken = true));
 * await Promise.resolve();
 * assert.equal(woken, false);
 * notify.notifyWaiters();
 * ```
 */
export class Notify {
  /** The waiters and the stored permit. */
  readonly #state: NotifyState = new NotifyState();

  /**
   * Waits for a notification; resolves at once by taking a stored permit.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves when notified.
   *
   * @example Wait for a notification
   * ```ts
   * import { Notify } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const seen: string[] = [];
   * const waiting = notify.notified().then(() => seen.push("notified"));
   * notify.notifyOne();
   * await waiting;
   * assert.deepStrictEqual(seen, ["notified"]);
   * ```
   */
  notified(options?: WaitOptions): Promise<void> {
    return this.#state.notified(checkWaitOptions(options, "wait for a notification"));
  }

  /**
   * Wakes the oldest waiter, or stores one permit if nobody waits.
   *
   * @example The first waiter is woken
   * ```ts
   * import { Notify } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const woken: number[] = [];
   * notify.notified().then(() => woken.push(1));
   * notify.notified().then(() => woken.push(2));
   * notify.notifyOne();
   * await Promise.resolve();
   * assert.deepStrictEqual(woken, [1]);
   * notify.notifyOne();
   * ```
   */
  notifyOne(): void {
    this.#state.notifyOne(false);
  }

  /**
   * Wakes the newest waiter, or stores one permit if nobody waits.
   *
   * @example The last waiter is woken
   * ```ts
   * import { Notify } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const woken: number[] = [];
   * notify.notified().then(() => woken.push(1));
   * notify.notified().then(() => woken.push(2));
   * notify.notifyLast();
   * await Promise.resolve();
   * assert.deepStrictEqual(woken, [2]);
   * notify.notifyLast();
   * ```
   */
  notifyLast(): void {
    this.#state.notifyOne(true);
  }

  /**
   * Wakes every current waiter, oldest first; stores no permit.
   *
   * @example Nothing is stored for later waiters
   * ```ts
   * import { Notify } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const first = notify.notified();
   * notify.notifyWaiters();
   * await first;
   * const controller = new AbortController();
   * const later = notify.notified({ signal: controller.signal });
   * controller.abort("not notified");
   * await assert.rejects(later, (reason) => reason === "not notified");
   * ```
   */
  notifyWaiters(): void {
    this.#state.notifyWaiters();
  }
}

// -- Barrier --

/**
 * Lets `n` tasks wait until all of them have reached the same point
 * (tokio's `sync::Barrier`).
 *
 * - `wait()` resolves for everyone once the `n`th caller arrives; that
 *   caller's result has `isLeader: true`, everyone else's `false`. The
 *   barrier is then empty again and the next `n` callers form the next
 *   generation.
 * - `new Barrier(0)` and `new Barrier(1)` never block; every caller leads.
 * - Aborting a waiting `wait()` (its signal or its task) withdraws that
 *   caller: the group still needs `n` callers. (tokio's `wait` is not
 *   cancel safe: a dropped one still counts there.)
 *
 * @example Three tasks meet
 * ```ts
 * import { Barrier } from "@weft/weft/sync";
 * import { joinAll } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const barrier = new Barrier(3);
 * const results = await joinAll([1, 2, 3].map(() => barrier.wait()));
 * assert.equal(results.filter((r) => r.isLeader).length, 1);
 * ```
 */
export class Barrier {
  /** The waiting callers of this generation. */
  readonly #state: BarrierState;

  /**
   * Creates a barrier for groups of `n`.
   *
   * @param n How many callers make a group.
   * @throws {RangeError} If `n` is negative, fractional or above `Semaphore.MAX_PERMITS`.
   */
  constructor(n: number) {
    this.#state = new BarrierState(checkPermits(n, "create a barrier"));
  }

  /**
   * Waits until `n` callers wait.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise of `{ isLeader }`.
   *
   * @example The last to arrive leads
   * ```ts
   * import { Barrier } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const barrier = new Barrier(2);
   * const first = barrier.wait();
   * const second = await barrier.wait();
   * assert.equal(second.isLeader, true);
   * assert.equal((await first).isLeader, false);
   * ```
   */
  wait(options?: WaitOptions): Promise<BarrierWaitResult> {
    return this.#state.wait(checkWaitOptions(options, "wait at the barrier"));
  }
}
