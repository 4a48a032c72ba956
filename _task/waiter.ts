/**
 * Internal: one pending wait of a `_task` call (`JoinSet.joinNext`,
 * `CancellationToken.cancelled`).
 *
 * A waiter ends in exactly one of three ways: its owner settles it, the
 * caller's `signal` aborts (it rejects with `signal.reason`), or the task that
 * began it is aborted (it rejects with the task's reason, as a `sleep` does).
 * Whichever comes first unhooks the other two (`SignalWait`, the one base of
 * weft's waits) and, when the owner did not settle it, tells the owner
 * through `onDrop`, so nothing keeps a listener or a queue slot behind.
 *
 * @module
 */
import { SignalWait } from "../_runtime/wait.ts";

/** A pending wait that resolves with `T`. */
export class Waiter<T> extends SignalWait<T> {
  /** Tells the owner the waiter left without being settled by it. */
  onDrop: (() => void) | null = null;

  private constructor() {
    super();
  }

  /**
   * Starts a wait tied to the running task and to `signal`. `register` hands
   * the waiter to its owner; it is not called when the wait ends at once.
   */
  static start<T>(
    signal: AbortSignal | undefined,
    register: (waiter: Waiter<T>) => void,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const waiter = new Waiter<T>();
    const promise = waiter.begin(signal === undefined ? undefined : { signal });
    if (!waiter.done) register(waiter);
    return promise;
  }

  /** The owner settles the wait with `value`. */
  settle(value: T): void {
    this.resolve(value);
  }

  /** The owner fails the wait with `reason`. */
  fail(reason: unknown): void {
    this.reject(reason);
  }

  /** The signal or the task ended the wait: the owner lets go of it. */
  protected detach(): void {
    this.onDrop?.();
  }
}
