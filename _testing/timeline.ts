/**
 * Internal: {@linkcode timeline}, re-exported by `testing.ts`: records what
 * an input (a stream, an iterable, a promise) yields, and when, while it
 * advances the test clock; with its options, input and result types.
 *
 * @module
 */
import { Stream } from "../stream.ts";
import type { TestClock } from "../testing.ts";
import { installedClock, type VirtualClock } from "../_runtime/virtual_time.ts";

/**
 * Options of {@linkcode timeline}.
 *
 * @example Record on a given clock
 * ```ts
 * import { TestClock, timeline, type TimelineOptions } from "@weft/weft/testing";
 * import { sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const options: TimelineOptions = { clock };
 * const seen = await timeline(sleep(30).then(() => "woke"), 50, options);
 * assert.deepStrictEqual(seen.items, [[30, "woke"]]);
 * assert.equal(clock.elapsed, 50);
 * ```
 */
export interface TimelineOptions {
  /**
   * The clock to advance.
   * @default {the installed TestClock}
   */
  clock?: TestClock;
}

/**
 * What {@linkcode timeline} and {@linkcode expectTimeline} watch: a `Stream`,
 * a channel `Receiver`, any async or sync iterable, a `ReadableStream`, or a
 * promise (a task's `JoinHandle` included), which is one item and its end.
 *
 * @typeParam T The items.
 *
 * @example An array, a web stream and a task, watched alike
 * ```ts
 * import { TestClock, timeline, type TimelineInput } from "@weft/weft/testing";
 * import { sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * using _clock = TestClock.install();
 * async function itemsOf(input: TimelineInput<number>): Promise<[number, number][]> {
 *   return (await timeline(input, 10)).items;
 * }
 * assert.deepStrictEqual(await itemsOf([1, 2]), [[0, 1], [0, 2]]);
 * assert.deepStrictEqual(await itemsOf(ReadableStream.from([3])), [[0, 3]]);
 * assert.deepStrictEqual(await itemsOf(spawnTask(() => sleep(5).then(() => 4))), [[5, 4]]);
 * ```
 */
export type TimelineInput<T> =
  | AsyncIterable<T>
  | Iterable<T>
  | ReadableStream<T>
  | PromiseLike<T>;

/**
 * What {@linkcode timeline} saw, in virtual ms since it was called.
 *
 * @typeParam T The items.
 *
 * @example A failed source, and one still running at the cut-off
 * ```ts
 * import { source, TestClock, type Timeline, timeline } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using _clock = TestClock.install();
 * const failed: Timeline<string> = await timeline(source("-a-#"), 10);
 * assert.deepStrictEqual(failed.items, [[1, "a"]]);
 * assert.deepStrictEqual([failed.end, failed.failed], [3, true]);
 * assert.equal((failed.error as Error).message, "marble source failed");
 *
 * const running: Timeline<string> = await timeline(source("a---b"), 2);
 * assert.deepStrictEqual(running.items, [[0, "a"]]);
 * assert.deepStrictEqual([running.end, running.failed], [null, false]);
 * ```
 */
export interface Timeline<T> {
  /** `[ms, item]` for every item, in order. */
  readonly items: [number, T][];
  /** When the input ended (completed or failed); null if still running at the cut-off. */
  readonly end: number | null;
  /** Whether it ended with an error. */
  readonly failed: boolean;
  /** The error, if it failed. */
  readonly error: unknown;
}

/**
 * Consumes `input` for `ms` virtual milliseconds under the test clock, which
 * it advances itself, and returns what it yielded and when.
 *
 * - Times are virtual ms since the call. The clock ends `ms` later, whether
 *   or not the input ended earlier.
 * - An input still running at the cut-off is closed (a `Stream`'s upstream is
 *   closed, an iterator returned), so producers stop and no timer is left.
 * - A promise (or a task's `JoinHandle`) is an input of one item and its end.
 *
 * @typeParam T The items.
 * @param input A stream, anything `Stream.from` accepts, or a promise.
 * @param ms How long to watch, in virtual ms.
 * @param options The clock (default: the installed one).
 * @returns The items with their times, and how and when the input ended.
 * @throws {TypeError} If no clock is installed or `input` cannot be consumed.
 * @throws {RangeError} If `ms` is negative or not finite.
 *
 * @example Record a throttled source
 * ```ts
 * import { source, TestClock, timeline } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using _clock = TestClock.install();
 * const seen = await timeline(source("(abc)|").throttle(10), 100);
 * assert.deepStrictEqual(seen.items, [[0, "a"], [10, "b"], [20, "c"]]);
 * assert.equal(seen.end, 30);
 * ```
 */
export async function timeline<T>(
  input: TimelineInput<T>,
  ms: number,
  options: TimelineOptions = {},
): Promise<Timeline<T>> {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`Cannot record the timeline: ms must be a finite number >= 0, got ${ms}`);
  }
  const clock = clockOf(options.clock, "record the timeline");
  const recorder = new Recorder<T>(clock);
  const stop = isPromiseLike(input) ? recorder.watchPromise(input) : recorder.watchStream(input);
  await clock.tick(ms);
  if (recorder.end === null) stop();
  await clock.settle();
  return recorder.result();
}

/** Collects what an input yields, against a clock. */
class Recorder<T> {
  /** The clock read for every event. */
  readonly #clock: VirtualClock;
  /** `clock.elapsed` at the start. */
  readonly #start: number;
  /** `[ms, item]` so far. */
  readonly #items: [number, T][] = [];
  /** When the input ended, or null. */
  end: number | null = null;
  /** Whether it failed. */
  #failed = false;
  /** Its error. */
  #error: unknown = undefined;

  constructor(clock: VirtualClock) {
    this.#clock = clock;
    this.#start = clock.elapsed;
  }

  /** Reads `input` in the background; returns what closes it at the cut-off. */
  watchStream(input: AsyncIterable<T> | Iterable<T> | ReadableStream<T>): () => void {
    const stream = Stream.from(input);
    const iterator = stream[Symbol.asyncIterator]();
    const loop = async (): Promise<void> => {
      for (let result; !(result = await iterator.next()).done;) this.#item(result.value);
    };
    let stopped = false;
    loop().then(() => stopped || this.#finish(false, undefined), (e) => this.#finish(true, e));
    return () => {
      stopped = true;
      stream.close();
    };
  }

  /** Waits for `promise` in the background; nothing to close at the cut-off. */
  watchPromise(promise: PromiseLike<T>): () => void {
    promise.then((value) => {
      this.#item(value);
      this.#finish(false, undefined);
    }, (error) => this.#finish(true, error));
    return () => {};
  }

  result(): Timeline<T> {
    return { items: this.#items, end: this.end, failed: this.#failed, error: this.#error };
  }

  #item(value: T): void {
    this.#items.push([this.#clock.elapsed - this.#start, value]);
  }

  #finish(failed: boolean, error: unknown): void {
    this.end = this.#clock.elapsed - this.#start;
    this.#failed = failed;
    this.#error = error;
  }
}

/** The clock to advance: `clock`, or the installed one; throws naming `action` if there is none. */
export function clockOf(clock: TestClock | undefined, action: string): VirtualClock {
  const found = clock ?? installedClock();
  if (found === null) throw new TypeError(`Cannot ${action}: no TestClock is installed`);
  return found;
}

function isPromiseLike<T>(input: unknown): input is PromiseLike<T> {
  return typeof (input as PromiseLike<T> | null)?.then === "function";
}
