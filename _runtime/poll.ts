/**
 * Internal: the poll protocol every stream stage speaks.
 *
 * As in tokio-stream, a stage is a small synchronous state machine. `poll(cx)`
 * returns an item, {@link PENDING} (nothing yet: `cx` will be woken when
 * something changes) or {@link DONE} (the stream has ended). Async iteration is
 * only the outermost adapter, so items move through a pipeline without a promise
 * per stage, and the order of events at one instant follows tokio's poll model
 * by construction.
 *
 * ## Writing a stage (`stream/<op>.ts`)
 *
 * A stage is a class implementing {@link Source}, holding its upstream(s) and
 * its state in `#private` fields with a one-line comment each.
 *
 * - `poll(cx)` is synchronous. It returns an item, `DONE`, or `PENDING` only
 *   after something will wake `cx`: the upstream that returned `PENDING` has
 *   registered it, or the stage has polled a {@link Delay} with it. A stage
 *   that makes items of its own (a timer firing, an interval) spends the coop
 *   budget as tokio's do: when `coop.remaining` is 0 it wakes `cx` and
 *   returns `PENDING`. Throwing ends the stream with that error. What a
 *   stage does when polled after `DONE` is its own (as in Rust): a stage
 *   that must not be polled again is wrapped by `fuse()`.
 * - `close()` drops the stage: it closes every upstream it still holds and
 *   cancels its own deadlines; it is called at most once. A cleanup that is a promise (an async iterator's
 *   `return()`) goes to {@link cleanupStarted}, so the consumer waits for it.
 * - `drain(cx, sink)` is optional, for speed only: it pushes the items
 *   available now into `sink`, exactly the ones repeated `poll`s would yield,
 *   in order, and returns what the last poll would have (`PENDING`, `DONE`),
 *   or undefined when `sink` returned false. Write it when the stage passes
 *   a run of items through without looking at time (`map`, `filter`,
 *   `filterMap`, `take`, a channel's buffer, an iterable): it saves a call
 *   per item per stage. Leave it out when a stage's output depends on each
 *   poll (timers, `merge`'s alternation, `throttle`, `chunksTimeout`): the
 *   default {@link pollLoop} is then exactly right.
 *
 * @module
 */
import { insert, now, remove, type TimerEntry } from "./timer.ts";

export { now };

/** Returned by `poll` when no item is ready yet. */
export const PENDING: unique symbol = Symbol("weft.pending");
/** Returned by `poll` once the stream has ended. */
export const DONE: unique symbol = Symbol("weft.done");

/** The result of one poll. */
export type Poll<T> = T | typeof PENDING | typeof DONE;

/** What a pending stage wakes when it may make progress. */
export interface Waker {
  /** Asks for the pipeline to be polled again. */
  wake(): void;
}

/** tokio's coop budget: ready items one poll of a consumer may take. */
export const BUDGET = 128;

/**
 * The budget left to the poll running now: a consumer sets it while it polls;
 * outside consumers it is unlimited.
 */
export const coop: { remaining: number } = { remaining: Infinity };

/** Collects the asynchronous cleanups of one consumer's pipeline. */
export interface CleanupOwner {
  /** A stage started an asynchronous cleanup. */
  addCleanup(done: PromiseLike<unknown>): void;
}

/**
 * The consumer polling or closing its pipeline now, if any: asynchronous
 * cleanups (an async iterator's `return()`, a reader's `cancel()`) started
 * meanwhile are its own, and its loop ends only once they have settled, as
 * `for await` waits for `return()`.
 */
export const cleanups: { owner: CleanupOwner | null } = { owner: null };

/** Hands an asynchronous cleanup to the consumer at work, or lets it run alone. */
export function cleanupStarted(done: PromiseLike<unknown> | undefined): void {
  if (typeof done?.then !== "function") return;
  if (cleanups.owner !== null) cleanups.owner.addCleanup(done);
  else Promise.resolve(done).then(undefined, () => {});
}

/** Takes the items a `drain` pushes; returns false to stop. */
export type Sink<T> = (item: T) => boolean;

