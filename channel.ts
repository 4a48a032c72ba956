/**
 * Channels: trpl's unbounded multi-producer, single-consumer `channel()`, and
 * a bounded variant whose `send` waits for room.
 *
 * - FIFO per channel; every value whose `send` returned normally is received
 *   exactly once, unless the receiver is closed first.
 * - `Sender.clone()` adds a producer; when every sender is closed, the receiver
 *   yields what is buffered, then ends.
 * - Once the receiver is closed, `send` throws {@linkcode SendError}, which
 *   carries the refused value back: that is how a producer learns to stop.
 *
 * @example Send from a task, receive with for await
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * spawnTask(() => {
 *   for (const word of ["hi", "from", "the", "thread"]) tx.send(word);
 *   tx.close();
 * });
 * const received: string[] = [];
 * for await (const word of rx) received.push(word);
 * assert.deepStrictEqual(received, ["hi", "from", "the", "thread"]);
 * ```
 *
 * @module
 */
import {
  ChannelState,
  PendingSend,
  type Refusal,
  registerReceiver,
  registerSender,
  SenderSlot,
} from "./_channel/state.ts";
import { DONE, PENDING, type Waker } from "./_runtime/poll.ts";
import { checkCount } from "./_runtime/checks.ts";
import { SignalWait } from "./_runtime/wait.ts";
import type { WaitOptions } from "./task.ts";
import { SendError } from "./_channel/errors.ts";
import {
  type Permit,
  receiverClosed,
  reserve,
  sendWithin,
  takeReady,
  tryReserve,
} from "./_channel/mpsc.ts";

export { Lagged, RecvError, SendError } from "./_channel/errors.ts";
export { oneshot, OneshotReceiver, OneshotSender } from "./_channel/oneshot.ts";
export { Permit } from "./_channel/mpsc.ts";

const MESSAGES: Record<Refusal, string> = {
  "receiver-closed": "Cannot send: the receiver is closed",
  "sender-closed": "Cannot send: this sender is closed",
  "sender-moved": "Cannot send: this sender was moved into a thread",
};

function refuse<T>(value: T, why: Refusal): Error {
  return new SendError(value, MESSAGES[why]);
}

/** Make a channel's handles; set by their classes' static blocks (their constructors are private). */
let makeSender: <T>(slot: SenderSlot<T>) => Sender<T>;
let makeBoundedSender: <T>(slot: SenderSlot<T>) => BoundedSender<T>;
let makeReceiver: <T>(state: ChannelState<T>) => Receiver<T>;
/** A sender's slot; set by SenderHandle's static block. */
let slotOf: <T>(sender: SenderHandle<T>) => SenderSlot<T>;

/**
 * What both kinds of sender ({@linkcode Sender}, {@linkcode BoundedSender})
 * share: closing, `isClosed` and `closed()`. Each closes only itself: the
 * receiver ends once every sender of the channel is closed.
 *
 * @typeParam T The values sent.
 *
 * @example Close any sender
 * ```ts
 * import { channel, type SenderHandle } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * function finish(tx: SenderHandle<number>): void {
 *   tx.close();
 * }
 * const [tx, rx] = channel<number>(1);
 * finish(tx);
 * assert.equal(tx.isClosed, true);
 * assert.equal(await rx.recv(), undefined);
 * ```
 */
export abstract class SenderHandle<T> implements Disposable {
  static {
    slotOf = <T>(sender: SenderHandle<T>) => sender.#slot;
  }

  /** This handle's place among the channel's senders. */
  readonly #slot: SenderSlot<T>;

  /** Made by `channel()` and `clone()` only. */
  protected constructor(slot: SenderSlot<T>) {
    this.#slot = slot;
    registerSender(this, slot as SenderSlot<unknown>);
  }

  /** Closes this sender; closing twice is harmless. */
  close(): void {
    this.#slot.close();
  }

  /** Closes this sender, as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Whether sending would fail: the receiver or this handle is closed. */
  get isClosed(): boolean {
    return this.#slot.isClosed;
  }

