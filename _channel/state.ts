/**
 * Internal: the state shared by a channel's senders and its receiver.
 *
 * It is also the channel's stream stage: `poll`/`close` follow tokio's mpsc
 * receiver, whose waker stays registered until a send or the last sender's
 * close takes it.
 *
 * @module
 */
import {
  coop,
  DONE,
  type DrainStatus,
  PENDING,
  type Poll,
  type Sink,
  type Source,
  type Waker,
} from "../_runtime/poll.ts";
import { Friends } from "../_runtime/friends.ts";
import { Queue } from "./queue.ts";
import { SignalWait } from "../_runtime/wait.ts";

/** A bounded send waiting for room. */
export class PendingSend<T> extends SignalWait<void> {
  /** The value to deliver. */
  readonly value: T;
  /** The channel it waits on. */
  readonly channel: ChannelState<T>;
  /** Whether it is in the channel's queue (and counted in `pendingLive`). */
  queued = false;
  /** A `reserve()`: admitted, it takes a slot (a permit) instead of delivering a value. */
  reservation = false;

  constructor(channel: ChannelState<T>, value: T) {
    super();
    this.channel = channel;
    this.value = value;
  }

  /** Delivered: the value entered the buffer or reached the receiver. */
  accept(): void {
    this.resolve();
  }

  /** Withdrawn (aborted, or refused by a closing receiver): it no longer counts as waiting. */
  protected detach(): void {
    if (this.queued) this.channel.pendingLive--;
  }
}

/** Why a send was refused, for `SendError` messages. */
export type Refusal = "receiver-closed" | "sender-closed" | "sender-moved";

/** The shared state of one channel. */
export class ChannelState<T> implements Source<T> {
  /** Accepted values not yet received. */
  readonly buffer: Queue<T> = new Queue<T>();
  /** Buffer limit; Infinity for the unbounded channel. */
  readonly capacity: number;
  /** Open sender handles (including ones moved into threads). */
  senders = 1;
  /** Set once the receiver is closed: sends are refused. */
  receiverClosed = false;
  /** Set once the receiver is dropped: nothing will read the buffer again. */
  dropped = false;
  /**
   * Senders in threads whose accepted values may still be crossing after the
   * receiver closed (tokio's outstanding permits): the receiver ends only
   * once each has flushed.
   */
  flushing = 0;
  /** The receiver's waker, until a send or the last sender's close takes it. */
  waker: Waker | null = null;
  /** Bounded sends waiting for room, in order; settled ones are skipped. */
  pending: Queue<PendingSend<T>> | null = null;
  /** Pending sends not yet settled. */
  pendingLive = 0;
  /** Makes the error a refused send throws. */
  readonly refuse: (value: T, why: Refusal) => Error;
  /** Values taken from the buffer so far (places a failure after them). */
  taken = 0;
  /** A sender's failure, raised to the receiver once `taken` reaches `at`. */
  failure: { error: unknown; at: number } | null = null;
  /** Told once when the receiver closes. */
  closeListeners: Set<() => void> | null = null;
  /** Whether a `recv()`, a loop or a stream is consuming (one consumer at a time). */
  hasConsumer = false;
  /**
   * Permits granted by `reserve()` and not yet used or released: each holds a
   * buffer slot and keeps the channel open as a sender would (tokio's
   * `OwnedPermit`), so the receiver waits for it even after `close()`.
   */
  reserved = 0;

  constructor(capacity: number, refuse: (value: T, why: Refusal) => Error) {
    this.capacity = capacity;
    this.refuse = refuse;
  }

  /** Whether a value can enter the buffer now without waiting. */
  get hasRoom(): boolean {
    return this.pendingLive === 0 && this.buffer.length + this.reserved < this.capacity;
  }

  /** Buffers `value` (the caller checked the receiver is open). */
  push(value: T): void {
    this.buffer.push(value);
    this.wakeReceiver();
  }

  /** Buffers `count` values from `values` starting at `start`, waking the receiver once. */
  pushAll(values: ArrayLike<T>, start = 0, count = values.length - start): void {
    this.buffer.pushAll(values, start, count);
    if (count > 0) this.wakeReceiver();
  }

  /** Queues a bounded send that must wait for room. */
  enqueue(send: PendingSend<T>): void {
    const pending = (this.pending ??= new Queue());
    // Withdrawn sends stay queued until reached; once they outnumber the
    // live ones, sweep them out, so sends that keep timing out against a
    // stalled receiver do not grow the queue without bound.
    if (pending.length >= SWEEP_AT && pending.length > 2 * this.pendingLive) sweep(pending);
    pending.push(send);
    send.queued = true;
    this.pendingLive++;
    // A zero-capacity channel hands the value over when the receiver polls.
    if (this.capacity === 0) this.wakeReceiver();
  }

