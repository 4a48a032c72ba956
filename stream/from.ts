/**
 * Internal: stages that adapt the sources `Stream.from` accepts.
 *
 * - `IterSource`: a synchronous iterable, pulled on demand; every item is
 *   ready at once, but, as tokio-stream 0.1.9's `iter`, after 32 items it is
 *   pending once (waking its consumer at once), so an endless iterator cannot
 *   starve other tasks; each item also spends the consumer's coop budget.
 * - `AsyncIterSource`: an async iterable; one `next()` in flight at a time,
 *   its settlement wakes the consumer.
 * - `ReaderSource`: a `ReadableStream`, read through one reader.
 * - `JoinSetSource`: a `JoinSet`'s results as its tasks finish; closing it
 *   aborts the tasks still running (the stream owned the set).
 * - `channelSource`: a broadcast receiver (tokio-stream's `BroadcastStream`:
 *   `Result` items, a lag is an item) or a watch receiver (`WatchStream`: the
 *   current value, then each change).
 *
 * Closing returns the iterator (or cancels the reader) exactly once, and only
 * if it was started. `inputSource` picks the stage for an input.
 *
 * @module
 */
import {
  cleanupStarted,
  coop,
  DONE,
  type DrainStatus,
  PENDING,
  type Poll,
  pollLoop,
  type Sink,
  type Source,
  type Waker,
} from "../_runtime/poll.ts";
import { Friends } from "../_runtime/friends.ts";
import { broadcastSource } from "../_channel/broadcast_stream.ts";
import { watchSource } from "../_channel/watch_stream.ts";
import { type JoinResult, JoinSet, pollJoinSet } from "../_task/join_set.ts";
import { receiverState } from "../_channel/state.ts";

/** Poll stages wrapped by `pollStage`: `Stream.from` takes them as they are. */
const stages = new Friends<Source<unknown>>();

/**
 * Wraps a poll stage so that `Stream.from` makes a stream of it, as weft's
 * own combinators do (for tests and tools that write stages of their own).
 * The wrapper is nothing else: iterating it directly throws.
 */
export function pollStage<T>(source: Source<T>): AsyncIterable<T> {
  const wrapper: AsyncIterable<T> = {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      throw new TypeError("Cannot iterate a poll stage: make a stream of it with Stream.from");
    },
  };
  stages.link(wrapper, source as Source<unknown>);
  return wrapper;
}

/** The stage a `pollStage` wrapper holds, or undefined for any other input. */
function stageOf<T>(input: unknown): Source<T> | undefined {
  return stages.stateOf(input) as Source<T> | undefined;
}

const arrayIterator = Array.prototype[Symbol.iterator];

/** Pulls a synchronous iterable; plain arrays are read by index, without iterator objects. */
export class IterSource<T> implements Source<T> {
  /** The iterable, until its iterator is made. */
  #iterable: Iterable<T> | null;
  /** The iterator, once started and until it ends or is closed. */
  #iterator: Iterator<T> | null = null;
  /** A plain array read by index, instead of an iterator. */
  #array: readonly T[] | null = null;
  /** The next index into `#array`. */
  #index = 0;
  /** Items yielded since it last yielded to other tasks (tokio-stream's `yield_amt`). */
  #streak = 0;

  constructor(iterable: Iterable<T>) {
    this.#iterable = iterable;
    if (Array.isArray(iterable) && iterable[Symbol.iterator] === arrayIterator) {
      this.#array = iterable;
    }
  }