  /**
   * Waits until the receiver is closed or dropped (tokio's `closed()`).
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves once sends start failing.
   */
  closed(options?: WaitOptions): Promise<void> {
    return receiverClosed(this.#slot.state, options);
  }
}

/**
 * The sending half of an unbounded channel. `send` never waits.
 *
 * @typeParam T The values sent.
 *
 * @example Two producers
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * const tx2 = tx.clone();
 * tx.send("a");
 * tx2.send("b");
 * tx.close();
 * tx2.close();
 * assert.deepStrictEqual(await Array.fromAsync(rx), ["a", "b"]);
 * ```
 */
export class Sender<T> extends SenderHandle<T> {
  static {
    makeSender = <T>(slot: SenderSlot<T>) => new Sender<T>(slot);
  }

  private constructor(slot: SenderSlot<T>) {
    super(slot);
  }

  /**
   * Sends `value` at once.
   *
   * @param value The value.
   * @throws {SendError} If the receiver is closed or this sender is closed or moved.
   */
  send(value: T): void {
    slotOf(this).check(value).push(value);
  }

  /**
   * Returns a new sender for the same channel.
   *
   * @returns Another producer handle; the channel stays open until every one is closed.
   * @throws {TypeError} If this sender is closed or was moved.
   */
  clone(): Sender<T> {
    return makeSender(slotOf(this).clone());
  }
}

/**
 * The sending half of a bounded channel: `send` waits while the buffer is
 * full, `trySend` never waits.
 *
 * @typeParam T The values sent.
 *
 * @example Back-pressure with a capacity of 1
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<number>(1);
 * await tx.send(1);
 * assert.equal(tx.trySend(2), false);
 * assert.equal(await rx.recv(), 1);
 * assert.equal(tx.trySend(2), true);
 * ```
 */
export class BoundedSender<T> extends SenderHandle<T> {
  static {
    makeBoundedSender = <T>(slot: SenderSlot<T>) => new BoundedSender<T>(slot);
  }

  private constructor(slot: SenderSlot<T>) {
    super(slot);
  }

  /**
   * Sends `value`, waiting while the buffer is full. Waiting sends are served
   * in order. Aborting (the signal, or the task it runs in) withdraws the value.
   *
   * @param value The value.
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves once the channel has taken the value.
   * @throws {SendError} (as a rejection) If the receiver is or becomes closed first.
   */
  send(value: T, options?: WaitOptions): Promise<void> {
    let state: ChannelState<T>;
    try {
      state = slotOf(this).check(value);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (state.hasRoom) {
      state.push(value);
      return Promise.resolve();
    }
    const pending = new PendingSend(state, value);
    // Tied to the task and the signal before it is queued: a zero-capacity
    // hand-over may accept it at once.
    const promise = pending.begin(options);
    if (!pending.done) state.enqueue(pending);
    return promise;
  }

  /**
   * Sends `value` only if that needs no waiting.
   *
   * @param value The value.
   * @returns true if the channel took the value, false if it is full.
   * @throws {SendError} If the receiver is closed or this sender is closed or moved.
   */
  trySend(value: T): boolean {
    const state = slotOf(this).check(value);
    if (state.hasRoom) {
      state.push(value);
      return true;
    }
    if (state.capacity === 0 && state.waker !== null && state.buffer.length === 0) {
      // A receiver is waiting: hand the value over.
      state.push(value);
      return true;
    }
    return false;
  }

  /**
   * Returns a new sender for the same channel.
   *
   * @returns Another producer handle.
   * @throws {TypeError} If this sender is closed or was moved.
   */
  clone(): BoundedSender<T> {
    return makeBoundedSender(slotOf(this).clone());
  }

  /**
   * Reserves a slot, waiting for room in turn with waiting sends (tokio's
   * `reserve()`). The {@linkcode Permit} sends without waiting; disposing it
   * unused gives the slot back.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise of the permit.
   * @throws {SendError} (as a rejection) If the receiver is or becomes closed, or this sender is closed.
   * @throws {TypeError} If the channel's capacity is 0 (a rendezvous has no slot).
   */
  reserve(options?: WaitOptions): Promise<Permit<T>> {
    return reserve(slotOf(this), options);
  }

  /**
   * Reserves a slot only if there is room now (tokio's `try_reserve()`).
   *
   * @returns The permit, or `undefined` if the channel is full.
   * @throws {SendError} If the receiver is closed or this sender is closed.
   * @throws {TypeError} If the channel's capacity is 0.
   */
  tryReserve(): Permit<T> | undefined {
    return tryReserve(slotOf(this));
  }

  /** Free slots now: the capacity minus buffered values and held permits (tokio's `capacity()`). */
  get capacity(): number {
    const state = slotOf(this).state;
    return Math.max(0, state.capacity - state.buffer.length - state.reserved);
  }

  /** The capacity the channel was created with (tokio's `max_capacity()`). */
  get maxCapacity(): number {
    return slotOf(this).state.capacity;
  }

  /**
   * Sends `value`, waiting at most `ms` for room (tokio's `send_timeout`).
   *
   * @param value The value.
   * @param ms How long to wait for room, in milliseconds.
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves once the channel has taken the value.
   * @throws {SendError} (as a rejection) With the value, if there was no room within `ms`
   *   (message "Cannot send: no room within ...") or the receiver is closed.
   * @throws {RangeError} If `ms` is negative, NaN or infinite.
   */
  sendTimeout(value: T, ms: number, options?: WaitOptions): Promise<void> {
    return sendWithin(slotOf(this).state, value, ms, options, (v, o) => this.send(v, o));
  }
}

/**
 * A receive that polls the channel: what `recv()` and a loop's `next()` share.
 * `poll()` is the one poll-and-settle path, run when the receive starts and
 * each time the channel wakes it; it settles once.
 */
abstract class PendingRecv<T, R> extends SignalWait<R> implements Waker {
  /** The channel. */
  readonly state: ChannelState<T>;

