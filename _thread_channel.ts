/**
 * Internal: what a thread needs from the channel it feeds, beyond
 * `push`/`dropSender`: to learn when the receiver closes, and to end the
 * receiver with the thread's error.
 *
 * Both use `ChannelState` hooks when it has them (`onReceiverClose`,
 * `failSender`); until then they adapt the one state instance they are given.
 *
 * @module
 */
import type { ChannelState } from "./_channel_state.ts";
import { DONE, PENDING, type Poll, type Waker } from "./_poll.ts";
import { Wait } from "./_task.ts";

/** The hooks this file hopes to find on a `ChannelState`. */
interface Hooks {
  onReceiverClose?: (listener: () => void) => () => void;
  failSender?: (error: unknown) => void;
}

/**
 * Calls `listener` once, synchronously, when the receiver of `state` closes
 * (or at once if it already has). Returns a function that cancels it.
 */
export function onReceiverClose(state: ChannelState<unknown>, listener: () => void): () => void {
  if (state.receiverClosed) {
    listener();
    return () => {};
  }
  const hooks = state as ChannelState<unknown> & Hooks;
  if (typeof hooks.onReceiverClose === "function") return hooks.onReceiverClose(listener);
  let active = true;
  const closeReceiver = state.closeReceiver;
  state.closeReceiver = function (this: ChannelState<unknown>): void {
    const wasClosed = this.receiverClosed;
    closeReceiver.call(this);
    if (wasClosed || !active) return;
    active = false;
    listener();
  };
  return () => {
    active = false;
  };
}

/**
 * Drops the thread's sender because the thread failed: the receiver gets the
 * values buffered so far, then rejects with `error` (once) and ends.
 */
export function failSender(state: ChannelState<unknown>, error: unknown): void {
  const hooks = state as ChannelState<unknown> & Hooks;
  if (typeof hooks.failSender === "function") return hooks.failSender(error);
  if (!state.receiverClosed) throwWhenDrained(state, error);
  state.dropSender();
}

/**
 * Makes the poll that would end the stream fail with `error` instead: a
 * stream consumer's poll throws it; a `recv()` or `for await` loop (a task
 * wait) is left pending and cancelled with it a microtask later, so its
 * promise rejects rather than the call throwing.
 */
function throwWhenDrained(state: ChannelState<unknown>, error: unknown): void {
  const poll = state.poll;
  let pending = true;
  state.poll = function (this: ChannelState<unknown>, cx: Waker): Poll<unknown> {
    const result = poll.call(this, cx);
    if (result !== DONE || !pending || this.receiverClosed) return result;
    pending = false;
    if (cx instanceof Wait) {
      queueMicrotask(() => cx.cancel(error));
      return PENDING;
    }
    this.closeReceiver();
    throw error;
  };
}
