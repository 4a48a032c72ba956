/**
 * Internal: tokio's `sync::broadcast`, a bounded ring that every receiver
 * reads at its own pace: `broadcast()` and its handles, re-exported by
 * `channel.ts`. The ring is `broadcast_ring.ts`; the stage `Stream.from`
 * makes of a receiver is `broadcast_stream.ts`.
 *
 * A receiver that missed values is told how many (`Lagged`) and goes on from
 * the oldest value kept. Waiting receivers are woken in the order they began
 * to wait and read when the scheduler polls them, after the sending task has
 * gone on to its own next wait.
 *
 * @module
 */
import { DONE, PENDING } from "../_runtime/poll.ts";
import { checkCount } from "../_runtime/checks.ts";
import type { WaitOptions } from "../_runtime/task_state.ts";
import { BroadcastShared, Cursor, cursors, Lag } from "./broadcast_ring.ts";
import { Lagged, SendError } from "./errors.ts";
import { PolledWait } from "./wait.ts";

/** Maps a poll to a settled outcome, or throws the lag. */
function outcome<T>(result: T | Lag | typeof DONE): T | typeof DONE {
  if (result instanceof Lag) throw new Lagged(result.skipped);
  return result;
}

/** A pending receive: re-polled by the scheduler once woken. */
class BroadcastRecv<T> extends PolledWait<T | typeof DONE> {
  readonly #cursor: Cursor<T>;

  constructor(cursor: Cursor<T>) {
    super();
    this.#cursor = cursor;
  }

  protected poll(): void {
    const result = this.#cursor.recv(this);
    if (result === PENDING) return;
    this.#cursor.busy = false;
    if (result instanceof Lag) this.reject(new Lagged(result.skipped));
    else this.resolve(result);
  }

  protected detach(): void {
    this.#cursor.unregister();
    this.#cursor.busy = false;
  }
}

/** Make the handles; set by their classes' static blocks (their constructors are private). */
let makeBroadcastSender: <T>(shared: BroadcastShared<T>) => BroadcastSender<T>;
let makeBroadcastReceiver: <T>(cursor: Cursor<T>) => BroadcastReceiver<T>;

/**
 * The sending half of a {@linkcode broadcast} channel. Every value goes to
 * every receiver alive when it is sent.
 *
 * @typeParam T The values sent.
 *
 * @example Count the receivers a value reaches
 * ```ts
 * import { broadcast } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx1] = broadcast<string>(4);
 * const rx2 = tx.subscribe();
 * assert.equal(tx.send("hi"), 2);
 * assert.equal(await rx1.recv(), "hi");
 * assert.equal(await rx2.recv(), "hi");
 * ```
 */
export class BroadcastSender<T> implements Disposable {
  static {
    makeBroadcastSender = <T>(shared: BroadcastShared<T>) => new BroadcastSender<T>(shared);
  }

  /** The channel, until this handle is closed. */
  #shared: BroadcastShared<T> | null;

  private constructor(shared: BroadcastShared<T>) {
    this.#shared = shared;
  }

  /**
   * Sends `value` to every receiver, without waiting. A receiver that is
   * `capacity` values behind loses its oldest unread value.
   *
   * @param value The value.
   * @returns How many receivers will see it.
   * @throws {SendError} If there is no receiver, or this sender is closed.
   */
  send(value: T): number {
    const shared = this.#shared;
    if (shared === null) throw new SendError(value, "Cannot send: this sender is closed");
    const count = shared.send(value);
    if (count === 0) throw new SendError(value, "Cannot send: there is no receiver");
    return count;
  }

