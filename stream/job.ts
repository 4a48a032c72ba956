/**
 * Internal: one piece of async work in flight inside `buffered`,
 * `bufferUnordered` and `mapAsync` (a future in futures-util's
 * `FuturesOrdered` / `FuturesUnordered`).
 *
 * - The work starts when the stage pulls its item; a plain value, or a
 *   function returning one, is settled at once.
 * - `signal` is made on first use, so work that never reads it costs no
 *   `AbortController`; `abort()` (the stream was dropped, or another item
 *   failed) aborts it and makes the outcome irrelevant.
 * - A settlement is reported once to the owner; after `abort()` it is
 *   ignored (a late rejection is handled, never unhandled).
 *
 * @module
 */

/** What a job reports to when it settles. */
export interface JobOwner<U> {
  /** The job has settled (and was not aborted). */
  settled(job: Job<U>): void;
}

/**
 * The work of one item, as `buffered` and `bufferUnordered` take it: a
 * promise (already running), or a function started with a signal when the
 * item is pulled (the signal aborts if its result is no longer wanted).
 *
 * @typeParam U The result.
 *
 * @example Mix ready promises and lazy work
 * ```ts
 * import { Stream, type Work } from "@weft/weft/stream";
 * import { sleep } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const work: Work<string>[] = [
 *   Promise.resolve("cached"),
 *   (signal) => sleep(10, { signal }).then(() => "fetched"),
 * ];
 * const done = Stream.iter(work).buffered(2).toArray();
 * await clock.tick(10);
 * assert.deepStrictEqual(await done, ["cached", "fetched"]);
 * ```
 */
export type Work<U> = PromiseLike<U> | ((signal: AbortSignal) => U | PromiseLike<U>);

/**
 * What one item of `buffered` yields: the function's or the promise's settled value.
 *
 * @typeParam W The work item's type.
 *
 * @example Type a helper over any kind of work
 * ```ts
 * import { Stream, type Work, type WorkResult } from "@weft/weft/stream";
 * import assert from "node:assert/strict";
 *
 * function runAll<W extends Work<unknown>>(work: W[], n: number): Promise<WorkResult<W>[]> {
 *   return Stream.iter(work).buffered(n).toArray();
 * }
 * const results: number[] = await runAll([async () => 1, () => 2, Promise.resolve(3)], 2);
 * assert.deepStrictEqual(results, [1, 2, 3]);
 * ```
 */
export type WorkResult<W> = W extends (signal: AbortSignal) => infer R ? Awaited<R> : Awaited<W>;

const RUNNING = 0;
const FULFILLED = 1;
const REJECTED = 2;
const ABORTED = 3;

/** One item's work in flight; the `{ signal }` handed to `mapAsync`'s function. */
export class Job<U> {
  /** Told when the job settles. */
  readonly #owner: JobOwner<U>;
  /** Made on the first read of `signal`. */
  #controller: AbortController | null = null;
  /** RUNNING, FULFILLED, REJECTED or ABORTED. */
  #status = RUNNING;
  /** The value or the error, once settled. */
  #outcome: unknown = undefined;

  constructor(owner: JobOwner<U>) {
    this.#owner = owner;
  }

  /** Aborts when the work is no longer wanted. */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  /** Whether the job has settled. */
  get done(): boolean {
    return this.#status === FULFILLED || this.#status === REJECTED;
  }

  /** Returns the value, or throws the error, of a settled job. */
  take(): U {
    if (this.#status === REJECTED) throw this.#outcome;
    return this.#outcome as U;
  }

  /** Starts the work: calls `f(arg, this)`; a throw is a rejection. */
  run<A>(f: (arg: A, job: Job<U>) => U | PromiseLike<U>, arg: A): void {
    let result: U | PromiseLike<U>;
    try {
      result = f(arg, this);
    } catch (error) {
      return this.#settle(REJECTED, error, false);
    }
    this.await(result);
  }

  /** Waits for `result` (a promise or a plain value). */
  await(result: U | PromiseLike<U>): void {
    if (typeof (result as PromiseLike<U> | null)?.then !== "function") {
      return this.#settle(FULFILLED, result, false);
    }
    (result as PromiseLike<U>).then(
      (value) => this.#settle(FULFILLED, value, true),
      (error) => this.#settle(REJECTED, error, true),
    );
  }

  /** Aborts the work; its outcome is ignored from now on. */
  abort(): void {
    if (this.#status !== RUNNING) return;
    this.#status = ABORTED;
    this.#controller?.abort();
  }

  #settle(status: number, outcome: unknown, later: boolean): void {
    if (this.#status !== RUNNING) return;
    this.#status = status;
    this.#outcome = outcome;
    if (later) this.#owner.settled(this);
  }
}

/** Starts one item of `buffered`: a promise, or a function given the job's signal. */
export function startWork<U>(job: Job<U>, work: unknown): void {
  if (typeof work === "function") job.run(callWork, work as (signal: AbortSignal) => U);
  else job.await(work as U | PromiseLike<U>);
}

function callWork<U>(work: (signal: AbortSignal) => U | PromiseLike<U>, job: Job<U>) {
  return work(job.signal);
}

/** Checks a concurrency limit: an integer >= 1, or `Infinity` for no limit. */
export function checkLimit(n: unknown, action: string): number {
  if (n === Infinity || (typeof n === "number" && Number.isSafeInteger(n) && n >= 1)) return n;
  throw new RangeError(
    `Cannot ${action}: the concurrency must be an integer >= 1 or Infinity, got ${String(n)}`,
  );
}
