/**
 * Internal: tokio's `sync::broadcast`, a bounded ring that every receiver
 * reads at its own pace. Re-exported by `channel.ts`.
 *
 * The ring follows tokio's (1.24): capacity rounded up to a power of two;
 * each slot remembers the position written into it; a receiver whose next
 * position was overwritten is told how many values it missed (`Lagged`) and
 * moves to the oldest value kept. Waiting receivers are woken in the order
 * they began to wait and read when the scheduler polls them, after the
 * sending task has gone on to its own next wait.
 *
 * @module
 */
import { Friends } from "../_runtime/friends.ts";
import { DONE, PENDING, type Source, type Waker } from "../_runtime/poll.ts";
import { checkCount } from "../_runtime/checks.ts";
import type { WaitOptions } from "../_runtime/task_state.ts";
import { Lagged, SendError } from "./errors.ts";
import { PolledWait } from "./wait.ts";

/** One place in the ring. */
class Slot<T> {
  /** The position last written here. */
  pos: number;
  /** Receivers that still have to read it; the value is dropped at 0. */
  rem = 0;
  /** The value, until every receiver has read it. */
  value: T | undefined = undefined;
  constructor(pos: number) {
    this.pos = pos;
  }
}

/** A poll found that the receiver missed values: `skipped` of them. */
class Lag {
  readonly skipped: number;
  constructor(skipped: number) {
    this.skipped = skipped;
  }
}

/** What one receive attempt gives. */
type RecvPoll<T> = T | Lag | typeof PENDING | typeof DONE;

/** The state every sender and receiver shares. */
export class BroadcastShared<T> {
  /** The ring. */
  readonly buffer: Slot<T>[];
  /** The next position to write. */
  tail = 0;
  /** Receivers alive. */
  receivers = 1;
  /** Senders alive. */
  senders = 1;
  /** Set once the last sender is gone. */
  closed = false;
  /** Receivers waiting for a value, in the order they began to wait. */
  waiters: Set<Cursor<T>> = new Set();

  constructor(capacity: number) {
    const size = nextPowerOfTwo(capacity);
    this.buffer = [];
    for (let i = 0; i < size; i++) this.buffer.push(new Slot<T>(i - size));
  }

  /** Writes `value` for every receiver; returns how many there are (0: refused). */
  send(value: T): number {
    const receivers = this.receivers;
    if (receivers === 0) return 0;
    const pos = this.tail++;
    const slot = this.buffer[pos % this.buffer.length]!;
    slot.pos = pos;
    slot.rem = receivers;
    slot.value = value;
    this.#notify();
    return receivers;
  }

  /** One sender fewer; the channel closes with the last. */
  dropSender(): void {
    if (--this.senders > 0) return;
    this.closed = true;
    this.#notify();
  }

  /** A new receiver, reading from the next value sent. */
  subscribe(): Cursor<T> {
    this.receivers++;
    return new Cursor(this, this.tail);
  }

  /** Wakes every waiting receiver. */
  #notify(): void {
    if (this.waiters.size === 0) return;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const cursor of waiters) cursor.wake();
  }
}

/** One receiver's place in the ring; registered in `waiters` while it waits. */
export class Cursor<T> implements Waker {
  /** The channel, until the receiver is dropped. */
  shared: BroadcastShared<T> | null;
  /** The next position to read. */
  next: number;
  /** Whom to wake when a value arrives or the channel closes. */
  waker: Waker | null = null;
  /** Whether a `recv()`, a loop or a stream is consuming (one consumer at a time). */
  busy = false;

  constructor(shared: BroadcastShared<T>, next: number) {
    this.shared = shared;
    this.next = next;
  }

  /** Receives: a value, a `Lag`, DONE once closed and read, or PENDING (then `cx` is woken). */
  recv(cx: Waker | null): RecvPoll<T> {
    const shared = this.shared;
    if (shared === null) return DONE;
    const buffer = shared.buffer;
    const slot = buffer[this.next % buffer.length]!;
    if (slot.pos !== this.next) {
      if (slot.pos + buffer.length === this.next) {
        // Nothing new for this receiver.
        if (shared.closed) return DONE;
        if (cx !== null) {
          this.waker = cx;
          shared.waiters.add(this);
        }
        return PENDING;
      }
      // Overwritten: go on from the oldest value kept.
      const oldest = shared.tail - buffer.length;
      const missed = oldest - this.next;
      this.next = oldest;
      return new Lag(missed);
    }
    this.next++;
    const value = slot.value as T;
    if (--slot.rem === 0) slot.value = undefined;
    return value;
  }

  /** Called by the channel: a value arrived or it closed. */
  wake(): void {
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }

  /** Stops waiting (the wait was cancelled). */
  unregister(): void {
    this.waker = null;
    this.shared?.waiters.delete(this);
  }

  /** Drops the receiver: it stops counting, and releases the values it had not read. */
  drop(): void {
    const shared = this.shared;
    if (shared === null) return;
    this.unregister();
    shared.receivers--;
    const until = shared.tail;
    while (this.next < until && this.recv(null) !== DONE) {
      // Each read releases a slot (a Lag just moves on).
    }
    this.shared = null;
  }
}

function nextPowerOfTwo(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

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

/** The cursor behind each receiver handle (for `Stream.from`). */
const cursors = new Friends<Cursor<unknown>>();

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

/** tokio-stream's `BroadcastStream`: `Result` items, a lag is an item, the end is the end. */
class BroadcastSource<T> implements Source<BroadcastItem<T>> {
  /** The receiver's place, until the stream is closed. */
  readonly #cursor: Cursor<T>;
  constructor(cursor: Cursor<T>) {
    this.#cursor = cursor;
  }
  poll(cx: Waker): BroadcastItem<T> | typeof PENDING | typeof DONE {
    const result = this.#cursor.recv(cx);
    if (result === PENDING) return PENDING;
    if (result === DONE) return DONE;
    if (result instanceof Lag) return { ok: false, error: new Lagged(result.skipped) };
    return { ok: true, value: result };
  }
  close(): void {
    this.#cursor.drop();
  }
}

/** An item of `Stream.from(broadcastReceiver)`. */
export type BroadcastItem<T> = { ok: true; value: T } | { ok: false; error: Lagged };

/**
 * The stream stage for a broadcast receiver, or undefined for anything else.
 * The stream owns the receiver from then on.
 */
export function broadcastSource<T>(input: unknown): Source<BroadcastItem<T>> | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const cursor = cursors.stateOf(input) as Cursor<T> | undefined;
  if (cursor === undefined) return undefined;
  if (cursor.busy) {
    throw new TypeError("Cannot make a stream: this receiver already has a consumer");
  }
  cursor.busy = true;
  return new BroadcastSource(cursor);
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
