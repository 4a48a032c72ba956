/**
 * Streams: a lazy, single-use `AsyncIterable` with tokio-stream's combinators
 * and their exact timing.
 *
 * Every stage is a small synchronous state machine polled by the consumer, as
 * in tokio-stream: items move through a pipeline without a promise per stage,
 * and what happens when several things fall on one instant (a deadline and an
 * item, two sides of a merge) follows tokio's poll order by construction.
 *
 * - Nothing runs until the stream is consumed (`for await`, `next()`,
 *   `toArray()`, `forEach()`, ...).
 * - A stream is used once: a combinator moves it into the new stream, as
 *   Rust's `self` does; iterating it twice is a `TypeError`.
 * - When the consumer stops (break, `return()`, `take` reaching n, an error),
 *   every upstream stage is closed exactly once: iterators are returned, timers
 *   cleared, channel receivers closed (so producers' `send` throws). As with
 *   `for await`, the loop or consumer ends once an async iterator's `return()`
 *   (or a `ReadableStream`'s cancel) has settled, unless a `next()` of that
 *   iterator is still in flight.
 *
 * @example Listing 17-40's shape, under a test clock
 * ```ts
 * import { Stream } from "@weft/weft/stream";
 * import { channel } from "@weft/weft/channel";
 * import { sleep, spawnTask } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const [tx, rx] = channel<string>();
 * spawnTask(async () => {
 *   for (const [gap, text] of [[10, "a"], [50, "b"]] as const) {
 *     await sleep(gap);
 *     tx.send(text);
 *   }
 *   tx.close();
 * });
 * const lines: string[] = [];
 * const done = Stream.from(rx)
 *   .timeout(20)
 *   .forEach((r) => lines.push(`${clock.elapsed} ${r.ok ? r.value : r.error}`));
 * await clock.tick(100);
 * await done;
 * assert.deepStrictEqual(lines, ["10 a", "30 Elapsed(())", "60 b"]);
 * ```
 *
 * @module
 */
import { Consumer } from "./_runtime/consumer.ts";
import { DONE, now, PENDING, type Source } from "./_runtime/poll.ts";
import { checkCount, checkDuration, checkFunction } from "./_runtime/checks.ts";
import type { BroadcastReceiver, Lagged, Receiver, WatchReceiver } from "./channel.ts";
import { ChainSource } from "./stream/chain.ts";
import { checkChunk, checkPeriod, spent } from "./stream/checks.ts";
import { ChunksTimeoutSource } from "./stream/chunks_timeout.ts";
import { drive, ended, ignore, pullOnce, STOP } from "./stream/drive.ts";
import { FilterSource } from "./stream/filter.ts";
import { FilterMapSource } from "./stream/filter_map.ts";
import { inputSource, IterSource } from "./stream/from.ts";
import { FuseSource } from "./stream/fuse.ts";
import {
  type IntervalOptions,
  intervalSource,
  type MissedTickBehavior,
} from "./stream/interval.ts";
import { StreamIterator } from "./stream/iterator.ts";
import { MapSource } from "./stream/map.ts";
import { type AsyncMapper, mapAsyncSource } from "./stream/map_async.ts";
import { BufferUnorderedSource } from "./stream/buffer_unordered.ts";
import { BufferedSource } from "./stream/buffered.ts";
import { checkLimit, startWork, type Work, type WorkResult } from "./stream/job.ts";
import { MergeSource } from "./stream/merge.ts";
import { MergeAllSource } from "./stream/merge_all.ts";
import { EmptySource, OnceSource, PendingSource } from "./stream/once.ts";
import { ChunksSource } from "./stream/chunks.ts";
import { EnumerateSource } from "./stream/enumerate.ts";
import { FlattenSource } from "./stream/flatten.ts";
import { InspectSource } from "./stream/inspect.ts";
import { MapWhileSource } from "./stream/map_while.ts";
import { PeekableSource } from "./stream/peekable.ts";
import { ScanSource } from "./stream/scan.ts";
import { TakeUntilSource } from "./stream/take_until.ts";
import { ZipSource } from "./stream/zip.ts";
import { StreamMapState } from "./stream/stream_map.ts";
import { SkipSource } from "./stream/skip.ts";
import { SkipWhileSource } from "./stream/skip_while.ts";
import { TakeSource } from "./stream/take.ts";
import { TakeWhileSource } from "./stream/take_while.ts";
import { ThrottleSource } from "./stream/throttle.ts";
import { type Result, TimeoutSource } from "./stream/timeout.ts";
import { TimeoutRepeatingSource } from "./stream/timeout_repeating.ts";
import { Elapsed, type WaitOptions } from "./task.ts";

export { Elapsed };
export type { AsyncMapper, IntervalOptions, MissedTickBehavior, Result, Work, WorkResult };
export type { MapAsyncContext } from "./stream/map_async.ts";

/**
 * Options of `mapAsync`.
 *
 * @example Two at a time, in source order
 * ```ts
 * import { type MapAsyncOptions, Stream } from "@weft/weft/stream";
 * import { sleep } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const options: MapAsyncOptions = { concurrency: 2 }; // ordered by default
 * const seen: [number, number][] = [];
 * const done = Stream.iter([30, 10, 20])
 *   .mapAsync((ms, { signal }) => sleep(ms, { signal }).then(() => ms), options)
 *   .forEach((ms) => seen.push([clock.elapsed, ms]));
 * await clock.tick(100);
 * await done;
 * // 10 is done at 10 but waits for 30; 20 starts only when 30 is yielded.
 * assert.deepStrictEqual(seen, [[30, 30], [30, 10], [50, 20]]);
 * ```
 */
export interface MapAsyncOptions {
  /**
   * At most this many calls in flight: an integer >= 1, or `Infinity`.
   * @default {1}
   */
  concurrency?: number;
  /**
   * Yield results in source order (`true`) or as they settle (`false`).
   * @default {true}
   */
  ordered?: boolean;
}

/**
 * What `Stream.from` accepts (and `chain`, `merge`, `zip`, `flatten` take as
 * inputs): a stream, a channel receiver, a web `ReadableStream`, or any async
 * or sync iterable.
 *
 * @typeParam T The items.
 *
 * @example One function for every kind of input
 * ```ts
 * import { Stream, type StreamInput } from "@weft/weft/stream";
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * function total(input: StreamInput<number>): Promise<number> {
 *   return Stream.from(input).fold(0, (sum, n) => sum + n);
 * }
 * const [tx, rx] = channel<number>();
 * tx.send(4);
 * tx.close();
 * async function* generated(): AsyncGenerator<number> {
 *   yield 5;
 * }
 * assert.equal(await total([1, 2]), 3);
 * assert.equal(await total(new Set([3])), 3);
 * assert.equal(await total(rx), 4);
 * assert.equal(await total(generated()), 5);
 * assert.equal(await total(ReadableStream.from([6])), 6);
 * ```
 */
export type StreamInput<T> =
  | Stream<T>
  | Receiver<T>
  | ReadableStream<T>
  | AsyncIterable<T>
  | Iterable<T>;

/** Makes a stream of a poll stage (module-private: `Stream`'s constructor is private). */
let makeStream: <U>(source: Source<U>) => Stream<U>;

/** Moves a stream input's pipeline out (module-private: `Stream`'s own `#take`). */
let sourceOf: <U>(input: StreamInput<U>, action: string) => Source<U>;

