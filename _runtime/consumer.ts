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
 * - While it is between an item and its next pending pull, tasks resumed at
 *   the same instant wait (the scheduler's task gate), as tokio runs
 *   `block_on` until it is pending before other tasks.
 * - A wake during a poll (a deadline reset into the past, a spent budget)
 *   makes the consumer poll again once the current pull is pending, as tokio
 *   re-polls a task that woke itself: at once when no task is waiting to run,
 *   else after them.
 * - tokio's coop budget: each poll of the consumer may take 128 ready items
 *   (channel receives, elapsed deadlines); the next one is pending.
 * - The pipeline is closed exactly once: when it ends, when a stage throws, or
 *   when the consumer is closed.
 *
 * @module
 */
import { withResolvers } from "./promise.ts";
import {
  BUDGET,
  type CleanupOwner,
  cleanups,
  coop,
  DONE,
  drain,
  type DrainStatus,
  PENDING,
  type Poll,
  type Sink,
  type Source,
  type Waker,
} from "./poll.ts";
import {
  consumerActive,
  consumerQuiet,
  currentTick,
  enqueue,
  type Pollable,
  schedulerIdle,
  tasksHeld,
} from "./scheduler.ts";

const IDLE = 0;
const POLLING = 1;
const WAITING = 2;
const FINISHED = 3;

/** Self-woken polls in a row before the consumer lets other work run. */
const MAX_IMMEDIATE_REPOLLS = 64;

/** Drives one pipeline; the waker of every stage in it. */
export class Consumer<T> implements Waker, Pollable, CleanupOwner {
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
  /** What is left of the coop budget of the current poll. */
  #budget = BUDGET;
  /** The scheduler tick of the last poll; a new tick is a new poll. */
  #tick = -1;
  /** Self-woken polls run at once in this tick (a tick allows MAX_IMMEDIATE_REPOLLS). */
  #repolls = 0;
  /** Asynchronous cleanups its stages started, not yet awaited. */
  #cleanups: PromiseLike<unknown>[] | null = null;

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
    const source = this.#begin();
    if (source === null) return DONE;
    return this.#settle(this.#run(source, null) as Poll<T>);
  }

  /**
   * Pushes every item available now into `sink` (the fast path of `pull` in
   * a loop). Returns PENDING (then `wait()`), DONE, or undefined when the sink
   * asked to stop.
   */
  drain(sink: Sink<T>): DrainStatus {
    const source = this.#begin();
    if (source === null) return DONE;
    const status = this.#run(source, sink);
    if (status !== undefined) return this.#settle(status) as DrainStatus;
    if (this.#state === POLLING) this.#idle();
    return undefined;
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

  /** Polls on behalf of the scheduler: a new poll, with a fresh budget. */
  runScheduled(): void {
    this.#scheduled = false;
    if (this.#state !== WAITING) return;
    const source = this.#source!;
    this.#wokenInPoll = false;
    this.#budget = BUDGET;
    this.#tick = currentTick();
    this.#repolls = 0;
    this.#state = POLLING;
    let result: Poll<T>;
    try {
      result = this.#settle(this.#run(source, null) as Poll<T>);
    } catch (error) {
      const waiter = this.#waiter;
      this.#waiter = null;
      if (waiter === null) throw error;
      return waiter.reject(error);
    }
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
    this.#finish();
    if (source === null) {
      throw new TypeError("Cannot move the stream: it has already ended");
    }
    return source;
  }

  /** Closes the pipeline (once) and ends any waiting pull with DONE. */
  close(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    this.#drop();
    waiter?.resolve(DONE);
  }

  /**
   * Settles once every asynchronous cleanup its stages started has (an async
   * iterator's `return()`, a reader's `cancel()`), rejecting with the first
   * failure; undefined when there is none to wait for.
   */
  cleanedUp(): Promise<void> | undefined {
    const pending = this.#cleanups;
    if (pending === null) return undefined;
    this.#cleanups = null;
    return Promise.all(pending).then(() => undefined);
  }

  /** A stage started an asynchronous cleanup while this consumer polled or closed. */
  addCleanup(done: PromiseLike<unknown>): void {
    const settled = Promise.resolve(done);
    // Handled here, so a failure nobody waits for is no unhandled rejection.
    settled.catch(() => {});
    (this.#cleanups ??= []).push(settled);
  }

  /** Closes the pipeline (once), leaving a waiting pull to the caller. */
  #drop(): void {
    const source = this.#source;
    this.#source = null;
    this.#finish();
    if (source === null) return;
    const owner = cleanups.owner;
    cleanups.owner = this;
    try {
      source.close();
    } finally {
      cleanups.owner = owner;
    }
  }

  /** Starts a pull from the consumer's own code. */
  #begin(): Source<T> | null {
    const source = this.#source;
    if (source === null) return null;
    if (this.#state === WAITING) {
      throw new TypeError("Cannot pull: a previous pull is still pending");
    }
    const tick = currentTick();
    if (tick !== this.#tick) {
      // Pulled again after the consumer's code awaited something else: in
      // tokio, a new poll of the task, with a fresh budget.
      this.#tick = tick;
      this.#repolls = 0;
      this.#budget = BUDGET;
    }
    this.#state = POLLING;
    return source;
  }

  /**
   * Polls `source` (or drains it into `sink`) under the consumer's budget. A
   * poll that came back pending because the consumer woke itself runs again
   * at once when nothing else waits to run (tokio would re-poll it next).
   * No closure: this is every pull's path.
   */
  #run(source: Source<T>, sink: Sink<T> | null): Poll<T> | DrainStatus {
    for (let repolls = 0;; repolls++) {
      if (repolls > 0) {
        // The previous poll came back pending because the consumer woke itself.
        // Other work waiting (held tasks, yielded tasks, other consumers) goes first.
        if (
          ++this.#repolls > MAX_IMMEDIATE_REPOLLS || tasksHeld() || !schedulerIdle() ||
          this.#state !== POLLING
        ) {
          return PENDING;
        }
        this.#wokenInPoll = false;
        this.#budget = BUDGET;
      }
      coop.remaining = this.#budget;
      const owner = cleanups.owner;
      cleanups.owner = this;
      let result: Poll<T> | DrainStatus;
      try {
        result = sink === null ? source.poll(this) : drain(source, this, sink);
      } catch (error) {
        this.#drop();
        throw error;
      } finally {
        this.#budget = coop.remaining;
        coop.remaining = Infinity;
        cleanups.owner = owner;
      }
      if (result !== PENDING || !this.#wokenInPoll) return result;
    }
  }

  #settle(result: Poll<T>): Poll<T> {
    // Closed while polling (a callback aborted the consumer).
    if (this.#state === FINISHED) return DONE;
    if (result === PENDING) {
      this.#state = WAITING;
      this.#quiet(true);
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
    this.#idle();
    return result;
  }

  /** Has an item in hand: tasks wait until the consumer is pending again. */
  #idle(): void {
    this.#state = IDLE;
    if (this.#active) return;
    this.#active = true;
    consumerActive();
  }

  #finish(): void {
    this.#state = FINISHED;
    this.#quiet(false);
  }

  /** Pending (`release`: held tasks may run) or finished. */
  #quiet(release: boolean): void {
    if (!this.#active) return;
    this.#active = false;
    consumerQuiet(release);
  }
}
