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
 * Told when an outcome it waits on settles (`Outcome.join`). One waiter may
 * wait on many outcomes (a `joinAll`), with no object per outcome.
 */
export interface OutcomeWaiter {
  /** An outcome settled: `ok` with `value`, or failed with the error `value`. */
  outcomeSettled(ok: boolean, value: unknown): void;
}

/** A promise that settles like the outcome: what awaiting a handle waits on. */
class PromiseWaiter<T> implements OutcomeWaiter {
  readonly resolvers: PromiseWithResolvers<T> = withResolvers<T>();

  outcomeSettled(ok: boolean, value: unknown): void {
    if (ok) this.resolvers.resolve(value as T);
    else this.resolvers.reject(value);
  }
}

/**
 * The settle-once, observe-lazily, report-if-unobserved result of a handle.
 * Three fields, as a task's state extends it: one object per task.
 */
export class Outcome<T> {
  /** UNSETTLED, RESOLVED or REJECTED, plus OBSERVED once somebody awaited it. */
  #state = UNSETTLED;
  /** The value or the error, once settled. */
  #value: unknown = undefined;
  /** Who waits while it is unsettled (a promise, joins): one, or several in the order they came. */
  #waiters: OutcomeWaiter | OutcomeWaiter[] | null = null;

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

  /**
   * Tells `waiter` the outcome once settled (at once if it is), without a
   * promise; from now on it counts as observed.
   */
  join(waiter: OutcomeWaiter): void {
    this.#state |= OBSERVED;
    const status = this.#state & STATUS;
    if (status !== UNSETTLED) return waiter.outcomeSettled(status === RESOLVED, this.#value);
    this.#add(waiter);
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
    const waiters = this.#waiters;
    this.#waiters = null;
    if (Array.isArray(waiters)) { for (const waiter of waiters) waiter.outcomeSettled(ok, value); }
    else waiters?.outcomeSettled(ok, value);
    if (!ok && report !== undefined && (this.#state & OBSERVED) === 0) {
      macrotask(() => this.#reportIfUnobserved(report));
    }
    return true;
  }

  /**
   * The promise waiting while it is unsettled (one, however many ask), or,
   * once settled, a promise settled like it (a fresh one per call: none is
   * kept for an outcome nobody awaited before it settled).
   */
  #promiseOf(): Promise<T> {
    const status = this.#state & STATUS;
    if (status === RESOLVED) return Promise.resolve(this.#value as T);
    if (status === REJECTED) return Promise.reject(this.#value);
    const waiters = this.#waiters;
    const found = Array.isArray(waiters)
      ? waiters.find((waiter) => waiter instanceof PromiseWaiter)
      : waiters;
    if (found instanceof PromiseWaiter) return found.resolvers.promise as Promise<T>;
    const waiter = new PromiseWaiter<T>();
    this.#add(waiter);
    return waiter.resolvers.promise;
  }

  /** Adds `waiter` last. */
  #add(waiter: OutcomeWaiter): void {
    const waiters = this.#waiters;
    if (waiters === null) this.#waiters = waiter;
    else if (Array.isArray(waiters)) waiters.push(waiter);
    else this.#waiters = [waiters, waiter];
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
