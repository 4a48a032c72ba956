/**
 * Internal: `bufferUnordered(n)`, futures-util's `BufferUnordered`, and the
 * unordered form of `mapAsync(f, { concurrency, ordered: false })`.
 *
 * - At each poll it first pulls upstream while fewer than `n` jobs are held
 *   (running, or settled and not yet yielded), starting each item's work as
 *   it comes; then it yields the job that settled first.
 *   Upstream is never pulled while `n` are held (backpressure).
 * - At an instant: jobs that settled are yielded in the order they settled;
 *   work that settles at once, in the order it was started.
 * - On error: a rejected job is thrown as soon as it is the next settled one,
 *   whatever is still running; the consumer then closes the stage.
 * - On close (drop, error, cancel): every job still running is aborted (its
 *   signal fires) and upstream is closed; late outcomes are ignored.
 * - Ends once upstream has ended and every job has been yielded.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { FuseSource } from "./fuse.ts";
import { Job, type JobOwner } from "./job.ts";

/** Runs up to `n` items' work at once and yields the outcomes as they settle. */
export class BufferUnorderedSource<T, U> implements Source<U>, JobOwner<U> {
  /** Upstream, fused: it is not polled again once it ended. */
  readonly #source: FuseSource<T>;
  /** How many jobs may be held at once. */
  readonly #limit: number;
  /** Starts an item's work in a job. */
  readonly #start: (job: Job<U>, item: T) => void;
  /** The jobs still running. */
  #running = new Set<Job<U>>();
  /** Settled jobs not yet yielded, in the order they settled. */
  #settled: Job<U>[] = [];
  /** Whom to wake when a job settles. */
  #waker: Waker | null = null;

  constructor(source: Source<T>, limit: number, start: (job: Job<U>, item: T) => void) {
    this.#source = new FuseSource(source);
    this.#limit = limit;
    this.#start = start;
  }

  poll(cx: Waker): Poll<U> {
    while (this.#running.size + this.#settled.length < this.#limit) {
      const item = this.#source.poll(cx);
      if (item === PENDING || item === DONE) break;
      const job = new Job<U>(this);
      this.#start(job, item);
      if (job.done) this.#settled.push(job);
      else this.#running.add(job);
    }
    const next = this.#settled.shift();
    if (next !== undefined) return next.take();
    if (this.#running.size === 0 && this.#source.ended) return DONE;
    this.#waker = cx;
    return PENDING;
  }

  close(): void {
    this.#waker = null;
    const running = this.#running;
    this.#running = new Set();
    this.#settled = [];
    for (const job of running) job.abort();
    this.#source.close();
  }

  /** A job settled: queue it and wake the consumer. */
  settled(job: Job<U>): void {
    if (!this.#running.delete(job)) return;
    this.#settled.push(job);
    const waker = this.#waker;
    this.#waker = null;
    waker?.wake();
  }
}
