/**
 * Internal: the outcome core every handle shares (`JoinHandle`,
 * `BlockingHandle`, the thread behind `ThreadHandle`).
 *
 * - It settles once: the first `settle` wins, later ones are ignored.
 * - It is observed lazily: no promise exists until somebody awaits the
 *   handle, so an outcome nobody asks for costs no promise (and a failure
 *   nobody asks for is no unhandled rejection).
 * - A failure settled with `report` that nobody has observed a macrotask
 *   later is reported on stderr, once.
 *
 * `joinUntil` is the one abortable join every `join({ signal })` uses.
 *
 * @module
 */
import { macrotask } from "./host.ts";
import { withResolvers } from "./promise.ts";

/** Not settled yet. */
export const UNSETTLED = 0;
/** Settled with a value. */
export const RESOLVED = 1;
/** Settled with an error. */
export const REJECTED = 2;

/** Where an outcome stands. */
export type OutcomeStatus = typeof UNSETTLED | typeof RESOLVED | typeof REJECTED;

/** The settle-once, observe-lazily, report-if-unobserved result of a handle. */
export class Outcome<T> {
  /** UNSETTLED, RESOLVED or REJECTED. */
  #status: OutcomeStatus = UNSETTLED;
  /** The value or the error, once settled. */
  #value: unknown = undefined;
  /** Made when somebody waits, settled or not. */
  #promise: Promise<T> | null = null;
  /** Its settle functions, while unsettled. */
  #pending: PromiseWithResolvers<T> | null = null;
  /** Whether somebody awaited it (a failure is then not reported). */
  #observed = false;

  /** UNSETTLED, RESOLVED or REJECTED. */
  get status(): OutcomeStatus {
    return this.#status;
  }

  /** Whether it has settled. */
  get settled(): boolean {
    return this.#status !== UNSETTLED;
  }

  /** The value or the error (undefined while unsettled). */
  get value(): unknown {
    return this.#value;
  }

  /** The promise of the outcome; from now on it counts as observed. */
  observe(): Promise<T> {
    this.#observed = true;
    return this.#promiseOf();
  }

  /** Resolves once settled, however; does not count as observing it. */
  whenSettled(): Promise<void> {
    if (this.#status !== UNSETTLED) return Promise.resolve();
    return this.#promiseOf().then(ignore, ignore);
  }

  /**
   * Settles with `value` (`ok`) or the error `value`; returns false if it had
   * settled already. A failure given `report` (what failed, e.g. "a task
   * failed and nothing awaited its JoinHandle") is reported on stderr unless
   * somebody observes it by the next macrotask.
   */
  settle(ok: boolean, value: unknown, report?: string): boolean {
    if (this.#status !== UNSETTLED) return false;
    this.#status = ok ? RESOLVED : REJECTED;
    this.#value = value;
    const pending = this.#pending;
    this.#pending = null;
    if (pending !== null) {
      if (ok) pending.resolve(value as T);
      else pending.reject(value);
    }
    if (!ok && report !== undefined && !this.#observed) {
      macrotask(() => this.#reportIfUnobserved(report));
    }
    return true;
  }

  #promiseOf(): Promise<T> {
    if (this.#promise !== null) return this.#promise;
    if (this.#status === RESOLVED) this.#promise = Promise.resolve(this.#value as T);
    else if (this.#status === REJECTED) this.#promise = Promise.reject(this.#value);
    else {
      this.#pending = withResolvers<T>();
      this.#promise = this.#pending.promise;
    }
    return this.#promise;
  }

  #reportIfUnobserved(what: string): void {
    if (this.#observed) return;
    console.error(`weft: ${what}:`, this.#value);
  }
}

function ignore(): void {}

/**
 * Waits for `result`, but rejects with `signal.reason` once `signal` aborts;
 * the work behind `result` goes on, and its failure is then nobody's
 * unhandled rejection.
 */
export function joinUntil<T>(result: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return result;
  if (signal.aborted) {
    result.catch(ignore);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    result.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
