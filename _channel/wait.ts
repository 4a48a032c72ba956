/**
 * Internal: a pending call on a broadcast or watch channel that must re-check
 * the channel when it is woken: it is polled again by the scheduler, after
 * the tasks ready now have run, as tokio runs a woken task after the running
 * one. (Settling once, the signal and the task's abort are `SignalWait`'s.)
 *
 * @module
 */
import { enqueue, type Pollable } from "../_runtime/scheduler.ts";
import { SignalWait } from "../_runtime/wait.ts";

/**
 * A wait woken through the scheduler: `wake()` queues it, and `poll()` runs
 * when the scheduler gets to it, so that it sees the channel as it is once
 * the waking task has gone on to its own next wait.
 */
export abstract class PolledWait<T> extends SignalWait<T> implements Pollable {
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
