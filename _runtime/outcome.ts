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

/** Set in `#state` once somebody awaited the outcome (a failure is then not reported). */
const OBSERVED = 4;
/** The bits of `#state` that hold the status. */
const STATUS = 3;

/**
 * The settle-once, observe-lazily, report-if-unobserved result of a handle.
 * Three fields, as a task's state extends it: one object per task.
 */
export class Outcome<T> {
  /** UNSETTLED, RESOLVED or REJECTED, plus OBSERVED once somebody awaited it. */
  #state = UNSETTLED;
  /** The value or the error, once settled. */
  #value: unknown = undefined;
  /** The promise handed to whoever waited while it was unsettled, with its settle functions. */
  #pending: PromiseWithResolvers<T> | null = null;

  /** UNSETTLED, RESOLVED or REJECTED. */
  get status(): OutcomeStatus {
    return (this.#state & STATUS) as OutcomeStatus;
  }

  /** Whether it has settled. */
  get settled(): boolean {
    return (this.#state & STATUS) !== UNSETTLED;
  }

  /** The value or the error (undefined while unsettled). */
  get value(): unknown {
    return this.#value;
  }

  /** The promise of the outcome; from now on it counts as observed. */
  observe(): Promise<T> {
    this.#state |= OBSERVED;
    return this.#promiseOf();
  }

  /** Resolves once settled, however; does not count as observing it. */
  whenSettled(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return this.#promiseOf().then(ignore, ignore);
  }

  /**
   * Settles with `value` (`ok`) or the error `value`; returns false if it had
   * settled already. A failure given `report` (what failed, e.g. "a task
   * failed and nothing awaited its JoinHandle") is reported on stderr unless
   * somebody observes it by the next macrotask.
   */
  settle(ok: boolean, value: unknown, report?: string): boolean {
    if (this.settled) return false;
    this.#state |= ok ? RESOLVED : REJECTED;
    this.#value = value;
    const pending = this.#pending;
    if (pending !== null) {
      if (ok) pending.resolve(value as T);
      else pending.reject(value);
    }
    if (!ok && report !== undefined && (this.#state & OBSERVED) === 0) {
      macrotask(() => this.#reportIfUnobserved(report));
    }
    return true;
  }

  /**
   * The promise made while it was unsettled, or, once settled, a promise
   * settled like it (a fresh one per call: none is kept for an outcome
   * nobody awaited before it settled).
   */
  #promiseOf(): Promise<T> {
    if (this.#pending !== null) return this.#pending.promise;
    const status = this.#state & STATUS;
    if (status === RESOLVED) return Promise.resolve(this.#value as T);
    if (status === REJECTED) return Promise.reject(this.#value);
    this.#pending = withResolvers<T>();
    return this.#pending.promise;
  }

  #reportIfUnobserved(what: string): void {
    if ((this.#state & OBSERVED) !== 0) return;
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
