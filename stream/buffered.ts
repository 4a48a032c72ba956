/**
 * Internal: `buffered(n)`, futures-util's `Buffered`, and the ordered form of
 * `mapAsync(f, { concurrency })`.
 *
 * - At each poll it first pulls upstream while fewer than `n` jobs are held
 *   (running, or settled and not yet yielded), starting each item's work as
 *   it comes; then it yields the oldest job's outcome if it has settled.
 *   Upstream is never pulled while `n` are held (backpressure).
 * - At an instant: a settled job is yielded only when every job before it has
 *   been; work that settles at once is yielded in the same poll.
 * - On error: a rejected job is thrown when it reaches the head, after the
 *   items before it; the consumer then closes the stage.
 * - On close (drop, error, cancel): every job still held is aborted (its
 *   signal fires) and upstream is closed; late outcomes are ignored.
 * - Ends once upstream has ended and every job has been yielded.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { FuseSource } from "./fuse.ts";
import { Job, type JobOwner } from "./job.ts";

/** Runs up to `n` items' work at once and yields the outcomes in upstream order. */
export class BufferedSource<T, U> implements Source<U>, JobOwner<U> {
  /** Upstream, fused: it is not polled again once it ended. */
  readonly #source: FuseSource<T>;
  /** How many jobs may be held at once. */
  readonly #limit: number;
  /** Starts an item's work in a job. */
  readonly #start: (job: Job<U>, item: T) => void;
  /** The jobs held, oldest first. */
  #queue: Job<U>[] = [];
  /** Whom to wake when the head job settles. */
  #waker: Waker | null = null;

  constructor(source: Source<T>, limit: number, start: (job: Job<U>, item: T) => void) {
    this.#source = new FuseSource(source);
    this.#limit = limit;
    this.#start = start;
  }

  poll(cx: Waker): Poll<U> {
    const queue = this.#queue;
    while (queue.length < this.#limit) {
      const item = this.#source.poll(cx);
      if (item === PENDING || item === DONE) break;
      const job = new Job<U>(this);
      queue.push(job);
      this.#start(job, item);
    }
    const head = queue[0];
    if (head === undefined) return this.#source.ended ? DONE : PENDING;
    if (head.done) {
      queue.shift();
      return head.take();
    }
    this.#waker = cx;
    return PENDING;
  }

  close(): void {
    this.#waker = null;
    const queue = this.#queue;
    this.#queue = [];
    for (const job of queue) job.abort();
    this.#source.close();
  }

  /** A job settled: wake the consumer if it is the one awaited. */
  settled(job: Job<U>): void {
    if (job !== this.#queue[0]) return;
    const waker = this.#waker;
    this.#waker = null;
    waker?.wake();
  }
}