/** Why a `drain` stopped: PENDING, DONE, or undefined when the sink asked to. */
export type DrainStatus = typeof PENDING | typeof DONE | undefined;

/** A pollable stage of a stream. */
export interface Source<T> {
  /** Advances the stage; registers `cx` to be woken when it returns PENDING. */
  poll(cx: Waker): Poll<T>;
  /** Drops the stage and everything upstream of it; called at most once. */
  close(): void;
  /**
   * Optional fast path: pushes every item available now into `sink`, exactly
   * as repeated `poll`s would yield them, without a call per stage per poll.
   */
  drain?(cx: Waker, sink: Sink<T>): DrainStatus;
}

/** Pushes the items `source` has now into `sink` (its `drain`, or a poll loop). */
export function drain<T>(source: Source<T>, cx: Waker, sink: Sink<T>): DrainStatus {
  if (source.drain !== undefined) return source.drain(cx, sink);
  return pollLoop(source, cx, sink);
}

/** The default drain: polls `source` until it is pending, ends, or `sink` stops. */
export function pollLoop<T>(source: Source<T>, cx: Waker, sink: Sink<T>): DrainStatus {
  for (;;) {
    const item = source.poll(cx);
    if (item === PENDING) return PENDING;
    if (item === DONE) return DONE;
    if (!sink(item)) return undefined;
  }
}

/**
 * A deadline with tokio's `Sleep` semantics, for combinators.
 *
 * - Polling registers the poller's waker, whether or not the deadline passed.
 * - Firing wakes (and forgets) the last registered waker.
 * - `reset` re-arms it and keeps the registered waker; a reset to an instant
 *   already reached fires at once.
 * - It is only handed to the driver when first polled or reset.
 */
export class Delay implements TimerEntry {
  /** Absolute deadline in ms. */
  deadline: number;
  /** Position in the driver's bucket, -1 when not scheduled. */
  slot = -1;
  /** Deadlines wake consumers: the driver fires them before task sleeps. */
  readonly wakesConsumer = true;
  /** The waker of the last poll, until the deadline fires. */
  #waker: Waker | null = null;
  /** Whether the deadline has been reached since it was last armed. */
  #elapsed = false;
  /** Whether the driver has seen it since it was created or reset. */
  #registered = false;

  /**
   * Creates a deadline at `deadline` (absolute ms, rounded up to a whole ms
   * as tokio's timer wheel does); nothing is scheduled yet.
   */
  constructor(deadline: number) {
    this.deadline = Math.ceil(deadline);
  }

  /** Returns true once the deadline is reached; otherwise `cx` will be woken. */
  poll(cx: Waker): boolean {
    // tokio's coop budget: a spent budget makes the deadline pending.
    if (coop.remaining <= 0) {
      cx.wake();
      return false;
    }
    // Registration may fire at once (waking the previous waker), then the
    // poller's waker is kept, as tokio's `poll_elapsed` does.
    if (!this.#registered) this.#register();
    this.#waker = cx;
    if (this.#elapsed) coop.remaining--;
    return this.#elapsed;
  }

  /** Moves the deadline to `deadline`, keeping the registered waker. */
  reset(deadline: number): void {
    remove(this);
    // A fractional deadline would never be due at a whole-ms `now()`.
    this.deadline = Math.ceil(deadline);
    this.#elapsed = false;
    this.#register();
  }

  /** Called by the driver at the deadline. */
  fire(): void {
    this.#elapsed = true;
    const waker = this.#waker;
    this.#waker = null;
    waker?.wake();
  }

  /** Drops the deadline: unschedules it and forgets the waker. */
  cancel(): void {
    remove(this);
    this.#waker = null;
  }

  #register(): void {
    this.#registered = true;
    if (this.deadline <= now()) this.fire();
    else insert(this);
  }
}

/** Whole milliseconds from now, rounded up as tokio rounds deadlines. */
export function deadlineAfter(ms: number): number {
  return now() + Math.ceil(ms);
}