  /**
   * Makes a receiver that gets every value sent from now on.
   *
   * @returns The new receiver.
   * @throws {TypeError} If this sender is closed.
   */
  subscribe(): BroadcastReceiver<T> {
    return makeBroadcastReceiver(this.#open("subscribe").subscribe());
  }

  /** How many receivers are alive (0 once this sender is closed). */
  get receiverCount(): number {
    return this.#shared?.receivers ?? 0;
  }

  /**
   * Returns another sender for the same channel.
   *
   * @returns The new sender; the channel closes when every sender is closed.
   * @throws {TypeError} If this sender is closed.
   */
  clone(): BroadcastSender<T> {
    const shared = this.#open("clone the sender");
    shared.senders++;
    return makeBroadcastSender(shared);
  }

  /** Drops this sender; when it is the last one, receivers end once they have read everything. */
  close(): void {
    const shared = this.#shared;
    if (shared === null) return;
    this.#shared = null;
    shared.dropSender();
  }

  /** Closes this sender, as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #open(action: string): BroadcastShared<T> {
    if (this.#shared === null) throw new TypeError(`Cannot ${action}: this sender is closed`);
    return this.#shared;
  }
}

/**
 * The receiving half of a {@linkcode broadcast} channel; make more with
 * `tx.subscribe()` or `rx.resubscribe()`.
 *
 * - `recv()` resolves with the next value, with `undefined` once every sender
 *   is closed and this receiver has read everything, or rejects with
 *   {@linkcode Lagged} when values it had not read were overwritten; the next
 *   `recv()` then returns the oldest value the channel still holds.
 * - It is an `AsyncIterable`: a lag rejects the loop's `next()` with
 *   `Lagged` (use `Stream.from(rx)`, which yields `Result` items, to go on
 *   past lags); leaving the loop early closes the receiver.
 * - One consumer at a time: a second `recv()` while one waits is an error.
 *
 * @typeParam T The values received.
 *
 * @example Receive until the senders are gone
 * ```ts
 * import { broadcast } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = broadcast<number>(8);
 * tx.send(1);
 * tx.send(2);
 * tx.close();
 * assert.deepStrictEqual(await Array.fromAsync(rx), [1, 2]);
 * ```
 */
export class BroadcastReceiver<T> implements AsyncIterable<T>, Disposable {
  static {
    makeBroadcastReceiver = <T>(cursor: Cursor<T>) => new BroadcastReceiver<T>(cursor);
  }

  /** This receiver's place in the ring. */
  readonly #cursor: Cursor<T>;

  private constructor(cursor: Cursor<T>) {
    this.#cursor = cursor;
    cursors.link(this, cursor as Cursor<unknown>);
  }

  /**
   * Receives the next value, waiting for one if needed.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns The next value, or `undefined` once every sender is closed and all is read.
   * @throws {Lagged} (as a rejection) If this receiver missed values; it goes on from the oldest kept.
   * @throws {TypeError} (as a rejection) If another `recv()` or loop is consuming.
   */
  recv(options?: WaitOptions): Promise<T | undefined> {
    return this.#next(options).then(undefinedAtEnd);
  }

  /**
   * Receives a value only if one is ready.
   *
   * @returns The next value, or `undefined` if none is ready (or the channel ended).
   * @throws {Lagged} If this receiver missed values; it goes on from the oldest kept.
   * @throws {TypeError} If a `recv()` or loop is waiting.
   */
  tryRecv(): T | undefined {
    if (this.#cursor.busy) throw busyError("receive");
    const result = this.#cursor.recv(null);
    if (result === PENDING || result === DONE) return undefined;
    return outcome(result) as T;
  }

  /** How many values this receiver has not read yet (tokio's `len`), lagged ones included. */
  get length(): number {
    const shared = this.#cursor.shared;
    return shared === null ? 0 : shared.tail - this.#cursor.next;
  }

  /** Whether nothing more can come: this receiver is closed, or every sender is closed. */
  get isClosed(): boolean {
    return this.#cursor.shared?.closed ?? true;
  }

  /**
   * Makes a new receiver on the same channel that gets the values sent from
   * now on (tokio's `resubscribe`).
   *
   * @returns The new receiver.
   * @throws {TypeError} If this receiver is closed.
   */
  resubscribe(): BroadcastReceiver<T> {
    const shared = this.#cursor.shared;
    if (shared === null) throw new TypeError("Cannot resubscribe: this receiver is closed");
    return makeBroadcastReceiver(shared.subscribe());
  }

  /**
   * Drops the receiver: senders stop counting it, the values it had not read
   * are released, and a pending `recv()` resolves with `undefined`.
   */
  close(): void {
    const waker = this.#cursor.waker;
    this.#cursor.drop();
    waker?.wake();
  }

  /** Closes the receiver, as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Iterates the values until every sender is closed and all is read.
   * Leaving the loop early closes the receiver.
   *
   * @throws {TypeError} If a `recv()` or another loop is consuming.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#cursor.busy) throw busyError("iterate");
    const cursor = this.#cursor;
    return {
      next: (): Promise<IteratorResult<T>> => {
        // Fast path: a value ready, no promise but the one returned.
        const result = cursor.busy ? PENDING : cursor.recv(null);
        if (result === PENDING) return this.#next(undefined).then(iteratorResult);
        if (result === DONE) return Promise.resolve({ value: undefined, done: true });
        if (result instanceof Lag) return Promise.reject(new Lagged(result.skipped));
        return Promise.resolve({ value: result, done: false });
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** One receive: the value or DONE; rejects with `Lagged`. */
  #next(options: WaitOptions | undefined): Promise<T | typeof DONE> {
    const cursor = this.#cursor;
    if (cursor.busy) return Promise.reject(busyError("receive"));
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const result = cursor.recv(null);
    if (result === PENDING) {
      const wait = new BroadcastRecv(cursor);
      cursor.recv(wait);
      cursor.busy = true;
      return wait.begin(options);
    }
    if (result instanceof Lag) return Promise.reject(new Lagged(result.skipped));
    return Promise.resolve(result);
  }
}

function undefinedAtEnd<T>(result: T | typeof DONE): T | undefined {
  return result === DONE ? undefined : result;
}

function iteratorResult<T>(result: T | typeof DONE): IteratorResult<T> {
  return result === DONE ? { value: undefined, done: true } : { value: result, done: false };
}

function busyError(action: string): TypeError {
  return new TypeError(`Cannot ${action}: this receiver already has a consumer`);
}

/**
 * Creates a broadcast channel, tokio's `sync::broadcast::channel(capacity)`:
 * many senders, many receivers, each receiver sees every value sent after it
 * subscribed.
 *
 * - `capacity` is rounded up to a power of two: the channel keeps that many
 *   recent values. A receiver further behind loses the oldest ones and is
 *   told how many with {@linkcode Lagged}, then goes on from the oldest kept.
 * - `send` never waits; it throws {@linkcode SendError} when no receiver is
 *   alive.
 * - When every sender is closed, receivers get what they have not read, then
 *   `undefined`.
 *
 * @typeParam T The values sent.
 * @param capacity How many values to keep, an integer >= 1.
 * @returns The sender and a first receiver.
 * @throws {RangeError} If `capacity` is not an integer >= 1.
 *
 * @example A slow receiver lags
 * ```ts
 * import { broadcast, Lagged } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = broadcast<number>(2);
 * for (const n of [1, 2, 3, 4]) tx.send(n);
 * await assert.rejects(rx.recv(), Lagged);
 * assert.equal(await rx.recv(), 3);
 * assert.equal(await rx.recv(), 4);
 * ```
 */
export function broadcast<T>(capacity: number): [BroadcastSender<T>, BroadcastReceiver<T>] {
  checkCount(capacity, "create a broadcast channel");
  if (capacity === 0) {
    throw new RangeError("Cannot create a broadcast channel: the capacity must be at least 1");
  }
  if (capacity > 2 ** 30) {
    throw new RangeError(
      `Cannot create a broadcast channel: the capacity must be at most 2^30, got ${capacity}`,
    );
  }
  const shared = new BroadcastShared<T>(capacity);
  return [makeBroadcastSender(shared), makeBroadcastReceiver(new Cursor(shared, 0))];
}
