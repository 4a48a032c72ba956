/**
 * Internal: the receiving half of an mpsc `channel()` (tokio's
 * `sync/mpsc/bounded.rs` `Receiver`), its `for await` loop, and the receive
 * both share: one poll-and-settle path ({@linkcode PendingRecv}).
 *
 * @module
 */
import { checkCount } from "../_runtime/checks.ts";
import { DONE, PENDING, type Waker } from "../_runtime/poll.ts";
import type { WaitOptions } from "../_runtime/task_state.ts";
import { SignalWait } from "../_runtime/wait.ts";
import { takeReady } from "./mpsc.ts";
import { type ChannelState, registerReceiver } from "./state.ts";

/** Makes a new channel's receiver; set by its class's static block (its constructor is private). */
export let makeReceiver: <T>(state: ChannelState<T>) => Receiver<T>;

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