/** The class behind `peekable()` (module-private: it extends `Stream` from inside it). */
let PeekableStream: new <T>(source: PeekableSource<T>) => Peekable<T>;

/**
 * What `flatten()` yields: the items of the inner streams.
 *
 * @typeParam S The inner streams' type.
 *
 * @example Flatten inputs of different kinds
 * ```ts
 * import { type Flattened, Stream, type StreamInput } from "@weft/weft/stream";
 * import assert from "node:assert/strict";
 *
 * function concatAll<S extends StreamInput<unknown>>(inputs: S[]): Promise<Flattened<S>[]> {
 *   return Stream.iter(inputs).flatten().toArray();
 * }
 * const all: number[] = await concatAll([[1, 2], Stream.iter([3]), new Set([4])]);
 * assert.deepStrictEqual(all, [1, 2, 3, 4]);
 * ```
 */
export type Flattened<S> = S extends StreamInput<infer U> ? U : never;

/**
 * A stream that can look one item ahead: what `peekable()` returns. Every
 * `Stream` method works on it; `peek` and `nextIf` wait like `next()`, and
 * must not be called while a `next()` is still pending.
 *
 * @typeParam T The items.
 *
 * @example Take a leading run
 * ```ts
 * import { Stream } from "@weft/weft/stream";
 * import assert from "node:assert/strict";
 *
 * const stream = Stream.iter([1, 1, 2, 1]).peekable();
 * const ones: number[] = [];
 * for (let n; (n = await stream.nextIf((x) => x === 1)) !== undefined;) ones.push(n);
 * assert.deepStrictEqual([ones, await stream.toArray()], [[1, 1], [2, 1]]);
 * ```
 */
export interface Peekable<T> extends Stream<T> {
  /**
   * Waits for the next item and returns it without consuming it (tokio-stream's `peek`).
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns The next item, or `undefined` once the stream has ended.
   */
  peek(options?: WaitOptions): Promise<T | undefined>;
  /**
   * Consumes the next item only if `predicate` passes (futures-util's `next_if`).
   *
   * @param predicate The test.
   * @param options `signal` to stop waiting.
   * @returns The item, or `undefined` if it failed the test (it stays next) or the stream ended.
   */
  nextIf(predicate: (item: T) => unknown, options?: WaitOptions): Promise<T | undefined>;
}

/**
 * A lazy, single-use stream of `T` with tokio-stream's combinators.
 *
 * @typeParam T The items.
 *
 * @example Map, filter and take
 * ```ts
 * import { Stream } from "@weft/weft/stream";
 * import assert from "node:assert/strict";
 *
 * const evens = await Stream.iter([1, 2, 3, 4, 5, 6])
 *   .map((n) => n * 10)
 *   .filter((n) => n % 20 === 0)
 *   .take(2)
 *   .toArray();
 * assert.deepStrictEqual(evens, [20, 40]);
 * ```
 */
