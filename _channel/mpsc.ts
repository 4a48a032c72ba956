/**
 * Internal: tokio's mpsc additions, beside the channel's state: permits
 * (`reserve`/`tryReserve`), `closed()`, `sendTimeout`'s deadline and
 * `recvMany`'s batch. Re-exported (`Permit`) and used by `channel.ts`.
 *
 * @module
 */
import { DONE, PENDING, type Waker } from "../_runtime/poll.ts";
import { checkDuration } from "../_runtime/checks.ts";
import type { WaitOptions } from "../_runtime/task_state.ts";
import { deadlineAfter } from "../_runtime/poll.ts";
import { insert, remove, type TimerEntry } from "../_runtime/timer.ts";
import { type ChannelState, CLOSED, MOVED, PendingSend, type SenderSlot } from "./state.ts";
import { SendError } from "./errors.ts";
import { SignalWait } from "../_runtime/wait.ts";

/** Makes a permit; set by the class's static block (its constructor is private). */
let makePermit: <T>(state: ChannelState<T>) => Permit<T>;

/**
 * A reserved slot in a bounded channel (tokio's `Permit`): `send(v)` puts
 * `v` in the channel at once, without waiting and without failing.
 * Disposing it unused (`release()`, `using`) gives the slot back. While it is
 * held, the channel stays open as if it were a sender, and a receiver closed
 * meanwhile still gets its value.
 *
 * @typeParam T The channel's values.
 *
 * @example Reserve, then send without waiting
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>(1);
 * {
 *   using permit = await tx.reserve();
 *   assert.equal(tx.capacity, 0);
 *   permit.send("reserved");
 * }
 * assert.equal(await rx.recv(), "reserved");
 * ```
 */
export class Permit<T> implements Disposable {
  static {
    makePermit = <T>(state: ChannelState<T>) => new Permit<T>(state);
  }

  /** The channel, until the permit is used or released. */
  #state: ChannelState<T> | null;

  private constructor(state: ChannelState<T>) {
    this.#state = state;
  }

  /**
   * Sends `value` into the reserved slot; the permit is used up.
   *
   * @param value The value.
   * @throws {TypeError} If the permit was already used or released.
   */
  send(value: T): void {
    const state = this.#state;
    if (state === null) {
      throw new TypeError("Cannot send: this permit was already used or released");
    }
    this.#state = null;
    state.returnPermit(true, value);
  }

  /** Gives the slot back unused; harmless after `send`. */
  release(): void {
    const state = this.#state;
    if (state === null) return;
    this.#state = null;
    state.returnPermit(false);
  }

  /** Releases the permit, as `release()`. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** Why `slot` cannot reserve, as the error to throw, or null. */
function refusal<T>(slot: SenderSlot<T>): Error | null {
  if (slot.status === CLOSED) {
    return new SendError(undefined, "Cannot reserve: this sender is closed");
  }
  if (slot.status === MOVED) {
    return new SendError(undefined, "Cannot reserve: this sender was moved into a thread");
  }
  if (slot.state.receiverClosed) {
    return new SendError(undefined, "Cannot reserve: the receiver is closed");
  }
  return null;
}

function checkReservable<T>(state: ChannelState<T>): void {
  if (state.capacity === 0) {
    throw new TypeError("Cannot reserve: a channel of capacity 0 has no slot to reserve");
  }
}

/** `reserve()`: a permit now if there is room, else in turn with the waiting sends. */
export function reserve<T>(
  slot: SenderSlot<T>,
  options: WaitOptions | undefined,
): Promise<Permit<T>> {
  const state = slot.state;
  checkReservable(state);
  const refused = refusal(slot);
  if (refused !== null) return Promise.reject(refused);
  const signal = options?.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (state.hasRoom) {
    state.takePermit();
    return Promise.resolve(makePermit(state));
  }
  const pending = new PendingSend(state, undefined as T);
  pending.reservation = true;
  const promise = pending.begin(options);
  if (!pending.done) state.enqueue(pending);
  // Admission already took the slot: the permit is made for it.
  return promise.then(() => makePermit(state), (error) => {
    throw error instanceof SendError
      ? new SendError(undefined, "Cannot reserve: the receiver is closed")
      : error;
  });
}

/** `tryReserve()`: a permit if there is room now, else undefined. */
export function tryReserve<T>(slot: SenderSlot<T>): Permit<T> | undefined {
  const state = slot.state;
  checkReservable(state);
  const refused = refusal(slot);
  if (refused !== null) throw refused;
  if (!state.hasRoom) return undefined;
  state.takePermit();
  return makePermit(state);
}

/** A pending `closed()`: resolves when the receiver closes. */
class ClosedWait extends SignalWait<void> {
  /** Removes the close listener. */
  #remove: (() => void) | null = null;
  listen(state: ChannelState<unknown>): void {
    this.#remove = state.onReceiverClose(() => this.resolve());
  }
  protected detach(): void {
    this.#remove?.();
  }
}

/** `closed()`: resolves once the receiver is closed or dropped. */
export function receiverClosed<T>(
  state: ChannelState<T>,
  options: WaitOptions | undefined,
): Promise<void> {
  if (state.receiverClosed) return Promise.resolve();
  const wait = new ClosedWait();
  wait.listen(state as ChannelState<unknown>);
  return wait.begin(options);
}

/** The deadline of a `sendTimeout`: aborts the send when it fires. */
class SendDeadline implements TimerEntry {
  deadline: number;
  slot = -1;
  readonly wakesConsumer = false;
  readonly controller: AbortController = new AbortController();
  constructor(deadline: number) {
    this.deadline = deadline;
  }
  fire(): void {
    this.controller.abort(TIMED_OUT);
  }
}

const TIMED_OUT = Symbol("weft.sendTimeout");

/**
 * `sendTimeout(value, ms)`: `send` under a deadline; past it, the value is
 * withdrawn and the promise rejects with a `SendError` carrying it.
 */
export function sendWithin<T>(
  state: ChannelState<T>,
  value: T,
  ms: number,
  options: WaitOptions | undefined,
  send: (value: T, options: WaitOptions | undefined) => Promise<void>,
): Promise<void> {
  checkDuration(ms, "send with a timeout");
  // Room now: the send cannot wait, so no deadline (nor combined signal) is made.
  if (state.hasRoom) return send(value, options);
  const deadline = new SendDeadline(deadlineAfter(ms));
  const own = deadline.controller.signal;
  const signal = options?.signal === undefined ? own : AbortSignal.any([options.signal, own]);
  const sent = send(value, { signal });
  insert(deadline);
  return sent.then(() => remove(deadline), (error) => {
    remove(deadline);
    if (error !== TIMED_OUT) throw error;
    throw new SendError(value, `Cannot send: no room within ${ms} ms`);
  });
}

/**
 * Takes up to `limit - values.length` more values that are ready now into
 * `values` (stops before a thread's failure is due).
 */
export function takeReady<T>(state: ChannelState<T>, values: T[], limit: number): void {
  while (values.length < limit) {
    if (state.failure !== null && state.taken === state.failure.at) return;
    if (state.buffer.length === 0 && state.pendingLive === 0) return;
    const result = state.poll(NO_WAKER);
    if (result === PENDING || result === DONE) return;
    values.push(result);
  }
}

const NO_WAKER: Waker = { wake() {} };