  poll(cx: Waker): Poll<T> {
    if (this.#mustYield(cx)) return PENDING;
    const array = this.#array;
    if (array !== null) {
      if (this.#index < array.length) return array[this.#index++] as T;
      this.#array = this.#iterable = null;
      return DONE;
    }
    if (this.#iterator === null) {
      if (this.#iterable === null) return DONE;
      this.#iterator = this.#iterable[Symbol.iterator]();
      this.#iterable = null;
    }
    let result: IteratorResult<T>;
    try {
      result = this.#iterator.next();
    } catch (error) {
      // An iterator that threw is done: it is not returned, as in `for...of`.
      this.#iterator = null;
      throw error;
    }
    if (!result.done) return result.value;
    this.#iterator = null;
    return DONE;
  }

  drain(cx: Waker, sink: Sink<T>): DrainStatus {
    const array = this.#array;
    if (array === null) return pollLoop(this, cx, sink);
    for (;;) {
      if (this.#mustYield(cx)) return PENDING;
      if (this.#index >= array.length) {
        this.#array = this.#iterable = null;
        return DONE;
      }
      if (!sink(array[this.#index++] as T)) return undefined;
    }
  }

  close(): void {
    const iterator = this.#iterator;
    this.#iterator = this.#iterable = this.#array = null;
    iterator?.return?.();
  }

  /** Whether this poll must be pending (32 in a row, or the budget spent); counts the one it allows. */
  #mustYield(cx: Waker): boolean {
    if (this.#streak >= YIELD_EVERY) {
      this.#streak = 0;
      cx.wake();
      return true;
    }
    if (coop.remaining <= 0) {
      cx.wake();
      return true;
    }
    this.#streak++;
    coop.remaining--;
    return false;
  }
}

/** tokio-stream 0.1.9's `iter` is pending once after this many ready polls. */
const YIELD_EVERY = 32;

/** Pulls an async iterable, one `next()` at a time. */
class AsyncIterSource<T> implements Source<T> {
  /** The iterable, until its iterator is made. */
  #iterable: AsyncIterable<T> | null;
  /** The iterator, once started and until it ends or is closed. */
  #iterator: AsyncIterator<T> | null = null;
  /** Whether a `next()` is in flight. */
  #inFlight = false;
  /** The settled result of the last `next()`, not yet taken. */
  #ready: { ok: true; result: IteratorResult<T> } | { ok: false; error: unknown } | null = null;
  /** Whom to wake when the `next()` in flight settles. */
  #waker: Waker | null = null;

  constructor(iterable: AsyncIterable<T>) {
    this.#iterable = iterable;
  }

  poll(cx: Waker): Poll<T> {
    const ready = this.#ready;
    if (ready !== null) {
      this.#ready = null;
      if (!ready.ok) {
        // An iterator whose next() rejected is done: it is not returned, as in `for await`.
        this.#iterator = null;
        throw ready.error;
      }
      if (!ready.result.done) return ready.result.value;
      this.#iterator = null;
      return DONE;
    }
    this.#waker = cx;
    if (this.#inFlight) return PENDING;
    if (this.#iterator === null) {
      if (this.#iterable === null) return DONE;
      this.#iterator = this.#iterable[Symbol.asyncIterator]();
      this.#iterable = null;
    }
    this.#inFlight = true;
    this.#iterator.next().then(
      (result) => this.#settle({ ok: true, result }),
      (error) => this.#settle({ ok: false, error }),
    );
    return PENDING;
  }

  close(): void {
    const iterator = this.#iterator;
    this.#iterator = this.#iterable = null;
    this.#waker = null;
    const cleanup = iterator?.return?.();
    // The consumer waits for return() as `for await` does, unless a next()
    // is still in flight: an async generator would run return() only after
    // it, however long that takes.
    if (this.#inFlight) cleanup?.then(undefined, () => {});
    else cleanupStarted(cleanup);
  }

  #settle(ready: { ok: true; result: IteratorResult<T> } | { ok: false; error: unknown }): void {
    this.#inFlight = false;
    if (this.#iterator === null) return;
    this.#ready = ready;
    const waker = this.#waker;
    this.#waker = null;
    waker?.wake();
  }
}

/** Reads a `ReadableStream` through one reader. */
class ReaderSource<T> implements Source<T> {
  /** The stream, until a reader is taken. */
  #stream: ReadableStream<T> | null;
  /** Adapts the reader's reads. */
  readonly #reads: AsyncIterSource<T>;
  /** The reader, once taken. */
  #reader: ReadableStreamDefaultReader<T> | null = null;

  constructor(stream: ReadableStream<T>) {
    this.#stream = stream;
    this.#reads = new AsyncIterSource({ [Symbol.asyncIterator]: () => this.#open() });
  }

  poll(cx: Waker): Poll<T> {
    return this.#reads.poll(cx);
  }

  close(): void {
    this.#stream = null;
    this.#reads.close();
    const reader = this.#reader;
    this.#reader = null;
    cleanupStarted(reader?.cancel());
  }

  #open(): AsyncIterator<T> {
    const reader = this.#stream!.getReader();
    this.#reader = reader;
    return {
      next: () => reader.read() as Promise<IteratorResult<T>>,
    };
  }
}

/** The stage for a broadcast or watch receiver (the stream owns it), or undefined. */
function channelSource<T>(input: unknown): Source<T> | undefined {
  return (broadcastSource(input) as Source<T> | undefined) ?? watchSource<T>(input);
}

/** Takes a `JoinSet`'s results as its tasks finish. */
export class JoinSetSource<T> implements Source<JoinResult<T>> {
  /** The set, until closed. */
  #set: JoinSet<T> | null;

  constructor(set: JoinSet<T>) {
    this.#set = set;
  }

  poll(cx: Waker): Poll<JoinResult<T>> {
    return this.#set === null ? DONE : pollJoinSet(this.#set, cx);
  }

  close(): void {
    const set = this.#set;
    this.#set = null;
    set?.[Symbol.dispose]();
  }
}

/**
 * The stage for anything `Stream.from` accepts but a stream or a `StreamMap`
 * (which `stream.ts` handles): a poll stage, a channel receiver (the stage
 * owns it), a `ReadableStream`, a `JoinSet`, an async or a sync iterable.
 */
export function inputSource<T>(input: unknown): Source<T> {
  const stage = stageOf<T>(input);
  if (stage !== undefined) return stage;
  const channelStage = channelSource<T>(input);
  if (channelStage !== undefined) return channelStage;
  const state = receiverState<T>(input);
  if (state !== undefined) {
    if (state.hasConsumer) {
      throw new TypeError("Cannot make a stream: this receiver already has a consumer");
    }
    state.hasConsumer = true;
    return state;
  }
  if (typeof ReadableStream !== "undefined" && input instanceof ReadableStream) {
    return new ReaderSource(input);
  }
  if (input instanceof JoinSet) return new JoinSetSource(input) as Source<T>;
  if (typeof (input as AsyncIterable<T> | null)?.[Symbol.asyncIterator] === "function") {
    return new AsyncIterSource(input as AsyncIterable<T>);
  }
  if (typeof (input as Iterable<T> | null)?.[Symbol.iterator] === "function") {
    return new IterSource(input as Iterable<T>);
  }
  throw new TypeError(
    "Cannot make a stream: expected an iterable, an async iterable, a ReadableStream or a Receiver",
  );
}