  constructor(state: ChannelState<T>) {
    super();
    this.state = state;
  }

  /** Polls the channel: settles and returns true, or stays registered as its waker. */
  poll(): boolean {
    let result;
    try {
      result = this.state.poll(this);
    } catch (error) {
      // A thread feeding the channel failed.
      this.failed();
      this.reject(error);
      return true;
    }
    if (result === PENDING) return false;
    this.resolve(this.deliver(result));
    return true;
  }

  /** The channel changed: a stale wake (settled already) must not take a value. */
  wake(): void {
    if (!this.done) this.poll();
  }

  /** Cancelled: the channel must not wake it any more. */
  protected detach(): void {
    if (this.state.waker === this) this.state.waker = null;
  }

  /** What the receive resolves with for a value or the end. */
  protected abstract deliver(result: T | typeof DONE): R;

  /** The channel failed the receive (a thread's error). */
  protected abstract failed(): void;
}

/** A `recv()`: the value, or undefined at the end; the receiver is free again once it settles. */
class RecvWait<T> extends PendingRecv<T, T | undefined> {
  protected deliver(result: T | typeof DONE): T | undefined {
    this.state.hasConsumer = false;
    return result === DONE ? undefined : result;
  }

  protected failed(): void {
    this.state.hasConsumer = false;
  }

  protected override detach(): void {
    super.detach();
    this.state.hasConsumer = false;
  }
}

/**
 * The receiving half of a channel. It is an `AsyncIterable`: leaving a
 * `for await` loop early closes it. It has one consumer at a time: a second
 * loop, or a `recv()` while another waits, is an error rather than a silent
 * split of the values.
 *
 * @typeParam T The values received.
 *
 * @example Receive until every sender is closed
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<number>();
 * tx.send(1);
 * tx.close();
 * assert.equal(await rx.recv(), 1);
 * assert.equal(await rx.recv(), undefined);
 * ```
 */
export class Receiver<T> implements AsyncIterable<T>, Disposable {
  static {
    makeReceiver = <T>(state: ChannelState<T>) => new Receiver<T>(state);
  }

  /** The channel; its `hasConsumer` says whether a recv(), a loop or a stream is consuming. */
  readonly #state: ChannelState<T>;

