/**
 * Internal: the state of a `Notify` (tokio `sync::Notify`).
 *
 * `notified()` joins the queue when it is called (tokio's `Notified` after
 * `enable()`). `notifyOne()` wakes the oldest waiter, or stores one permit
 * when nobody waits (never more than one); the next `notified()` takes it.
 * `notifyWaiters()` wakes everyone waiting now, oldest first, and stores
 * nothing.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { QueuedWait, WaitList } from "./wait_list.ts";

/** A `notified()` waiting. */
class NotifiedWait extends QueuedWait<void> {
  /** The notify. */
  readonly state: NotifyState;

  constructor(state: NotifyState) {
    super();
    this.state = state;
  }

  protected detach(): void {
    this.state.waiters.remove(this);
  }
}

/** The shared state of one notify. */
export class NotifyState {
  /** Set by a `notifyOne()` that found nobody waiting. */
  permit = false;
  /** `notified()` calls waiting, oldest first. */
  readonly waiters: WaitList<NotifiedWait> = new WaitList();

  /** Resolves at the next notification, or at once by taking a stored permit. */
  notified(options: WaitOptions | undefined): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.permit) {
      this.permit = false;
      return Promise.resolve();
    }
    const wait = new NotifiedWait(this);
    const promise = wait.begin(options);
    if (!wait.done) this.waiters.push(wait);
    return promise;
  }

  /** Wakes the oldest (`last`: the newest) waiter, or stores the permit. */
  notifyOne(last: boolean): void {
    const wait = last ? this.waiters.pop() : this.waiters.shift();
    if (wait === null) this.permit = true;
    else wait.resolve(undefined);
  }

  /** Wakes every waiter there is now, oldest first. */
  notifyWaiters(): void {
    for (const wait of this.waiters.takeAll()) wait.resolve(undefined);
  }
}
