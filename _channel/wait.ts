/**
 * Internal: one pending call on a oneshot, broadcast or watch channel (or a
 * bounded sender's reservation).
 *
 * A wait settles once. Its `signal`, or an abort of the task it began in,
 * rejects it with the reason as it is, after `detach()` has taken it out of
 * whatever list it sits in. A wait that must re-check the channel when it is
 * woken (broadcast, watch) is polled again by the scheduler, after the tasks
 * ready now have run, as tokio runs a woken task after the running one.
 *
 * @module
 */
import { withResolvers } from "../_runtime/promise.ts";
import { enqueue, type Pollable } from "../_runtime/scheduler.ts";
import { linkWait, unlinkWait, Wait } from "../_runtime/task_state.ts";

import type { WaitOptions } from "../_runtime/task_state.ts";

/** Options of calls that can wait. */
export type SignalOption = WaitOptions | undefined;

/** A pending call: settles once, ends on its signal or its task's abort. */
export abstract class ChannelWait<T> extends Wait {
  /** The promise handed to the caller. */
  readonly #settle: PromiseWithResolvers<T> = withResolvers<T>();
  /** The signal listened to, until the wait settles. */
  #signal: AbortSignal | undefined = undefined;
  /** Whether it has settled. */
  done = false;

  /**
   * Starts waiting under `signal` and the running task. Returns the promise;
   * when either is already aborted, it is rejected and `detach()` is called.
   */
  begin(options: SignalOption): Promise<T> {
    const signal = options?.signal;
    const aborted = signal?.aborted ? { reason: signal.reason } : linkWait(this);
    if (aborted !== undefined) {
      this.cancel(aborted.reason);
      return this.#settle.promise;
    }
    if (signal !== undefined) {
      this.#signal = signal;
      signal.addEventListener("abort", this);
    }
    return this.#settle.promise;
  }

  /** Settles with `value`; false if it had settled already. */
  resolve(value: T): boolean {
    if (!this.#release()) return false;
    this.#settle.resolve(value);
    return true;
  }

  /** Settles with `error`; false if it had settled already. */
  reject(error: unknown): boolean {
    if (!this.#release()) return false;
    this.#settle.reject(error);
    return true;
  }

  /** Ends the wait with `reason` (its signal or its task was aborted). */
  cancel(reason: unknown): void {
    if (this.done) return;
    this.detach();
    this.reject(reason);
  }

  /** The signal's abort listener. */
  handleEvent(): void {
    this.cancel(this.#signal?.reason);
  }

  /** Takes the wait out of the channel's lists (it was cancelled). */
  protected abstract detach(): void;

  #release(): boolean {
    if (this.done) return false;
    this.done = true;
    unlinkWait(this);
    this.#signal?.removeEventListener("abort", this);
    this.#signal = undefined;
    return true;
  }
}

/**
 * A wait woken through the scheduler: `wake()` queues it, and `poll()` runs
 * when the scheduler gets to it, so that it sees the channel as it is once
 * the waking task has gone on to its own next wait.
 */
export abstract class PolledWait<T> extends ChannelWait<T> implements Pollable {
  /** Whether it is queued in the scheduler already. */
  #queued = false;

  /** Asks for `poll()` in the scheduler's next flush. */
  wake(): void {
    if (this.done || this.#queued) return;
    this.#queued = true;
    enqueue(this);
  }

  /** Called by the scheduler. */
  runScheduled(): void {
    this.#queued = false;
    if (!this.done) this.poll();
  }

  /** Checks the channel again: settles, or registers to be woken. */
  protected abstract poll(): void;
}
