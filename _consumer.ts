/**
 * Internal: the task that drives a stream pipeline from the outside, as
 * tokio's `block_on` drives the main future.
 *
 * - A pull polls the pipeline synchronously; an item already available is
 *   returned without a promise.
 * - When the pipeline is pending, the consumer waits. A wake from a send or a
 *   worker queues it for the scheduler's next flush (after every task ready at
 *   this instant has run); a wake from one of its own deadlines is polled by the
 *   timer driver at once, before sleeping tasks resume.
 * - A wake during a poll (a deadline reset into the past) makes the consumer
 *   poll again once the current pull is pending, as tokio re-polls a task that
 *   woke itself.
 * - The pipeline is closed exactly once: when it ends, when a stage throws, or
 *   when the consumer is closed.
 *
 * @module
 */
import { withResolvers } from "./_promise.ts";
import {
  DONE,
  drain,
  type DrainStatus,
  PENDING,
  type Poll,
  type Sink,
  type Source,
  type Waker,
} from "./_poll.ts";
import { consumerActive, consumerQuiet, enqueue, type Pollable } from "./_scheduler.ts";

const IDLE = 0;
const POLLING = 1;
const WAITING = 2;
const FINISHED = 3;

/** Drives one pipeline; the waker of every stage in it. */
export class Consumer<T> implements Waker, Pollable {
  /** The pipeline, until it is closed. */
  #source: Source<T> | null;
  /** IDLE, POLLING, WAITING or FINISHED. */
  #state = IDLE;
  /** Queued for the scheduler's next flush. */
  #scheduled = false;
  /** Woken while polling: poll again once pending. */
  #wokenInPoll = false;
  /** Got an item and has not been pending since (holds tasks back). */
  #active = false;
  /** The pull waiting for a scheduled poll. */
  #waiter: PromiseWithResolvers<T | typeof DONE> | null = null;

  /** Creates a consumer of `source`; nothing is polled yet. */
  constructor(source: Source<T>) {
    this.#source = source;
  }

  /** Whether the pipeline has ended or been closed. */
  get finished(): boolean {
    return this.#state === FINISHED;
  }

  /**
   * Polls now. Returns an item, DONE, or PENDING; after PENDING, `wait()`
   * gives the next result. A stage's error is thrown after closing the pipeline.
   */
  pull(): Poll<T> {
    const source = this.#source;
    if (source === null) return DONE;
    if (this.#state === WAITING) {
      throw new TypeError("Cannot pull: a previous pull is still pending");
    }
    this.#state = POLLING;
    let result: Poll<T>;
    try {
      result = source.poll(this);
    } catch (error) {
      this.close();
      throw error;
    }
    if (result !== PENDING && result !== DONE) {
      this.#state = IDLE;
      if (!this.#active) this.#activate();
      return result;
    }
    return this.#settle(result);
  }

  /**
   * Pushes every item available now into `sink` (the fast path of `pull` in
   * a loop). Returns PENDING (then `wait()`), DONE, or undefined when the sink
   * asked to stop.
   */
  drain(sink: Sink<T>): DrainStatus {
    const source = this.#source;
    if (source === null) return DONE;
    if (this.#state === WAITING) {
      throw new TypeError("Cannot pull: a previous pull is still pending");
    }
    this.#state = POLLING;
    let status: DrainStatus;
    try {
      status = drain(source, this, sink);
    } catch (error) {
      this.close();
      throw error;
    }
    if (status === undefined) {
      if (this.#state === POLLING) {
        this.#state = IDLE;
        this.#activate();
      }
      return undefined;
    }
    return this.#settle(status) as DrainStatus;
  }

  /** The result of the next scheduled poll, after `pull()` returned PENDING. */
  wait(): Promise<T | typeof DONE> {
    this.#waiter ??= withResolvers();
    return this.#waiter.promise;
  }

  /** Pulls the next item, as a promise only when it must wait. */
  next(): T | typeof DONE | Promise<T | typeof DONE> {
    const result = this.pull();
    return result === PENDING ? this.wait() : result;
  }

  /** Called by stages (and the timer driver) when the pipeline may progress. */
  wake(): void {
    if (this.#state === WAITING) {
      if (this.#scheduled) return;
      this.#scheduled = true;
      enqueue(this);
    } else if (this.#state === POLLING) {
      this.#wokenInPoll = true;
    }
  }

  /** Polls on behalf of the scheduler. */
  runScheduled(): void {
    this.#scheduled = false;
    if (this.#state !== WAITING) return;
    this.#wokenInPoll = false;
    this.#state = POLLING;
    let result: Poll<T>;
    try {
      result = this.#source!.poll(this);
    } catch (error) {
      const waiter = this.#waiter;
      this.#waiter = null;
      this.close();
      if (waiter === null) throw error;
      waiter.reject(error);
      return;
    }
    result = this.#settle(result);
    if (result === PENDING) return;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.resolve(result);
  }

  /** Hands the pipeline over (to a combinator) without closing it. */
  detach(): Source<T> {
    if (this.#state === WAITING) {
      throw new TypeError("Cannot move the stream: a next() call is still pending");
    }
    const source = this.#source;
    this.#source = null;
    this.#state = FINISHED;
    this.#quiet(true);
    if (source === null) {
      throw new TypeError("Cannot move the stream: it has already ended");
    }
    return source;
  }

  /** Closes the pipeline (once) and ends any waiting pull with DONE. */
  close(): void {
    const source = this.#source;
    this.#source = null;
    this.#state = FINISHED;
    this.#quiet(true);
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.resolve(DONE);
    source?.close();
  }

  #settle(result: Poll<T>): Poll<T> {
    // Closed while polling (a callback aborted the consumer).
    if (this.#state === FINISHED) return DONE;
    if (result === PENDING) {
      this.#state = WAITING;
      this.#quiet();
      if (this.#wokenInPoll) {
        this.#wokenInPoll = false;
        this.#scheduled = true;
        enqueue(this);
      }
      return PENDING;
    }
    if (result === DONE) {
      this.close();
      return DONE;
    }
    this.#state = IDLE;
    this.#activate();
    return result;
  }

  #activate(): void {
    if (this.#active) return;
    this.#active = true;
    consumerActive();
  }

  #quiet(finished = false): void {
    if (!this.#active) return;
    this.#active = false;
    consumerQuiet(!finished);
  }
}
