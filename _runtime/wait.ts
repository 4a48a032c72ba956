/**
 * Internal: the one base of every wait that hands a promise to its caller (a
 * sleep, a receive, a bounded send, a oneshot or broadcast receive).
 *
 * A wait settles once. It ends on its `signal`, or on an abort of the task it
 * began in, rejecting with the reason as it is after `detach()` has taken it
 * out of whatever it waits in (the timer, a channel's queue). Subclasses say
 * only what is theirs: how to detach, and when to `resolve` or `reject`.
 *
 * The promise exists from the start, so a wait may be served before `begin`
 * (a rendezvous hand-over while it is being queued).
 *
 * @module
 */
import { linkWait, unlinkWait, Wait, type WaitOptions } from "./task_state.ts";

/** A pending call: settles once, ends on its signal or its task's abort. */
export abstract class SignalWait<T> extends Wait {
  /** The promise handed to the caller. */
  readonly #promise: Promise<T>;
  /** Resolves it; null once settled. */
  #resolve: ((value: T) => void) | null = null;
  /** Rejects it; null once settled. */
  #reject: ((reason: unknown) => void) | null = null;
  /** The signal listened to, until the wait settles. */
  #signal: AbortSignal | undefined = undefined;

  constructor() {
    super();
    this.#promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Whether it has settled. */
  get done(): boolean {
    return this.#resolve === null;
  }

  /**
   * Starts waiting under `options.signal` and the running task, and returns
   * the promise. When either is already aborted, the wait is cancelled at
   * once (`detach()`, then the rejection).
   */
  begin(options: WaitOptions | undefined): Promise<T> {
    if (this.done) return this.#promise;
    const signal = options?.signal;
    const aborted = signal?.aborted ? { reason: signal.reason } : linkWait(this);
    if (aborted !== undefined) {
      this.cancel(aborted.reason);
      return this.#promise;
    }
    if (signal !== undefined) {
      this.#signal = signal;
      signal.addEventListener("abort", this);
    }
    return this.#promise;
  }

  /** Settles with `value`; false if it had settled already. */
  resolve(value: T): boolean {
    const resolve = this.#resolve;
    if (resolve === null) return false;
    this.#release();
    resolve(value);
    return true;
  }

  /** Settles with `error`; false if it had settled already. */
  reject(error: unknown): boolean {
    const reject = this.#reject;
    if (reject === null) return false;
    this.#release();
    reject(error);
    return true;
  }

  /** Ends the wait with `reason` (its signal or its task was aborted, or it was refused). */
  cancel(reason: unknown): void {
    if (this.done) return;
    this.detach();
    this.reject(reason);
  }

  /** The signal's abort listener. */
  handleEvent(): void {
    this.cancel(this.#signal?.reason);
  }

  /** Takes the wait out of what it waits in (it is being cancelled). */
  protected abstract detach(): void;

  #release(): void {
    this.#resolve = this.#reject = null;
    unlinkWait(this);
    const signal = this.#signal;
    if (signal === undefined) return;
    this.#signal = undefined;
    signal.removeEventListener("abort", this);
  }
}