  private constructor(state: ChannelState<T>) {
    this.#state = state;
    registerReceiver(this, state as ChannelState<unknown>);
  }

  /**
   * Receives the next value, waiting for one if needed.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns The next value, or `undefined` once the channel is closed and drained.
   * @throws {TypeError} (as a rejection) If another `recv()` or loop is consuming.
   */
  recv(options?: WaitOptions): Promise<T | undefined> {
    if (this.#state.hasConsumer) return Promise.reject(busyError("receive"));
    const state = this.#state;
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const wait = new RecvWait(state);
    // Waiting, it is the receiver's one consumer until it settles.
    if (!wait.poll()) state.hasConsumer = true;
    return wait.begin(options);
  }

  /**
   * Receives a value only if one is ready.
   *
   * @returns The next value, or `undefined` if none is buffered (or the channel ended).
   * @throws {TypeError} If a value is buffered while a loop or a stream is consuming.
   */
  tryRecv(): T | undefined {
    const state = this.#state;
    if (state.buffer.length === 0 && state.pendingLive === 0) return undefined;
    // Taking a buffered value from under a loop or a stream would split them.
    if (state.hasConsumer) throw busyError("receive");
    const result = state.poll(NO_WAKER);
    return result === PENDING || result === DONE ? undefined : result;
  }

  /** How many values are buffered. */
  get length(): number {
    return this.#state.buffer.length;
  }

  /**
   * Whether nothing new can be sent (tokio's `is_closed()`): `close()` was
   * called, or every sender is closed, even while values are still buffered.
   * A waiting bounded send or a held {@linkcode Permit} keeps it open.
   */
  get isClosed(): boolean {
    const state = this.#state;
    return state.receiverClosed || (state.senders === 0 && state.pendingLive === 0);
  }

  /**
   * Receives at least one value, and up to `limit` (tokio's `recv_many`):
   * waits for the first, then takes what is ready without waiting.
   *
   * @param limit The most values to take, an integer >= 0 (0 resolves with `[]` at once).
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns 1 to `limit` values, or `[]` once the channel is closed and drained.
   * @throws {RangeError} If `limit` is not an integer >= 0.
   * @throws {TypeError} (as a rejection) If another `recv()` or loop is consuming.
   */
  recvMany(limit: number, options?: WaitOptions): Promise<T[]> {
    checkCount(limit, "receive many");
    if (limit === 0) return Promise.resolve([]);
    const state = this.#state;
    return this.recv(options).then((first) => {
      if (first === undefined && state.buffer.length === 0 && this.#ended) return [];
      const values = [first as T];
      takeReady(state, values, limit);
      return values;
    });
  }

  /** Whether the receive that gave `undefined` was the end. */
  get #ended(): boolean {
    const state = this.#state;
    return state.senders === 0 || state.receiverClosed;
  }

  /**
   * Stops senders (their next `send` throws); buffered values can still be
   * received. A pending `recv()` or loop with nothing buffered ends, but
   * first gets what a thread's sender had accepted and is still crossing
   * (it ends once that thread has seen the stop or has ended).
   */
  close(): void {
    const waker = this.#state.waker;
    this.#state.waker = null;
    this.#state.closeReceiver();
    waker?.wake();
  }

  /** Closes the receiver and discards what is buffered, as dropping it in Rust. */
  [Symbol.dispose](): void {
    const waker = this.#state.waker;
    this.#state.waker = null;
    this.#state.close();
    waker?.wake();
  }

  /**
   * Iterates the values until the channel is closed and drained. Leaving the
   * loop early closes the receiver.
   *
   * @throws {TypeError} If another loop or `recv()` is consuming.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#state.hasConsumer) throw busyError("iterate");
    this.#state.hasConsumer = true;
    return new ReceiverIterator(this.#state);
  }
}

const NO_WAKER: Waker = { wake() {} };

function busyError(action: string): TypeError {
  return new TypeError(`Cannot ${action}: this receiver already has a consumer`);
}

/** A `for await` loop over a receiver. */
class ReceiverIterator<T> implements AsyncIterator<T> {
  /** The channel, until the loop ends (it has a consumer until then). */
  #state: ChannelState<T> | null;
  /** The pending `next()`, if any: a wait its task's abort ends. */
  #waiting: NextWait<T> | null = null;

  constructor(state: ChannelState<T>) {
    this.#state = state;
  }

  next(): Promise<IteratorResult<T>> {
    const state = this.#state;
    if (state === null) return Promise.resolve({ value: undefined, done: true });
    // Fast path: a buffered value, no bounded sender waiting, no failure due.
    if (state.buffer.length > 0 && state.pendingLive === 0 && state.failure === null) {
      state.taken++;
      return Promise.resolve({ value: state.buffer.shift(), done: false });
    }
    if (this.#waiting !== null) {
      return Promise.reject(new TypeError("Cannot iterate: a previous next() is still pending"));
    }
    const wait = new NextWait(state, this);
    if (!wait.poll()) this.#waiting = wait;
    return wait.begin(undefined);
  }

  return(): Promise<IteratorResult<T>> {
    const waiting = this.#waiting;
    this.#state?.close();
    this.end();
    waiting?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  /** A `next()` got `result` (a value, or the end, which ends the loop). */
  settled(result: T | typeof DONE): IteratorResult<T> {
    this.#waiting = null;
    if (result !== DONE) return { value: result, done: false };
    this.end();
    return { value: undefined, done: true };
  }

  /**
   * The loop's task was aborted while `next()` waited: as the loop is left
   * early, the receiver is closed.
   */
  abandon(): void {
    this.#state?.close();
    this.end();
  }

  /** The loop is over: the receiver has no consumer any more. */
  end(): void {
    const state = this.#state;
    if (state === null) return;
    this.#state = null;
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting !== null && state.waker === waiting) state.waker = null;
    state.hasConsumer = false;
  }
}

/** A loop's pending `next()`. */
class NextWait<T> extends PendingRecv<T, IteratorResult<T>> {
  /** The loop. */
  readonly #loop: ReceiverIterator<T>;

  constructor(state: ChannelState<T>, loop: ReceiverIterator<T>) {
    super(state);
    this.#loop = loop;
  }

  protected deliver(result: T | typeof DONE): IteratorResult<T> {
    return this.#loop.settled(result);
  }

  protected failed(): void {
    this.#loop.end();
  }

  protected override detach(): void {
    super.detach();
    this.#loop.abandon();
  }
}

/**
 * Creates an unbounded multi-producer, single-consumer channel, trpl's
 * `channel()`.
 *
 * @typeParam T The values sent.
 * @returns The sender and the receiver.
 *
 * @example Create a channel
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * tx.send("hi");
 * assert.equal(await rx.recv(), "hi");
 * ```
 */
export function channel<T>(): [Sender<T>, Receiver<T>];
/**
 * Creates a bounded channel holding at most `capacity` values; a capacity of
 * 0 is a rendezvous: `send` waits until the receiver takes the value.
 *
 * @typeParam T The values sent.
 * @param capacity The buffer size, an integer >= 0.
 * @returns The sender and the receiver.
 * @throws {RangeError} If `capacity` is not an integer >= 0.
 *
 * @example A rendezvous channel
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>(0);
 * const sent = tx.send("hand-over");
 * assert.equal(await rx.recv(), "hand-over");
 * await sent;
 * ```
 */
export function channel<T>(capacity: number): [BoundedSender<T>, Receiver<T>];
export function channel<T>(
  capacity?: number,
): [Sender<T>, Receiver<T>] | [BoundedSender<T>, Receiver<T>] {
  if (capacity === undefined) {
    const state = new ChannelState<T>(Infinity, refuse);
    return [makeSender(new SenderSlot(state)), makeReceiver(state)];
  }
  checkCount(capacity, "create a bounded channel");
  const state = new ChannelState<T>(capacity, refuse);
  return [makeBoundedSender(new SenderSlot(state)), makeReceiver(state)];
}

export { broadcast, BroadcastReceiver, BroadcastSender } from "./_channel/broadcast.ts";
export { watch, WatchReceiver, WatchSender } from "./_channel/watch.ts";
