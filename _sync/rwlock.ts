/**
 * Internal: `RwLock` and its read and write guards (tokio's
 * `sync/rwlock.rs`): a batch semaphore of `maxReaders` permits around a
 * value; a read takes one permit, a write takes all of them.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { SemaphoreState } from "./batch_semaphore.ts";
import { type Cell, Hold } from "./guard.ts";
import { closedError } from "./semaphore.ts";
import { checkWaitOptions } from "./wait_list.ts";

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

  /** One of the lock's permits and the value, until released. */
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

  /** Ends this read access. Harmless when released. */
  release(): void {
    this.#hold.release();
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

  /** Every reader permit of the lock and the value, until released or downgraded. */
  readonly #hold: Hold<T>;

  private constructor(state: SemaphoreState, cell: Cell<T>, permits: number) {
    this.#hold = new Hold(state, cell, permits);
  }

  /**
   * The protected value.
   *
   * @throws {TypeError} If the guard was released or downgraded.
   */
  get value(): T {
    return this.#hold.value;
  }

  /** @throws {TypeError} If the guard was released or downgraded. */
  set value(value: T) {
    this.#hold.value = value;
  }

  /**
   * Turns this write access into read access without letting a writer in
   * between; waiting readers at the head of the queue may then read too.
   *
   * @returns The read guard.
   * @throws {TypeError} If the guard was released or downgraded.
   */
  downgrade(): RwLockReadGuard<T> {
    return this.#hold.downgrade(makeReadGuard);
  }

  /** Ends this write access. Harmless when released. */
  release(): void {
    this.#hold.release();
  }

  /** Ends this write access (`using`). */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Options of {@linkcode RwLock}.
 *
 * @example At most two readers at once
 * ```ts
 * import { RwLock, type RwLockOptions } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const options: RwLockOptions = { maxReaders: 2 };
 * const lock = new RwLock("config", options);
 * const first = await lock.read();
 * const second = await lock.read();
 * assert.equal(lock.tryRead(), undefined);
 * first.release(); // a reader leaves: a third may enter
 * const third = lock.tryRead();
 * assert.equal(third?.value, "config");
 * second.release();
 * third?.release();
 * ```
 */
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
