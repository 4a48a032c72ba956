/**
 * Internal: the sending halves of an mpsc `channel()` (tokio's
 * `sync/mpsc/bounded.rs` and `unbounded.rs`): {@linkcode SenderHandle}, what
 * both share, and the unbounded {@linkcode Sender} and {@linkcode BoundedSender}.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { SendError } from "./errors.ts";
import { type Permit, receiverClosed, reserve, sendWithin, tryReserve } from "./mpsc.ts";
import {
  type ChannelState,
  PendingSend,
  type Refusal,
  registerSender,
  type SenderSlot,
} from "./state.ts";

const MESSAGES: Record<Refusal, string> = {
  "receiver-closed": "Cannot send: the receiver is closed",
  "sender-closed": "Cannot send: this sender is closed",
  "sender-moved": "Cannot send: this sender was moved into a thread",
};

/** The error a refused send throws: it carries the value back. */
export function refuse<T>(value: T, why: Refusal): Error {
  return new SendError(value, MESSAGES[why]);
}

/** Make a new channel's senders; set by their classes' static blocks (their constructors are private). */
export let makeSender: <T>(slot: SenderSlot<T>) => Sender<T>;
export let makeBoundedSender: <T>(slot: SenderSlot<T>) => BoundedSender<T>;
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