  /** Wakes the receiver's registered waker, if any. */
  wakeReceiver(): void {
    const waker = this.waker;
    if (waker === null) return;
    this.waker = null;
    waker.wake();
  }

  /**
   * One sender fewer because it failed (a thread threw): the receiver gets the
   * values buffered so far, then `error` (once), and is closed.
   */
  failSender(error: unknown): void {
    if (!this.receiverClosed && this.failure === null) {
      this.failure = { error, at: this.taken + this.buffer.length };
      this.wakeReceiver();
    }
    this.dropSender();
  }

  /** Calls `listener` once when the receiver closes; returns its remover. */
  onReceiverClose(listener: () => void): () => void {
    if (this.receiverClosed) {
      listener();
      return () => {};
    }
    (this.closeListeners ??= new Set()).add(listener);
    return () => this.closeListeners?.delete(listener);
  }

  /** One sender handle fewer; the receiver ends when none is left. */
  dropSender(): void {
    if (--this.senders === 0) this.wakeReceiver();
  }

  /** Takes the next value, DONE when closed and drained, else registers `cx`. */
  poll(cx: Waker): Poll<T> {
    // tokio's coop budget: a spent budget makes the receive pending.
    if (coop.remaining <= 0) {
      cx.wake();
      return PENDING;
    }
    if (this.failure !== null && this.taken === this.failure.at) return this.#fail();
    if (this.buffer.length > 0) {
      coop.remaining--;
      this.taken++;
      const value = this.buffer.shift();
      if (this.pendingLive > 0) this.#admit();
      return value;
    }
    if (this.pendingLive > 0) {
      coop.remaining--;
      return this.#handOver();
    }
    if (
      this.senders === 0 ||
      (this.receiverClosed && ((this.flushing === 0 && this.reserved === 0) || this.dropped))
    ) {
      coop.remaining--;
      return DONE;
    }
    this.waker = cx;
    return PENDING;
  }

  /** A thread's sender may still deliver values accepted before the close. */
  beginFlush(): void {
    this.flushing++;
  }

  /** That thread has delivered everything it accepted. */
  endFlush(): void {
    if (--this.flushing === 0) this.wakeReceiver();
  }

  /** Hands every buffered value to `sink`, as repeated polls would. */
  drain(cx: Waker, sink: Sink<T>): DrainStatus {
    const buffer = this.buffer;
    for (;;) {
      if (
        buffer.length > 0 && this.pendingLive === 0 && coop.remaining > 0 && this.failure === null
      ) {
        // A run of buffered values in one loop, within the coop budget.
        const result = buffer.drainTo(sink, coop.remaining);
        const taken = result < 0 ? ~result : result;
        coop.remaining -= taken;
        this.taken += taken;
        if (result < 0) return undefined;
        continue;
      }
      const item = this.poll(cx);
      if (item === PENDING) return PENDING;
      if (item === DONE) return DONE;
      if (!sink(item)) return undefined;
    }
  }

  /** Closes the receiving side: refuses every later and waiting send. */
  closeReceiver(): void {
    if (this.receiverClosed) return;
    this.receiverClosed = true;
    const listeners = this.closeListeners;
    this.closeListeners = null;
    if (listeners !== null) { for (const listener of listeners) listener(); }
    // The waker stays registered, as tokio's: when the last sender goes away it
    // is woken once more (a dropped receiver inside a pipeline still wakes its
    // consumer, which then polls again).
    const pending = this.pending;
    if (pending === null) return;
    while (pending.length > 0) {
      const send = pending.shift();
      if (!send.done) send.cancel(this.refuse(send.value, "receiver-closed"));
    }
  }

  /**
   * Drops the receiver (its stream is finished or cancelled): closes it and
   * discards what is buffered. The stream no longer consumes it, so a later
   * `recv()` reports the end instead of a busy receiver.
   */
  close(): void {
    this.dropped = true;
    this.closeReceiver();
    this.buffer.clear();
    this.hasConsumer = false;
  }

  /** A permit takes a slot and counts as a sender until it is used or released. */
  takePermit(): void {
    this.reserved++;
    this.senders++;
  }

  /** A permit is given back: sent with (`value` buffered unless the receiver was dropped) or released. */
  returnPermit(send: boolean, value?: T): void {
    this.reserved--;
    if (send && !this.dropped) this.buffer.push(value as T);
    if (this.pendingLive > 0 && this.buffer.length + this.reserved < this.capacity) this.#admit();
    // A value to take, or a closed receiver no longer held open by permits.
    if (send || (this.receiverClosed && this.reserved === 0)) this.wakeReceiver();
    this.dropSender();
  }