export class Stream<T> implements AsyncIterable<T>, AsyncDisposable {
  static {
    makeStream = <U>(source: Source<U>) => new Stream<U>(source);
    sourceOf = <U>(input: StreamInput<U>, action: string) => Stream.#sourceOf(input, action);
    PeekableStream = class PeekableStream<T> extends Stream<T> implements Peekable<T> {
      /** The look-ahead stage at the head of the pipeline. */
      readonly #peekable: PeekableSource<T>;
      /** What `peek` polls: the look-ahead, left open when its one pull ends (one per stream). */
      readonly #peekStage: Source<T>;

      constructor(source: PeekableSource<T>) {
        super(source);
        this.#peekable = source;
        this.#peekStage = { poll: (cx) => source.peek(cx), close: () => {} };
      }

      async peek(options?: WaitOptions): Promise<T | undefined> {
        this.#check("peek");
        try {
          return await pullOnce(this.#peekStage, options);
        } catch (error) {
          // A failed pull closes the pipeline, as a failed next() does (next() then ends).
          if (!options?.signal?.aborted) this.#cursorFor("peek").close();
          throw error;
        }
      }

      async nextIf(predicate: (item: T) => unknown, options?: WaitOptions): Promise<T | undefined> {
        checkFunction(predicate, "nextIf");
        const item = await this.peek(options);
        if (item === undefined || !predicate(item)) return undefined;
        this.#peekable.takeSlot();
        return item;
      }
    };
  }

  /** The pipeline, until it is moved into a combinator or a cursor. */
  #source: Source<T> | null;
  /** The cursor `next()` and iteration pull through. */
  #cursor: Consumer<T> | null = null;
  /** Whether the async iterator was taken. */
  #iterated = false;

  private constructor(source: Source<T>) {
    this.#source = source;
  }

  /**
   * Makes a stream of a broadcast receiver, tokio-stream's `BroadcastStream`:
   * each value as `{ ok: true, value }`, each lag as `{ ok: false, error }`
   * (a {@linkcode Lagged}, after which the values go on from the oldest the
   * channel kept); it ends once every sender is closed and all is read. The
   * stream owns the receiver: closing the stream closes it.
   *
   * @typeParam T The values.
   * @param input The receiver.
   * @returns The stream of results.
   * @throws {TypeError} If the receiver already has a consumer.
   *
   * @example A lag is an item
   * ```ts
   * import { broadcast } from "@weft/weft/channel";
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = broadcast<number>(1);
   * tx.send(1);
   * tx.send(2);
   * tx.close();
   * const items = await Stream.from(rx).map((r) => r.ok ? r.value : String(r.error)).toArray();
   * assert.deepStrictEqual(items, ["Lagged(1)", 2]);
   * ```
   */
  static from<T>(input: BroadcastReceiver<T>): Stream<Result<T, Lagged>>;
  /**
   * Makes a stream of a watch receiver, tokio-stream's `WatchStream`: the
   * current value at once, then the value after each change (changes in
   * between are not queued: each item is the latest value when the stream
   * is polled). It ends once every sender is gone and the last value was
   * yielded. The stream owns the receiver: closing the stream closes it.
   *
   * @typeParam T The value watched.
   * @param input The receiver.
   * @returns The stream of values.
   * @throws {TypeError} If the receiver is closed.
   *
   * @example The current value, then each change
   * ```ts
   * import { watch } from "@weft/weft/channel";
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = watch("a");
   * const stream = Stream.from(rx);
   * assert.equal(await stream.next(), "a");
   * tx.send("b");
   * tx.close();
   * assert.deepStrictEqual(await stream.toArray(), ["b"]);
   * ```
   */
  static from<T>(input: WatchReceiver<T>): Stream<T>;
  /**
   * Makes a stream of an iterable, an async iterable, a `ReadableStream`, a
   * channel `Receiver` (the stream then owns it: closing the stream closes it),
   * a `JoinSet` (its results as tasks finish; closing the stream aborts the
   * tasks still running) or another stream (returned as is).
   *
   * @typeParam T The items.
   * @param input The source; nothing is read until the stream is consumed.
   * @returns The stream.
   * @throws {TypeError} If `input` is none of those, or a receiver that already has a consumer.
   *
   * @example From a ReadableStream
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const readable = ReadableStream.from(["x", "y"]);
   * assert.deepStrictEqual(await Stream.from(readable).toArray(), ["x", "y"]);
   * ```
   */
  static from<T>(input: StreamInput<T>): Stream<T>;
  static from<T>(
    input: StreamInput<T> | BroadcastReceiver<T> | WatchReceiver<T>,
  ): Stream<T> | Stream<Result<T, Lagged>> {
    if (input instanceof Stream) return input;
    return new Stream(toSource(input as StreamInput<T>));
  }

  /**
   * Makes a stream of a synchronous iterable, trpl's `stream_from_iter`.
   *
   * @typeParam T The items.
   * @param iterable The items; pulled one by one as the stream is consumed.
   * @returns The stream.
   * @throws {TypeError} If `iterable` is not iterable.
   *
   * @example From an array
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const stream = Stream.iter([1, 2, 3]);
   * assert.equal(await stream.next(), 1);
   * ```
   */
  static iter<T>(iterable: Iterable<T>): Stream<T> {
    if (typeof (iterable as Iterable<T> | null)?.[Symbol.iterator] !== "function") {
      throw new TypeError("Cannot make a stream: expected an iterable");
    }
    return new Stream(new IterSource(iterable));
  }

  /**
   * A stream of one item: tokio-stream's `once`.
   *
   * @typeParam T The item.
   * @param item The item, ready at the first pull; the stream then ends.
   * @returns The stream.
   *
   * @example One item
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.once(1).toArray(), [1]);
   * ```
   */
  static once<T>(item: T): Stream<T> {
    return new Stream(new OnceSource(item));
  }

  /**
   * A stream that ends at once: tokio-stream's `empty`.
   *
   * @typeParam T The items it would have.
   * @returns The stream.
   *
   * @example No items
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.empty<number>().toArray(), []);
   * ```
   */
  static empty<T = never>(): Stream<T> {
    return new Stream<T>(new EmptySource());
  }

  /**
   * A stream that never yields and never ends: tokio-stream's `pending`.
   * It holds no timer, so dropping it (or leaving it) leaves nothing behind.
   *
   * @typeParam T The items it would have.
   * @returns The stream.
   *
   * @example Nothing, ever
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import { TestClock } from "@weft/weft/testing";
   * import assert from "node:assert/strict";
   *
   * using clock = TestClock.install();
   * const items = Stream.pending<number>().merge(Stream.once(1)).take(2).toArray();
   * await clock.tick(1_000);
   * let settled = false;
   * items.then(() => settled = true);
   * await clock.tick(0);
   * assert.equal(settled, false);
   * ```
   */
  static pending<T = never>(): Stream<T> {
    return new Stream<T>(new PendingSource());
  }

  /**
   * Merges any number of streams: futures-util's `select_all`. Items come
   * from whichever stream has one; a stream is polled again only once it
   * woke, and one that just yielded goes behind the others that are ready,
   * so busy streams take turns (unlike chained `merge`, which favours the
   * last ones). Each stream is closed as soon as it ends; the merge ends
   * when all have; closing the merge closes every stream.
   *
   * @typeParam T The items.
   * @param streams Streams or anything `Stream.from` accepts (moved into the merge).
   * @returns The merged stream.
   * @throws {TypeError} If `streams` is not iterable, or one of them was moved or is not a source.
   *
   * @example Four streams, fairly
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const merged = Stream.mergeAll([["a1", "a2"], ["b1", "b2"], ["c1"]]);
   * assert.deepStrictEqual(await merged.toArray(), ["a1", "b1", "c1", "a2", "b2"]);
   * ```
   */
  static mergeAll<T>(streams: Iterable<StreamInput<T>>): Stream<T> {
    if (typeof (streams as Iterable<unknown> | null)?.[Symbol.iterator] !== "function") {
      throw new TypeError("Cannot merge: expected an iterable of streams");
    }
    const inputs = [...streams];
    const sources = inputs.map((input) => Stream.#sourceOf(input, "merge"));
    return new Stream(new MergeAllSource(sources));
  }

  /**
   * Pulls the next item, trpl's `stream.next().await`:
   * `while ((x = await stream.next()) !== undefined)`.
   *
   * @returns The next item, or `undefined` once the stream has ended.
   * @throws {TypeError} If the stream was moved into a combinator or a consumer.
   *
   * @example The trpl loop in one line
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const stream = Stream.iter(["a", "b"]);
   * const seen: string[] = [];
   * for (let x; (x = await stream.next()) !== undefined;) seen.push(x);
   * assert.deepStrictEqual(seen, ["a", "b"]);
   * ```
   */
  next(): Promise<T | undefined> {
    const cursor = this.#cursorFor("pull the next item");
    let result;
    try {
      result = cursor.pull();
    } catch (error) {
      return Promise.reject(error);
    }
    if (result === PENDING) return cursor.wait().then((result) => ended(cursor, result));
    return Promise.resolve(ended(cursor, result));
  }

  /**
   * Iterates the stream; breaking out of the loop closes every upstream stage.
   *
   * @throws {TypeError} If the stream was already iterated or moved.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated) throw spent("iterate");
    const cursor = this.#cursorFor("iterate");
    this.#iterated = true;
    return new StreamIterator(cursor);
  }

  /** Closes the stream and every upstream stage; harmless if already closed. */
  close(): void {
    const source = this.#source;
    this.#source = null;
    source?.close();
    this.#cursor?.close();
  }

  /** Closes the stream, as `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /**
   * Applies `f` to each item.
   *
   * @typeParam U The new items.
   * @param f The mapping; if it throws, the stream ends with that error.
   * @returns The mapped stream (this stream is moved into it).
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   *
   * @example Transform each item
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([1, 2]).map((n) => n + 1).toArray(), [2, 3]);
   * ```
   */
  map<U>(f: (item: T) => U): Stream<U> {
    checkFunction(f, "map");
    return new Stream(new MapSource(this.#take("map"), f));
  }

  /**
   * Keeps the items for which `predicate` returns a truthy value.
   *
   * @param predicate The test.
   * @returns The filtered stream.
   * @throws {TypeError} If `predicate` is not a function or the stream was moved.
   *
   * @example Keep some items
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([1, 2, 3]).filter((n) => n !== 2).toArray(), [1, 3]);
   * ```
   */
  filter(predicate: (item: T) => unknown): Stream<T> {
    checkFunction(predicate, "filter");
    return new Stream(new FilterSource(this.#take("filter"), predicate));
  }

  /**
   * Maps each item and drops those mapped to `undefined` (Rust's `None`).
   *
   * @typeParam U The new items.
   * @param f The mapping.
   * @returns The new stream.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   *
   * @example Parse, dropping failures
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const parsed = await Stream.iter(["1", "x", "3"])
   *   .filterMap((s) => Number.isNaN(Number(s)) ? undefined : Number(s))
   *   .toArray();
   * assert.deepStrictEqual(parsed, [1, 3]);
   * ```
   */
  filterMap<U>(f: (item: T) => U | undefined): Stream<U> {
    checkFunction(f, "filterMap");
    return new Stream(new FilterMapSource(this.#take("filterMap"), f));
  }

  /**
   * Maps each item through an async function, with at most `concurrency`
   * calls in flight (futures-util's `map(f).buffered(n)`, or
   * `.buffer_unordered(n)` with `ordered: false`); the defaults, one at a
   * time in order, are tokio-stream's `then` (a method named `then` would
   * make every stream a thenable, so it is named `mapAsync`).
   *
   * - `f(item, { signal })` is called when the item is pulled; the source is
   *   pulled only while fewer than `concurrency` results are held
   *   (backpressure). A plain value is ready at once.
   * - Ordered: results come in source order, each as soon as it and every
   *   one before it has settled. Unordered: in the order they settle.
   * - On error (a rejection or a throw of `f`): the stream ends with it, after
   *   the results before it (ordered) or at once (unordered); every call
   *   still in flight is cancelled (its `signal` aborts).
   * - On close or cancel: every call in flight has its `signal` aborted; late
   *   results are dropped.
   *
   * @typeParam U The new items.
   * @param f The async mapping.
   * @param options `concurrency` and `ordered`.
   * @returns The new stream.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   * @throws {RangeError} If `concurrency` is not an integer >= 1 or `Infinity`.
   *
   * @example Await a function per item
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const doubled = await Stream.iter([1, 2]).mapAsync(async (n) => n * 2).toArray();
   * assert.deepStrictEqual(doubled, [2, 4]);
   * ```
   *
   * @example Eight at a time, as they finish
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import { sleep } from "@weft/weft/task";
   * import { TestClock } from "@weft/weft/testing";
   * import assert from "node:assert/strict";
   *
   * using clock = TestClock.install();
   * const done = Stream.iter([30, 10, 20])
   *   .mapAsync(async (ms, { signal }) => {
   *     await sleep(ms, { signal });
   *     return `${ms} at ${clock.elapsed}`;
   *   }, { concurrency: 8, ordered: false })
   *   .toArray();
   * await clock.tick(30);
   * assert.deepStrictEqual(await done, ["10 at 10", "20 at 20", "30 at 30"]);
   * ```
   */
  mapAsync<U>(f: AsyncMapper<T, U>, options?: MapAsyncOptions): Stream<U> {
    checkFunction(f, "mapAsync");
    const limit = checkLimit(options?.concurrency ?? 1, "mapAsync");
    const ordered = options?.ordered ?? true;
    return new Stream(mapAsyncSource(this.#take("mapAsync"), f, limit, ordered));
  }

  /**
   * Runs the work items of this stream with at most `n` in flight and yields
   * their results in source order: futures-util's `buffered`. An item is a
   * promise, or a function `(signal) => promise` started when it is pulled.
   * The source is pulled only while fewer than `n` results are held; a
   * rejection ends the stream after the results before it and aborts the
   * signals of the rest; closing the stream aborts them too.
   *
   * @param n At most this many in flight: an integer >= 1, or `Infinity`.
   * @returns The stream of results.
   * @throws {RangeError} If `n` is not an integer >= 1 or `Infinity`.
   * @throws {TypeError} If the stream was moved.
   *
   * @example Two requests at a time, results in order
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import { sleep } from "@weft/weft/task";
   * import { TestClock } from "@weft/weft/testing";
   * import assert from "node:assert/strict";
   *
   * using clock = TestClock.install();
   * const fetchLike = (ms: number) => (signal: AbortSignal) => sleep(ms, { signal }).then(() => ms);
   * const done = Stream.iter([20, 10, 5].map(fetchLike)).buffered(2).toArray();
   * await clock.tick(25);
   * assert.deepStrictEqual(await done, [20, 10, 5]);
   * ```
   */
  buffered(n: number): Stream<WorkResult<T>> {
    const limit = checkLimit(n, "buffer");
    return new Stream(new BufferedSource(this.#take("buffered"), limit, startWork<WorkResult<T>>));
  }

  /**
   * Like `buffered`, but yields each result as soon as it settles
   * (futures-util's `buffer_unordered`); a rejection ends the stream at once
   * and aborts the signals of the rest.
   *
   * @param n At most this many in flight: an integer >= 1, or `Infinity`.
   * @returns The stream of results, in the order they settle.
   * @throws {RangeError} If `n` is not an integer >= 1 or `Infinity`.
   * @throws {TypeError} If the stream was moved.
   *
   * @example The fastest first
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import { sleep } from "@weft/weft/task";
   * import { TestClock } from "@weft/weft/testing";
   * import assert from "node:assert/strict";
   *
   * using clock = TestClock.install();
   * const fetchLike = (ms: number) => (signal: AbortSignal) => sleep(ms, { signal }).then(() => ms);
   * const done = Stream.iter([20, 10, 5].map(fetchLike)).bufferUnordered(2).toArray();
   * await clock.tick(25);
   * assert.deepStrictEqual(await done, [10, 5, 20]);
   * ```
   */
  bufferUnordered(n: number): Stream<WorkResult<T>> {
    const limit = checkLimit(n, "buffer");
    return new Stream(
      new BufferUnorderedSource(
        this.#take("bufferUnordered"),
        limit,
        startWork<WorkResult<T>>,
      ),
    );
  }

  /**
   * Yields the first `n` items and ends at the instant the n-th is yielded,
   * without waiting for the source; `take(0)` never pulls its source.
   *
   * @param n How many items, an integer >= 0.
   * @returns The shortened stream.
   * @throws {RangeError} If `n` is negative or not an integer.
   *
   * @example Keep the first items
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([1, 2, 3]).take(2).toArray(), [1, 2]);
   * ```
   */
  take(n: number): Stream<T> {
    checkCount(n, "take");
    return new Stream(new TakeSource(this.#take("take"), n));
  }

  /**
   * Yields items while `predicate` holds; the first failing item is dropped
   * and the stream ends.
   *
   * @param predicate The test.
   * @returns The shortened stream.
   * @throws {TypeError} If `predicate` is not a function or the stream was moved.
   *
   * @example Stop at the first failing item
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([1, 2, 5, 1]).takeWhile((n) => n < 3).toArray(), [1, 2]);
   * ```
   */
  takeWhile(predicate: (item: T) => unknown): Stream<T> {
    checkFunction(predicate, "takeWhile");
    return new Stream(new TakeWhileSource(this.#take("takeWhile"), predicate));
  }

  /**
   * Drops the first `n` items.
   *
   * @param n How many, an integer >= 0.
   * @returns The stream without them.
   * @throws {RangeError} If `n` is negative or not an integer.
   *
   * @example Drop the first items
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([1, 2, 3]).skip(2).toArray(), [3]);
   * ```
   */
  skip(n: number): Stream<T> {
    checkCount(n, "skip");
    return new Stream(new SkipSource(this.#take("skip"), n));
  }

  /**
   * Drops items while `predicate` holds, then passes everything.
   *
   * @param predicate The test.
   * @returns The stream from the first failing item on.
   * @throws {TypeError} If `predicate` is not a function or the stream was moved.
   *
   * @example Drop a leading run
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([1, 5, 1]).skipWhile((n) => n < 3).toArray(), [5, 1]);
   * ```
   */
  skipWhile(predicate: (item: T) => unknown): Stream<T> {
    checkFunction(predicate, "skipWhile");
    return new Stream(new SkipWhileSource(this.#take("skipWhile"), predicate));
  }

  /**
   * Interleaves this stream with `other`: items come from either as they
   * become ready; when both have one ready they alternate, a "which side
   * first" flag flipping on every poll (tokio-stream's rule). Ends when both
   * have ended; each side is closed as soon as it ends.
   *
   * @typeParam U The other stream's items.
   * @param other A stream or anything `Stream.from` accepts.
   * @returns The merged stream.
   * @throws {TypeError} If either stream was moved.
   *
   * @example Interleave two streams
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const merged = await Stream.iter([1, 2]).merge(Stream.iter(["a", "b"])).toArray();
   * assert.deepStrictEqual(merged, [1, "a", 2, "b"]);
   * ```
   */
  merge<U>(other: StreamInput<U>): Stream<T | U> {
    if ((other as unknown) === this) throw spent("merge");
    this.#check("merge");
    const theirs = Stream.#sourceOf(other, "merge");
    return new Stream(new MergeSource(this.#take("merge"), theirs));
  }

  /**
   * Yields every item of this stream, then every item of `other`.
   *
   * @typeParam U The other stream's items.
   * @param other A stream or anything `Stream.from` accepts; not pulled before this one ends.
   * @returns The chained stream.
   * @throws {TypeError} If either stream was moved.
   *
   * @example One stream after another
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([1]).chain([2, 3]).toArray(), [1, 2, 3]);
   * ```
   */
  chain<U>(other: StreamInput<U>): Stream<T | U> {
    if ((other as unknown) === this) throw spent("chain");
    this.#check("chain");
    const theirs = Stream.#sourceOf(other, "chain");
    return new Stream(new ChainSource(this.#take("chain"), theirs));
  }

  /**
   * Ends for good after the source's first end (closing the source then).
   *
   * @returns The fused stream.
   * @throws {TypeError} If the stream was moved.
   *
   * @example End for good
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const stream = Stream.iter([1]).fuse();
   * assert.equal(await stream.next(), 1);
   * assert.equal(await stream.next(), undefined);
   * assert.equal(await stream.next(), undefined);
   * ```
   */
  fuse(): Stream<T> {
    return new Stream(new FuseSource(this.#take("fuse")));
  }

  /**
   * Spaces items at least `ms` apart. It delays, never drops: the first item
   * passes at once; after each item the source is not pulled for `ms`, so
   * items arriving meanwhile wait upstream, and the end of the source is also
   * noticed only after the wait. `ms = 0` passes through.
   *
   * @param ms The spacing in milliseconds.
   * @returns The throttled stream.
   * @throws {RangeError} If `ms` is negative, NaN or infinite.
   *
   * @example Three quick items, 100 ms apart
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import { TestClock } from "@weft/weft/testing";
   * import assert from "node:assert/strict";
   *
   * using clock = TestClock.install();
   * const times: number[] = [];
   * const done = Stream.iter(["a", "b", "c"]).throttle(100).forEach(() => times.push(clock.elapsed));
   * await clock.tick(500);
   * await done;
   * assert.deepStrictEqual(times, [0, 100, 200]);
   * ```
   */
  throttle(ms: number): Stream<T> {
    checkDuration(ms, "throttle");
    return new Stream(new ThrottleSource(this.#take("throttle"), ms));
  }

  /**
   * Marks silences longer than `ms`: items pass as `{ ok: true, value }`; when
   * no item came within `ms` of the previous one (or of this call), one
   * `{ ok: false, error: Elapsed }` is yielded and the stream goes on. At most
   * one `Elapsed` per gap; an item already available wins over an expired
   * deadline; the stream ends when its source ends. The deadline starts now,
   * when `timeout()` is called.
   *
   * @param ms The longest allowed gap in milliseconds.
   * @returns The stream of results.
   * @throws {RangeError} If `ms` is negative, NaN or infinite.
   *
   * @example Mark silences
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const results = await Stream.iter([1]).timeout(10).toArray();
   * assert.deepStrictEqual(results, [{ ok: true, value: 1 }]);
   * ```
   */
  timeout(ms: number): Stream<Result<T, Elapsed>> {
    checkDuration(ms, "set a timeout");
    return new Stream(new TimeoutSource(this.#take("timeout"), ms));
  }

  /**
   * Like `timeout`, but yields an `Elapsed` for every `ms` of silence, not
   * once per gap (tokio-stream's `timeout_repeating` with an interval of `ms`
   * that restarts at each item).
   *
   * @param ms The period in milliseconds, > 0.
   * @returns The stream of results.
   * @throws {RangeError} If `ms` is not a finite number > 0.
   *
   * @example Mark every silent period
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const results = await Stream.iter(["x"]).timeoutRepeating(10).toArray();
   * assert.deepStrictEqual(results, [{ ok: true, value: "x" }]);
   * ```
   */
  timeoutRepeating(ms: number): Stream<Result<T, Elapsed>> {
    checkPeriod(ms, "set a repeating timeout");
    return new Stream(new TimeoutRepeatingSource(this.#take("timeoutRepeating"), ms));
  }

  /**
   * Gathers items into arrays of at most `maxSize`, yielding a chunk when it is
   * full, when `ms` have passed since its first item, or when the source ends.
   * No empty chunk is yielded.
   *
   * @param maxSize The largest chunk, an integer >= 1.
   * @param ms How long a partial chunk may wait, in milliseconds.
   * @returns The stream of chunks.
   * @throws {RangeError} If `maxSize` is not an integer >= 1 or `ms` is not a valid duration.
   *
   * @example Batch by size
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const chunks = await Stream.iter([1, 2, 3]).chunksTimeout(2, 50).toArray();
   * assert.deepStrictEqual(chunks, [[1, 2], [3]]);
   * ```
   */
  chunksTimeout(maxSize: number, ms: number): Stream<T[]> {
    checkCount(maxSize, "chunk");
    if (maxSize < 1) throw new RangeError("Cannot chunk: the chunk size must be at least 1, got 0");
    checkDuration(ms, "chunk");
    return new Stream(new ChunksTimeoutSource(this.#take("chunksTimeout"), maxSize, ms));
  }

  /**
   * Pairs this stream's items with `other`'s: futures-util's `zip`. Each
   * poll pulls whichever side has no item waiting; a pair comes out once both
   * have one. Ends as soon as either side ends (an item of the other side
   * then waiting is dropped); both sides are closed then.
   *
   * @typeParam U The other stream's items.
   * @param other A stream or anything `Stream.from` accepts.
   * @returns The stream of `[mine, theirs]` pairs.
   * @throws {TypeError} If either stream was moved.
   *
   * @example Pair two streams
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const pairs = await Stream.iter([1, 2, 3]).zip(["a", "b"]).toArray();
   * assert.deepStrictEqual(pairs, [[1, "a"], [2, "b"]]);
   * ```
   */
  zip<U>(other: StreamInput<U>): Stream<[T, U]> {
    if ((other as unknown) === this) throw spent("zip");
    this.#check("zip");
    const theirs = Stream.#sourceOf(other, "zip");
    return new Stream(new ZipSource(this.#take("zip"), theirs));
  }

  /**
   * Maps each item to a stream and yields that stream's items, one inner
   * stream at a time: futures-util's `flat_map`. The next item is pulled only
   * once the current inner stream has ended (and been closed).
   *
   * @typeParam U The inner streams' items.
   * @param f Makes a stream (or anything `Stream.from` accepts) of an item.
   * @returns The flattened stream.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   *
   * @example Expand each item
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const items = await Stream.iter([1, 2]).flatMap((n) => [n, n * 10]).toArray();
   * assert.deepStrictEqual(items, [1, 10, 2, 20]);
   * ```
   */
  flatMap<U>(f: (item: T) => StreamInput<U>): Stream<U> {
    checkFunction(f, "flatMap");
    const open = (item: T) => Stream.#sourceOf(f(item), "flatMap");
    return new Stream(new FlattenSource(this.#take("flatMap"), open));
  }

  /**
   * Yields the items of each inner stream in turn: futures-util's `flatten`.
   * This stream's items must be streams (or anything `Stream.from` accepts).
   *
   * @returns The flattened stream.
   * @throws {TypeError} If the stream was moved; an item that is not a source ends the stream with a `TypeError`.
   *
   * @example Flatten a stream of arrays
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([[1, 2], [3]]).flatten().toArray(), [1, 2, 3]);
   * ```
   */
  flatten(): Stream<Flattened<T>> {
    const open = (item: T) => Stream.#sourceOf(item as StreamInput<Flattened<T>>, "flatten");
    return new Stream(new FlattenSource(this.#take("flatten"), open));
  }

  /**
   * Folds as it goes, yielding each new accumulator: futures-util's `scan`
   * with a synchronous step. `f(acc, item)` returns the next accumulator, or
   * `undefined` (Rust's `None`) to end the stream at once.
   *
   * @typeParam A The accumulator.
   * @param init The starting accumulator.
   * @param f The step.
   * @returns The stream of accumulators.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   *
   * @example Running totals
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const totals = await Stream.iter([1, 2, 3]).scan(0, (sum, n) => sum + n).toArray();
   * assert.deepStrictEqual(totals, [1, 3, 6]);
   * ```
   */
  scan<A>(init: A, f: (acc: A, item: T) => A | undefined): Stream<A> {
    checkFunction(f, "scan");
    return new Stream(new ScanSource(this.#take("scan"), init, f));
  }

  /**
   * Pairs each item with its index, from 0: futures-util's `enumerate`.
   *
   * @returns The stream of `[index, item]` pairs.
   * @throws {TypeError} If the stream was moved.
   *
   * @example Number the items
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter("ab").enumerate().toArray(), [[0, "a"], [1, "b"]]);
   * ```
   */
  enumerate(): Stream<[number, T]> {
    return new Stream(new EnumerateSource(this.#take("enumerate")));
  }

  /**
   * Maps items while `f` returns a value: tokio-stream's `map_while`. The
   * first `undefined` (Rust's `None`) ends the stream; the source is not
   * pulled again.
   *
   * @typeParam U The new items.
   * @param f The mapping.
   * @returns The new stream.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   *
   * @example Parse until the first failure
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const parse = (s: string) => Number.isNaN(Number(s)) ? undefined : Number(s);
   * assert.deepStrictEqual(await Stream.iter(["1", "2", "x", "4"]).mapWhile(parse).toArray(), [1, 2]);
   * ```
   */
  mapWhile<U>(f: (item: T) => U | undefined): Stream<U> {
    checkFunction(f, "mapWhile");
    return new Stream(new MapWhileSource(this.#take("mapWhile"), f));
  }

  /**
   * Gathers items into arrays of `n`: futures-util's `chunks`. A chunk is
   * yielded when full, however long that takes; when the source ends, the
   * partial last chunk is yielded. No empty chunk is yielded.
   *
   * @param n The chunk size, an integer >= 1.
   * @returns The stream of chunks.
   * @throws {RangeError} If `n` is not an integer >= 1.
   *
   * @example Pairs
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([1, 2, 3]).chunks(2).toArray(), [[1, 2], [3]]);
   * ```
   */
  chunks(n: number): Stream<T[]> {
    checkChunk(n, "chunk");
    return new Stream(new ChunksSource(this.#take("chunks"), n, false));
  }

  /**
   * Gathers the items ready now, up to `n` per array: futures-util's
   * `ready_chunks`. A poll that finds the source pending yields the partial
   * chunk at once (if it has any item); no empty chunk is yielded.
   *
   * @param n The largest chunk, an integer >= 1.
   * @returns The stream of chunks.
   * @throws {RangeError} If `n` is not an integer >= 1.
   *
   * @example Batch what is ready
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import { channel } from "@weft/weft/channel";
   * import assert from "node:assert/strict";
   *
   * const [tx, rx] = channel<number>();
   * [1, 2, 3].forEach((n) => tx.send(n));
   * const chunks = Stream.from(rx).readyChunks(10);
   * assert.deepStrictEqual(await chunks.next(), [1, 2, 3]);
   * tx.close();
   * ```
   */
  readyChunks(n: number): Stream<T[]> {
    checkChunk(n, "chunk");
    return new Stream(new ChunksSource(this.#take("readyChunks"), n, true));
  }

  /**
   * Yields items until `future` fulfils: futures-util's `take_until`. Each
   * poll looks at the future first; once it has fulfilled, the stream ends
   * and its source is closed. If the future rejects, the stream ends with
   * that error. Ending on its own first, the stream leaves the future alone.
   * The settlement is seen once the promise's callbacks have run: an item
   * due at the very instant a `sleep` promise resolves still comes out
   * (tokio, which polls the future itself, would end first).
   *
   * @param future A promise, a task handle, or any thenable.
   * @returns The shortened stream.
   * @throws {TypeError} If `future` is not a thenable or the stream was moved.
   *
   * @example Stop at a deadline
   * ```ts
   * import { interval } from "@weft/weft/stream";
   * import { sleep } from "@weft/weft/task";
   * import { TestClock } from "@weft/weft/testing";
   * import assert from "node:assert/strict";
   *
   * using clock = TestClock.install();
   * const ticks = interval(10).takeUntil(sleep(25)).toArray();
   * await clock.tick(30);
   * assert.deepStrictEqual(await ticks, [0, 10, 20]);
   * ```
   */
  takeUntil(future: PromiseLike<unknown>): Stream<T> {
    if (typeof (future as PromiseLike<unknown> | null)?.then !== "function") {
      throw new TypeError("Cannot takeUntil: expected a promise or a thenable");
    }
    return new Stream(new TakeUntilSource(this.#take("takeUntil"), future));
  }

  /**
   * Calls `f` with each item as it passes, and passes it on unchanged:
   * futures-util's `inspect`. If `f` throws, the stream ends with that error.
   *
   * @param f The callback.
   * @returns The same items.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   *
   * @example Log as items pass
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const seen: number[] = [];
   * const items = await Stream.iter([1, 2]).inspect((n) => seen.push(n)).toArray();
   * assert.deepStrictEqual([items, seen], [[1, 2], [1, 2]]);
   * ```
   */
  inspect(f: (item: T) => unknown): Stream<T> {
    checkFunction(f, "inspect");
    return new Stream(new InspectSource(this.#take("inspect"), f));
  }

  /**
   * Makes a stream that can look one item ahead: tokio-stream's `peekable`
   * with futures-util's `next_if`. `peek()` waits for the next item without
   * consuming it; `nextIf(predicate)` consumes it only if it passes.
   *
   * @returns The peekable stream (this stream is moved into it).
   * @throws {TypeError} If the stream was moved.
   *
   * @example Look ahead
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const stream = Stream.iter([1, 2, 3]).peekable();
   * assert.equal(await stream.peek(), 1);
   * assert.equal(await stream.nextIf((n) => n > 1), undefined);
   * assert.equal(await stream.nextIf((n) => n === 1), 1);
   * assert.deepStrictEqual(await stream.toArray(), [2, 3]);
   * ```
   */
  peekable(): Peekable<T> {
    return new PeekableStream(new PeekableSource(this.#take("peekable")));
  }

  /**
   * Consumes the stream into an array.
   *
   * @param options `signal` to stop early; the promise then rejects with `signal.reason`.
   * @returns Every item, in order.
   * @throws {TypeError} If the stream was moved.
   *
   * @example Collect the items
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter("ab").toArray(), ["a", "b"]);
   * ```
   */
  toArray(options?: WaitOptions): Promise<T[]> {
    const items: T[] = [];
    const push = (item: T) => {
      items.push(item);
    };
    return drive(this.#consume("toArray"), options?.signal, push).then(() => items);
  }

  /**
   * Consumes the stream into an array: tokio-stream's `collect`, the same as
   * `toArray`.
   *
   * @param options `signal` to stop early.
   * @returns Every item, in order.
   *
   * @example Collect the items
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.deepStrictEqual(await Stream.iter([3, 4]).collect(), [3, 4]);
   * ```
   */
  collect(options?: WaitOptions): Promise<T[]> {
    return this.toArray(options);
  }

  /**
   * Calls `f` with each item, awaiting it when it returns a promise.
   *
   * @param f The callback; if it throws or rejects, the stream is closed and the promise rejects.
   * @param options `signal` to stop early.
   * @returns A promise that resolves when the stream has ended.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   *
   * @example Visit each item
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * let sum = 0;
   * await Stream.iter([1, 2, 3]).forEach((n) => { sum += n; });
   * assert.equal(sum, 6);
   * ```
   */
  forEach(f: (item: T) => unknown, options?: WaitOptions): Promise<void> {
    checkFunction(f, "forEach");
    return drive(this.#consume("forEach"), options?.signal, f);
  }

  /**
   * Calls `f(item, { signal })` for each item with at most `n` calls in
   * flight, and resolves once the stream has ended and every call has
   * settled: futures-util's `for_each_concurrent`. The stream is pulled only
   * while fewer than `n` calls run. The first rejection rejects the promise
   * and aborts the signals of the calls still running; so does `signal`
   * (rejecting with its reason).
   *
   * @param n At most this many calls at once: an integer >= 1, or `Infinity`.
   * @param f The callback.
   * @param options `signal` to stop early.
   * @returns A promise that resolves when every call has settled.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   * @throws {RangeError} If `n` is not an integer >= 1 or `Infinity`.
   *
   * @example Three at a time
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import { sleep } from "@weft/weft/task";
   * import { TestClock } from "@weft/weft/testing";
   * import assert from "node:assert/strict";
   *
   * using clock = TestClock.install();
   * const ends: number[] = [];
   * const done = Stream.iter([10, 10, 10, 10]).forEachConcurrent(3, async (ms, { signal }) => {
   *   await sleep(ms, { signal });
   *   ends.push(clock.elapsed);
   * });
   * await clock.tick(20);
   * await done;
   * assert.deepStrictEqual(ends, [10, 10, 10, 20]);
   * ```
   */
  forEachConcurrent(n: number, f: AsyncMapper<T, unknown>, options?: WaitOptions): Promise<void> {
    checkFunction(f, "forEachConcurrent");
    const limit = checkLimit(n, "forEachConcurrent");
    const source = mapAsyncSource(this.#take("forEachConcurrent"), f, limit, false);
    return drive(new Consumer(source), options?.signal, ignore);
  }

  /**
   * Folds the items into one value, tokio-stream's `fold`.
   *
   * @typeParam A The accumulator.
   * @param init The starting value.
   * @param f Combines the accumulator and an item.
   * @param options `signal` to stop early.
   * @returns The final accumulator.
   * @throws {TypeError} If `f` is not a function or the stream was moved.
   *
   * @example Sum the items
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.equal(await Stream.iter([1, 2, 3]).fold(0, (sum, n) => sum + n), 6);
   * ```
   */
  fold<A>(init: A, f: (acc: A, item: T) => A, options?: WaitOptions): Promise<A> {
    checkFunction(f, "fold");
    let acc = init;
    const step = (item: T) => {
      acc = f(acc, item);
    };
    return drive(this.#consume("fold"), options?.signal, step).then(() => acc);
  }

  /**
   * Whether any item satisfies `predicate`; stops (and closes the stream) at the first.
   *
   * @param predicate The test.
   * @param options `signal` to stop early.
   * @returns true if an item passed.
   * @throws {TypeError} If `predicate` is not a function or the stream was moved.
   *
   * @example Look for a match
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.equal(await Stream.iter([1, 2, 3]).any((n) => n > 2), true);
   * ```
   */
  any(predicate: (item: T) => unknown, options?: WaitOptions): Promise<boolean> {
    checkFunction(predicate, "any");
    let found = false;
    const test = (item: T) => {
      if (predicate(item)) found = true;
      return found ? STOP : undefined;
    };
    return drive(this.#consume("any"), options?.signal, test).then(() => found);
  }

  /**
   * Whether every item satisfies `predicate`; stops (and closes the stream) at the first failure.
   *
   * @param predicate The test.
   * @param options `signal` to stop early.
   * @returns true if no item failed.
   * @throws {TypeError} If `predicate` is not a function or the stream was moved.
   *
   * @example Check every item
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * assert.equal(await Stream.iter([1, 2, 3]).all((n) => n > 0), true);
   * ```
   */
  all(predicate: (item: T) => unknown, options?: WaitOptions): Promise<boolean> {
    checkFunction(predicate, "all");
    let failed = false;
    const test = (item: T) => {
      if (!predicate(item)) failed = true;
      return failed ? STOP : undefined;
    };
    return drive(this.#consume("all"), options?.signal, test).then(() => !failed);
  }

  /**
   * Exposes the stream as a `ReadableStream`: items are pulled as the reader
   * asks for them (back-pressure), and cancelling the reader closes the stream.
   *
   * @returns The readable stream.
   * @throws {TypeError} If the stream was moved.
   *
   * @example Hand a stream to web APIs
   * ```ts
   * import { Stream } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const readable = Stream.iter([1, 2]).toReadableStream();
   * assert.deepStrictEqual(await Array.fromAsync(readable), [1, 2]);
   * ```
   */
  toReadableStream(): ReadableStream<T> {
    const cursor = this.#consume("toReadableStream");
    return new ReadableStream<T>({
      async pull(controller) {
        const result = await cursor.next();
        if (result === DONE) controller.close();
        else controller.enqueue(result);
      },
      cancel() {
        cursor.close();
        return cursor.cleanedUp();
      },
    }, { highWaterMark: 0 });
  }

  static #sourceOf<U>(input: StreamInput<U>, action: string): Source<U> {
    if (input instanceof Stream) return input.#take(action);
    return toSource(input);
  }

  /** Throws what `#take` would, without moving anything. */
  #check(action: string): void {
    if (this.#source === null && (this.#cursor === null || this.#iterated)) throw spent(action);
  }

  #take(action: string): Source<T> {
    const cursor = this.#cursor;
    if (cursor !== null) {
      this.#cursor = null;
      if (this.#iterated) throw spent(action);
      return cursor.detach();
    }
    const source = this.#source;
    if (source === null) throw spent(action);
    this.#source = null;
    return source;
  }

  #cursorFor(action: string): Consumer<T> {
    if (this.#cursor !== null) return this.#cursor;
    this.#cursor = new Consumer(this.#take(action));
    return this.#cursor;
  }

  #consume(action: string): Consumer<T> {
    return new Consumer(this.#take(action));
  }
}

/**
 * A stream of ticks every `ms`, tokio's `IntervalStream`: the first tick is
 * immediate; each item is the tick's due time in ms since the epoch
 * (`Date.now()` scale). Ticks missed while nobody pulled come back by
 * `missedTickBehavior` (default `"burst"`: back to back). It never ends:
 * bound it with `take` or stop consuming; dropping it clears its timer.
 *
 * @param ms The period in milliseconds, > 0.
 * @param options `missedTickBehavior`.
 * @returns The stream of tick times.
 * @throws {RangeError} If `ms` is not a finite number > 0, or the behaviour is unknown.
 *
 * @example Tick every 10 ms
 * ```ts
 * import { interval } from "@weft/weft/stream";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const ticks = interval(10).take(3).toArray();
 * await clock.tick(50);
 * assert.deepStrictEqual(await ticks, [0, 10, 20]);
 * ```
 *
 * @example A slow consumer with "skip"
 * ```ts
 * import { interval } from "@weft/weft/stream";
 * import { sleep } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const ticks: number[] = [];
 * const done = interval(10, { missedTickBehavior: "skip" }).take(3).forEach(async (t) => {
 *   ticks.push(t);
 *   await sleep(25);
 * });
 * await clock.tick(100);
 * await done;
 * // The late tick (due at 10, taken at 25) still comes; 20 is skipped.
 * assert.deepStrictEqual(ticks, [0, 10, 30]);
 * ```
 */
export function interval(ms: number, options?: IntervalOptions): Stream<number> {
  return makeStream(intervalSource(now(), ms, options));
}

/**
 * Like `interval`, but the first tick is due at `start` (tokio's
 * `interval_at`), a `Date.now()`-scale timestamp; a start in the past ticks
 * at once, then by the missed-tick behaviour.
 *
 * @param start When the first tick is due, in ms since the epoch.
 * @param ms The period in milliseconds, > 0.
 * @param options `missedTickBehavior`.
 * @returns The stream of tick times.
 * @throws {RangeError} If `start` is not finite, `ms` is not a finite number > 0, or the behaviour is unknown.
 *
 * @example Start later
 * ```ts
 * import { intervalAt } from "@weft/weft/stream";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const ticks = intervalAt(Date.now() + 25, 10).take(2).toArray();
 * await clock.tick(50);
 * assert.deepStrictEqual(await ticks, [25, 35]);
 * ```
 */
export function intervalAt(start: number, ms: number, options?: IntervalOptions): Stream<number> {
  return makeStream(intervalSource(start, ms, options));
}

/** Makes the source a stream of a `StreamMap` reads (module-private). */
let streamMapSource: <K, V>(map: StreamMap<K, V>) => Source<[K, V]>;

/**
 * Many streams under keys, read as one stream of `[key, value]` pairs:
 * tokio-stream's `StreamMap`.
 *
 * - Fair: each poll tries every stream once, starting one past where the
 *   previous poll started (tokio starts at a random index; weft rotates, so
 *   timelines are deterministic).
 * - A stream that ends is closed and removed at once; reading ends whenever
 *   the map is empty (a `for await` loop then ends; after an `insert`, the
 *   map can be read again).
 * - `insert` and `remove` may be called while the map is read (from another
 *   task, or from the loop's body): the reader sees the change at once.
 * - Closing the stream of a map (break, `take`, an error, disposal) closes
 *   every stream in it and empties it.
 *
 * @typeParam K The keys (compared with `Object.is`).
 * @typeParam V The items of the streams.
 *
 * @example Keyed streams, one stream of pairs
 * ```ts
 * import { Stream, StreamMap } from "@weft/weft/stream";
 * import assert from "node:assert/strict";
 *
 * const map = new StreamMap<string, number>();
 * map.insert("a", [1, 2]);
 * map.insert("b", [10]);
 * const pairs = await Stream.from(map).toArray();
 * assert.deepStrictEqual(pairs, [["a", 1], ["b", 10], ["a", 2]]);
 * assert.equal(map.size, 0);
 * ```
 */
export class StreamMap<K, V> implements AsyncIterable<[K, V]>, Disposable {
  static {
    streamMapSource = <K, V>(map: StreamMap<K, V>): Source<[K, V]> => map.#state.open("read");
  }

  /** The streams and the poll. */
  readonly #state = new StreamMapState<K, V>();

  /** How many streams the map holds. */
  get size(): number {
    return this.#state.size;
  }

  /**
   * Puts `stream` under `key`.
   *
   * @param key The key.
   * @param stream A stream or anything `Stream.from` accepts (moved into the map).
   * @returns The stream it replaced (still open: close it or read on), or `undefined`.
   * @throws {TypeError} If `stream` is not a source or was moved.
   *
   * @example Replace a stream
   * ```ts
   * import { StreamMap } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<string, number>();
   * assert.equal(map.insert("k", [1]), undefined);
   * const old = map.insert("k", [2]);
   * assert.deepStrictEqual(await old?.toArray(), [1]);
   * ```
   */
  insert(key: K, stream: StreamInput<V>): Stream<V> | undefined {
    const replaced = this.#state.insert(key, sourceOf(stream, "insert"));
    return replaced === undefined ? undefined : makeStream(replaced);
  }

  /**
   * Takes the stream under `key` out of the map.
   *
   * @param key The key.
   * @returns The stream (still open), or `undefined` if there was none.
   *
   * @example Take a stream out
   * ```ts
   * import { StreamMap } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<string, number>();
   * map.insert("k", [1]);
   * assert.deepStrictEqual(await map.remove("k")?.toArray(), [1]);
   * assert.equal(map.has("k"), false);
   * ```
   */
  remove(key: K): Stream<V> | undefined {
    const removed = this.#state.remove(key);
    return removed === undefined ? undefined : makeStream(removed);
  }

  /**
   * Whether `key` has a stream.
   *
   * @param key The key.
   * @returns true if it has.
   *
   * @example Look a key up
   * ```ts
   * import { StreamMap } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<string, number>();
   * map.insert("k", []);
   * assert.equal(map.has("k"), true);
   * ```
   */
  has(key: K): boolean {
    return this.#state.has(key);
  }

  /**
   * The keys, in the map's internal order (a removal moves the last key into its place).
   *
   * @returns The keys.
   *
   * @example List the keys
   * ```ts
   * import { StreamMap } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<string, number>();
   * map.insert("a", []);
   * map.insert("b", []);
   * assert.deepStrictEqual(map.keys(), ["a", "b"]);
   * ```
   */
  keys(): K[] {
    return this.#state.keys();
  }

  /**
   * Pulls the next `[key, value]` pair, without closing anything when the
   * map is empty (tokio's `map.next().await`).
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns The next pair, or `undefined` when the map is empty.
   * @throws {TypeError} If the map is already being read.
   *
   * @example Pull pairs one by one
   * ```ts
   * import { StreamMap } from "@weft/weft/stream";
   * import assert from "node:assert/strict";
   *
   * const map = new StreamMap<string, number>();
   * assert.equal(await map.next(), undefined);
   * map.insert("k", [7]);
   * assert.deepStrictEqual(await map.next(), ["k", 7]);
   * ```
   */
  async next(options?: WaitOptions): Promise<[K, V] | undefined> {
    return await pullOnce(this.#state.openPull("pull the next pair"), options);
  }

  /** Iterates the map's pairs as `Stream.from(map)` does. */
  [Symbol.asyncIterator](): AsyncIterator<[K, V]> {
    return Stream.from(this)[Symbol.asyncIterator]();
  }

  /** Closes every stream in the map and empties it. */
  [Symbol.dispose](): void {
    this.#state.clear();
  }
}

/** The stage of an input: a `StreamMap` here, anything else by its adapter. */
function toSource<T>(input: StreamInput<T>): Source<T> {
  if (input instanceof StreamMap) return streamMapSource(input) as Source<T>;
  return inputSource(input);
}
