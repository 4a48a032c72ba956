/**
 * Internal: one pending wait of a `_task` call (`JoinSet.joinNext`,
 * `CancellationToken.cancelled`).
 *
 * A waiter ends in exactly one of three ways: its owner settles it, the
 * caller's `signal` aborts (it rejects with `signal.reason`), or the task that
 * began it is aborted (it rejects with the task's reason, as a `sleep` does).
 * Whichever comes first unhooks the other two and tells the owner through
 * `onDrop`, so nothing keeps a listener or a queue slot behind.
 *
 * @module
 */
import { linkWait, unlinkWait, Wait } from "../_runtime/task_state.ts";

/** A pending wait that resolves with `T`. */
export class Waiter<T> extends Wait {
  /** Settles the caller's promise. */
  #resolve!: (value: T) => void;
  /** Rejects the caller's promise. */
  #reject!: (reason: unknown) => void;
  /** The caller's signal, until the wait ends. */
  #signal: AbortSignal | undefined;
  /** Set once the wait has ended one way or another. */
  #done = false;
  /** Tells the owner the waiter left without being settled by it. */
  onDrop: (() => void) | null = null;

  /** The caller's promise; settled once. */
  readonly promise: Promise<T>;

  private constructor(signal: AbortSignal | undefined) {
    super();
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#signal = signal;
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
    const waiter = new Waiter<T>(signal);
    const aborted = linkWait(waiter);
    if (aborted !== undefined) return Promise.reject(aborted.reason);
    signal?.addEventListener("abort", waiter);
    register(waiter);
    return waiter.promise;
  }

  /** Whether the wait has ended. */
  get done(): boolean {
    return this.#done;
  }

  /** The owner settles the wait with `value`. */
  settle(value: T): void {
    if (!this.#end()) return;
    this.#resolve(value);
  }

  /** The owner fails the wait with `reason`. */
  fail(reason: unknown): void {
    if (!this.#end()) return;
    this.#reject(reason);
  }

  /** The task that began the wait was aborted (it has already unlinked it). */
  cancel(reason: unknown): void {
    if (!this.#end()) return;
    this.onDrop?.();
    this.#reject(reason);
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    const reason = this.#signal?.reason;
    if (!this.#end()) return;
    this.onDrop?.();
    this.#reject(reason);
  }

  /** Unhooks the signal and the task; false if the wait had already ended. */
  #end(): boolean {
    if (this.#done) return false;
    this.#done = true;
    unlinkWait(this);
    this.#signal?.removeEventListener("abort", this);
    this.#signal = undefined;
    return true;
  }
}