  /** Raises the recorded failure once and closes the receiver. */
  #fail(): never {
    const error = this.failure!.error;
    this.failure = null;
    this.closeReceiver();
    throw error;
  }

  /** Moves waiting sends into the buffer while it has room. */
  #admit(): void {
    const pending = this.pending!;
    while (pending.length > 0 && this.buffer.length + this.reserved < this.capacity) {
      const send = pending.shift();
      if (send.done) continue;
      this.pendingLive--;
      if (send.reservation) this.takePermit();
      else this.buffer.push(send.value);
      send.accept();
    }
  }

  /** Takes a value straight from the first waiting send. */
  #handOver(): Poll<T> {
    const pending = this.pending!;
    for (;;) {
      const send = pending.shift();
      if (send.done) continue;
      this.pendingLive--;
      send.accept();
      return send.value;
    }
  }
}

/** How many queued sends there must be before withdrawn ones are swept out. */
const SWEEP_AT = 64;

/** Drops the settled (withdrawn) sends from `pending`, keeping the order of the rest. */
function sweep<T>(pending: Queue<PendingSend<T>>): void {
  for (let n = pending.length; n > 0; n--) {
    const send = pending.shift();
    if (!send.done) pending.push(send);
  }
}

/** A sender handle that can send. */
export const OPEN = 0;
/** A sender handle that was closed. */
export const CLOSED = 1;
/** A sender handle that was moved into a thread. */
export const MOVED = 2;

/** Where a sender handle stands. */
export type SenderStatus = typeof OPEN | typeof CLOSED | typeof MOVED;

/**
 * One sender handle: the channel it feeds and whether it is still usable.
 * Both kinds of sender (unbounded, bounded) delegate to it what they share.
 */
export class SenderSlot<T> {
  /** The channel. */
  readonly state: ChannelState<T>;
  /** OPEN, CLOSED or MOVED. */
  status: SenderStatus = OPEN;

  constructor(state: ChannelState<T>) {
    this.state = state;
  }

  /** Throws the right error unless the handle is open and the receiver too. */
  check(value: T): ChannelState<T> {
    if (this.status === CLOSED) throw this.state.refuse(value, "sender-closed");
    if (this.status === MOVED) throw this.state.refuse(value, "sender-moved");
    if (this.state.receiverClosed) throw this.state.refuse(value, "receiver-closed");
    return this.state;
  }

  /** A slot for one more sender handle of the same channel. */
  clone(): SenderSlot<T> {
    if (this.status === CLOSED) throw new TypeError("Cannot clone the sender: it is closed");
    if (this.status === MOVED) {
      throw new TypeError("Cannot clone the sender: it was moved into a thread");
    }
    this.state.senders++;
    return new SenderSlot(this.state);
  }

  /** Closes this handle; harmless when already closed or moved. */
  close(): void {
    if (this.status !== OPEN) return;
    this.status = CLOSED;
    this.state.dropSender();
  }

  /** Whether sending would fail: the receiver or this handle is closed. */
  get isClosed(): boolean {
    return this.status !== OPEN || this.state.receiverClosed;
  }
}

const receivers = new Friends<ChannelState<unknown>>();
const senders = new Friends<SenderSlot<unknown>>();

/** Records which state a receiver handle reads. */
export function registerReceiver(receiver: object, state: ChannelState<unknown>): void {
  receivers.link(receiver, state);
}

/** Records the slot of a sender handle. */
export function registerSender(sender: object, slot: SenderSlot<unknown>): void {
  senders.link(sender, slot);
}

/** The state behind a `Receiver`, or undefined for anything else. */
export function receiverState<T>(receiver: unknown): ChannelState<T> | undefined {
  return receivers.stateOf(receiver) as ChannelState<T> | undefined;
}

/**
 * Moves a sender handle out of the caller's hands (into a thread): the handle
 * refuses any later use; the returned state keeps its place among the senders
 * until the new owner calls `dropSender()`.
 */
export function moveSender<T>(sender: unknown): ChannelState<T> {
  const slot = senders.stateOf(sender);
  if (slot === undefined) {
    throw new TypeError("Cannot move the sender: expected a Sender from channel()");
  }
  if (slot.status === CLOSED) throw new TypeError("Cannot move the sender: it is closed");
  if (slot.status === MOVED) {
    throw new TypeError("Cannot move the sender: it was already moved into a thread");
  }
  slot.status = MOVED;
  return slot.state as ChannelState<T>;
}
