/**
 * Internal: marble diagrams for async streams, re-exported by `testing.ts`.
 *
 * A marble is a timeline drawn as text, one character per frame of virtual
 * time, in the spirit of RxJS's marble tests but for `AsyncIterable`s,
 * promises and weft's tasks under {@linkcode TestClock}:
 *
 * - `-` is one frame of silence;
 * - a letter or digit is an item, at its frame;
 * - `|` is the end of the stream, `#` its failure;
 * - `(ab)` puts several items in one frame (`(b|)`: an item, then the end,
 *   at the same instant); the group takes one frame, however wide;
 * - spaces are ignored, so marbles can be aligned in the source code.
 *
 * @module
 */
import { AssertionError } from "node:assert";
import { inspect, isDeepStrictEqual } from "node:util";
import { channel, type Sender, SendError } from "../channel.ts";
import { Stream } from "../stream.ts";
import { sleep, spawnTask } from "../task.ts";
import type { TestClock } from "../testing.ts";
import { installedClock, type VirtualClock } from "../_runtime/virtual_time.ts";

/**
 * Options shared by every marble helper. The same object can describe a
 * {@linkcode source} and what {@linkcode expectTimeline} expects of it.
 *
 * @typeParam T The items the letters stand for.
 *
 * @example Letters that stand for numbers, a frame of 10 ms, a chosen error
 * ```ts
 * import { type MarbleOptions, source, TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const options: MarbleOptions<number> = {
 *   frame: 10,
 *   values: { a: 1, b: 2 },
 *   error: new RangeError("sensor lost"),
 * };
 * const seen: [number, number][] = [];
 * const done = source("a-b#", options)
 *   .forEach((n) => seen.push([clock.elapsed, n]))
 *   .catch((error: unknown) => error);
 * await clock.tick(100);
 * assert.deepStrictEqual(seen, [[0, 1], [20, 2]]);
 * assert.equal(await done, options.error);
 * ```
 */
export interface MarbleOptions<T> {
  /**
   * How many virtual milliseconds one character of the marble stands for.
   * @default {1}
   */
  frame?: number;
  /**
   * The value of each letter; without it, a letter stands for itself (a
   * one-character string). When given, every letter used must be in it.
   */
  values?: Readonly<Record<string, T>>;
  /**
   * What `#` stands for: the error a {@linkcode source} fails with, or the
   * error {@linkcode expectTimeline} expects (compared deeply). Without it, a
   * source fails with `Error("marble source failed")` and `#` matches any error.
   */
  error?: unknown;
}

/**
 * Options of {@linkcode expectTimeline}: those of every marble helper, and
 * the clock to advance.
 *
 * @typeParam T The items the letters stand for.
 *
 * @example Expect numbers, 10 ms a frame, on a given clock
 * ```ts
 * import { type ExpectTimelineOptions, expectTimeline, TestClock } from "@weft/weft/testing";
 * import { Stream } from "@weft/weft/stream";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const options: ExpectTimelineOptions<number> = { clock, frame: 10, values: { x: 1, y: 2 } };
 * await expectTimeline(Stream.iter([1, 2]).throttle(10), "xy|", options);
 * // It advanced the clock to the marble's last frame: 2 frames of 10 ms.
 * assert.equal(clock.elapsed, 20);
 * ```
 */
export interface ExpectTimelineOptions<T> extends MarbleOptions<T> {
  /**
   * The clock to advance.
   * @default {the installed TestClock}
   */
  clock?: TestClock;
}

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

/** One event of a parsed marble or of an observed timeline. */
interface MarbleEvent {
  /** Virtual ms since the start. */
  at: number;
  /** An item, the end, or a failure. */
  kind: "next" | "complete" | "error";
  /** The item, or the error. */
  value: unknown;
}

/** A marble once parsed. */
interface ParsedMarble {
  /** The letters and terminals, in order. */
  tokens: { frame: number; char: string }[];
  /** How many frames it spans, trailing silence included. */
  frames: number;
}

const TERMINALS = "|#";
const LETTER = /^[A-Za-z0-9]$/;
const DEFAULT_ERROR_MESSAGE = "marble source failed";

/**
 * Makes a stream that yields the items of `marble` at their frames, as a
 * producer task sending into a channel does (the shape of listing 17-40's
 * producers and of weft's conformance cases).
 *
 * - The clock starts when `source` is called: a letter at frame k is sent at
 *   k × `frame` ms from now, whether or not the stream is being read yet
 *   (items wait in the channel).
 * - `|` closes the channel: the stream ends once the items before it are read.
 *   `#` makes it fail with `options.error` at that frame. With neither, it
 *   never ends.
 * - When the consumer closes the stream, the producer's next send fails and
 *   the producer stops, leaving no timer behind.
 *
 * @typeParam T The items; without `values`, the letters themselves (strings).
 * @param marble The timeline, e.g. `"-a-b--|"`.
 * @param options `frame` (ms per character, default 1), `values`, `error`.
 * @returns The stream.
 * @throws {TypeError} If `marble` is not a valid marble or a letter has no value.
 * @throws {RangeError} If `frame` is not a finite number > 0.
 *
 * @example A timed source, read under the test clock
 * ```ts
 * import { source, TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const seen: [number, number][] = [];
 * const done = source("-a--b|", { frame: 100, values: { a: 1, b: 2 } })
 *   .forEach((n) => seen.push([clock.elapsed, n]));
 * await clock.tick(1_000);
 * await done;
 * assert.deepStrictEqual(seen, [[100, 1], [400, 2]]);
 * ```
 */
export function source<T = string>(marble: string, options: MarbleOptions<T> = {}): Stream<T> {
  const frame = checkFrame(options.frame, "make the source");
  const parsed = parseMarble(marble, "make the source");
  const events = toEvents(parsed, frame, options, "make the source");
  const [tx, rx] = channel<T>();
  const start = Date.now();
  spawnTask(() => produce(tx, events, start));
  const stream = Stream.from(rx);
  if (!events.some((event) => event.kind === "error")) return stream;
  const error = "error" in options ? options.error : new Error(DEFAULT_ERROR_MESSAGE);
  return stream.chain(Stream.iter(failing<T>(error)));
}

async function produce<T>(tx: Sender<T>, events: MarbleEvent[], start: number): Promise<void> {
  for (const event of events) {
    await sleep(Math.max(0, start + event.at - Date.now()));
    if (event.kind !== "next") return tx.close();
    try {
      tx.send(event.value as T);
    } catch (error) {
      if (error instanceof SendError) return;
      throw error;
    }
  }
}

/** An iterable whose first `next()` throws `error`: `#` after the channel ends. */
function failing<T>(error: unknown): Iterable<T> {
  return {
    [Symbol.iterator]: (): Iterator<T> => ({
      next: (): IteratorResult<T> => {
        throw error;
      },
    }),
  };
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

/**
 * Asserts that `input` yields exactly the timeline `expected`, advancing the
 * test clock itself.
 *
 * - The input is watched from now until the last frame of `expected`
 *   (trailing `-` count): the clock advances by (frames - 1) × `frame` ms.
 *   An input still running then is closed; nothing later is asserted.
 * - Items are compared with the letters' values (deep, strict equality),
 *   frame by frame; an item between two frames never matches.
 * - On a mismatch it throws an `AssertionError` whose first line names the
 *   first differing event with its expected and actual times; then the
 *   expected and the actual timeline one above the other, column by column,
 *   with a caret under that difference (and a note when both marbles look
 *   the same, the times differing within a frame), then both as `ms value`
 *   lists with that event marked `>>...<<`.
 *
 * @typeParam T The items.
 * @param input A stream, anything `Stream.from` accepts, or a promise (one item, then `|`).
 * @param expected The timeline it must yield, e.g. `"-a-(bc)|"`.
 * @param options `frame`, `values`, `error` as in {@linkcode source}, and the clock.
 * @returns A promise that resolves when the timeline matched.
 * @throws {AssertionError} (as a rejection) If the timelines differ.
 * @throws {TypeError} (as a rejection) If `expected` is not a valid marble or no clock is installed.
 * @throws {RangeError} (as a rejection) If `frame` is not a finite number > 0.
 *
 * @example Assert a pipeline's timeline
 * ```ts
 * import { expectTimeline, source, TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using _clock = TestClock.install();
 * const doubled = source("-a-b|", { values: { a: 1, b: 2 } }).map((n) => n * 2);
 * await expectTimeline(doubled, "-x-y|", { values: { x: 2, y: 4 } });
 *
 * // throttle() delays, never drops: b comes 2 frames after a, not 1.
 * const error = await expectTimeline(source("ab|").throttle(2), "ab|")
 *   .catch((e: Error) => e);
 * assert.ok(error instanceof assert.AssertionError);
 * assert.match(error.message, /\nexpected  ab\|\nactual    a-b\n {11}\^\n/);
 * ```
 */
export async function expectTimeline<T>(
  input: TimelineInput<T>,
  expected: string,
  options: ExpectTimelineOptions<T> = {},
): Promise<void> {
  const frame = checkFrame(options.frame, "expect the timeline");
  const parsed = parseMarble(expected, "expect the timeline");
  const want = toEvents(parsed, frame, options, "expect the timeline");
  // Checked here, so the error names this call.
  clockOf(options.clock, "expect the timeline");
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const seen = await timeline(input, (parsed.frames - 1) * frame, clock);
  const got = observedEvents(seen);
  const first = firstDifference(want, got, "error" in options);
  if (first === -1) return;
  const message = mismatchMessage(want, got, { frame, frames: parsed.frames, first, options });
  throw new AssertionError({ message, actual: got, expected: want });
}

// -- Parsing --

/** Parses `marble`; throws a TypeError naming the bad character. */
function parseMarble(marble: unknown, action: string): ParsedMarble {
  if (typeof marble !== "string") {
    throw new TypeError(`Cannot ${action}: the marble must be a string, got ${typeof marble}`);
  }
  const tokens: { frame: number; char: string }[] = [];
  const fail = (why: string) => new TypeError(`Cannot ${action}: ${why} in marble "${marble}"`);
  let frame = 0;
  let group: number | null = null;
  let ended = false;
  for (let index = 0; index < marble.length; index++) {
    const char = marble[index]!;
    if (char.trim() === "") continue;
    if (ended && char !== ")") throw fail(`'${char}' at index ${index} follows the end`);
    if (char === "(") {
      if (group !== null) throw fail(`'(' at index ${index} opens a group inside a group`);
      group = index;
    } else if (char === ")") {
      if (group === null) throw fail(`')' at index ${index} closes no group`);
      if (!tokens.some((token) => token.frame === frame)) {
        throw fail(`the group at index ${group} is empty`);
      }
      group = null;
      frame++;
    } else if (char === "-") {
      if (group !== null) throw fail(`'-' at index ${index} is inside a group`);
      frame++;
    } else if (LETTER.test(char) || TERMINALS.includes(char)) {
      tokens.push({ frame, char });
      ended = TERMINALS.includes(char);
      if (group === null) frame++;
    } else {
      throw fail(`unknown character '${char}' at index ${index}`);
    }
  }
  if (group !== null) throw fail(`the group at index ${group} is not closed`);
  if (frame === 0) throw fail("no frame");
  return { tokens, frames: frame };
}

/** Turns tokens into timed events with their values. */
function toEvents<T>(
  parsed: ParsedMarble,
  frame: number,
  options: MarbleOptions<T>,
  action: string,
): MarbleEvent[] {
  const values = options.values;
  if (values !== undefined && (typeof values !== "object" || values === null)) {
    throw new TypeError(`Cannot ${action}: values must be an object`);
  }
  return parsed.tokens.map(({ frame: index, char }): MarbleEvent => {
    const at = index * frame;
    if (char === "|") return { at, kind: "complete", value: undefined };
    if (char === "#") return { at, kind: "error", value: options.error };
    if (values === undefined) return { at, kind: "next", value: char };
    if (!Object.hasOwn(values, char)) {
      throw new TypeError(`Cannot ${action}: no value for '${char}' in values`);
    }
    return { at, kind: "next", value: values[char] };
  });
}

function checkFrame(frame: unknown, action: string): number {
  if (frame === undefined) return 1;
  if (typeof frame !== "number") {
    throw new TypeError(`Cannot ${action}: the frame must be a number, got ${typeof frame}`);
  }
  if (!Number.isFinite(frame) || frame <= 0) {
    throw new RangeError(`Cannot ${action}: the frame must be a finite number > 0, got ${frame}`);
  }
  return frame;
}

function clockOf(clock: TestClock | undefined, action: string): VirtualClock {
  const found = clock ?? installedClock();
  if (found === null) throw new TypeError(`Cannot ${action}: no TestClock is installed`);
  return found;
}

function isPromiseLike<T>(input: unknown): input is PromiseLike<T> {
  return typeof (input as PromiseLike<T> | null)?.then === "function";
}

// -- Comparing and rendering --

function observedEvents<T>(seen: Timeline<T>): MarbleEvent[] {
  const events: MarbleEvent[] = seen.items.map(([at, value]) => ({ at, kind: "next", value }));
  if (seen.end === null) return events;
  if (seen.failed) events.push({ at: seen.end, kind: "error", value: seen.error });
  else events.push({ at: seen.end, kind: "complete", value: undefined });
  return events;
}

/** The index of the first event that differs, or -1 if none does. */
function firstDifference(want: MarbleEvent[], got: MarbleEvent[], checkError: boolean): number {
  const length = Math.max(want.length, got.length);
  for (let index = 0; index < length; index++) {
    const a = want[index];
    const b = got[index];
    if (a === undefined || b === undefined) return index;
    if (a.at !== b.at || a.kind !== b.kind) return index;
    if (a.kind === "next" && !isDeepStrictEqual(a.value, b.value)) return index;
    if (a.kind === "error" && checkError && !sameError(a.value, b.value)) return index;
  }
  return -1;
}

function sameError(a: unknown, b: unknown): boolean {
  return a === b || isDeepStrictEqual(a, b);
}

interface Mismatch<T> {
  /** ms per character. */
  frame: number;
  /** Frames of the expected marble. */
  frames: number;
  /** Index of the first differing event. */
  first: number;
  /** For rendering items as letters. */
  options: MarbleOptions<T>;
}

/**
 * The failure message: the first differing event with its times, both
 * marbles aligned with a caret under it (and a note when the marbles look the
 * same: the times differ within a frame), then both event lists, the first
 * differing event marked `>>...<<`.
 */
function mismatchMessage<T>(want: MarbleEvent[], got: MarbleEvent[], m: Mismatch<T>): string {
  const wantCells = cells(want, m);
  const gotCells = cells(got, m);
  const columns = Math.max(wantCells.length, gotCells.length);
  let top = "";
  let bottom = "";
  let caret = "";
  const at = Math.min(want[m.first]?.at ?? Infinity, got[m.first]?.at ?? Infinity);
  const firstCell = Math.floor(at / m.frame);
  for (let column = 0; column < columns; column++) {
    const a = wantCells[column] ?? "";
    const b = gotCells[column] ?? "";
    const width = Math.max(a.length, b.length);
    if (column === firstCell) caret = " ".repeat(top.length) + "^";
    top += a.padEnd(width);
    bottom += b.padEnd(width);
  }
  if (top.trimEnd() === bottom.trimEnd()) {
    const sameTime = want[m.first]?.at === got[m.first]?.at;
    caret += ` the marbles look the same: the ${sameTime ? "values" : "times"} differ`;
    if (!sameTime) caret += " within a frame";
  }
  return [
    `Cannot match the timeline: event ${m.first + 1} differs: expected ${
      describe(want[m.first])
    }, actual ${describe(got[m.first])} (frame ${m.frame} ms)`,
    `expected  ${top.trimEnd()}`,
    `actual    ${bottom.trimEnd()}`,
    `          ${caret}`,
    `expected events (ms value): ${listEvents(want, m.first)}`,
    `actual events   (ms value): ${listEvents(got, m.first)}`,
  ].join("\n");
}

/** An event and its time, for the first line of a mismatch. */
function describe(event: MarbleEvent | undefined): string {
  if (event === undefined) return "nothing";
  if (event.kind === "complete") return `the end (|) at ${event.at} ms`;
  if (event.kind === "error") return `an error (#) at ${event.at} ms`;
  return `${show(event.value)} at ${event.at} ms`;
}

/** One marble cell per frame: "-", a letter, or a group such as "(b|)". */
function cells<T>(events: MarbleEvent[], m: Mismatch<T>): string[] {
  const ended = events.some((event) => event.kind !== "next");
  const last = events.reduce((max, event) => Math.max(max, Math.floor(event.at / m.frame)), -1);
  const count = ended ? last + 1 : Math.max(m.frames, last + 1);
  const byFrame: string[][] = Array.from({ length: count }, () => []);
  for (const event of events) byFrame[Math.floor(event.at / m.frame)]!.push(symbol(event, m));
  return byFrame.map((chars) => {
    if (chars.length === 0) return "-";
    if (chars.length === 1) return chars[0]!;
    return `(${chars.join("")})`;
  });
}

/** The character an event is drawn with; `?` for an item no letter stands for. */
function symbol<T>(event: MarbleEvent, m: Mismatch<T>): string {
  if (event.kind === "complete") return "|";
  if (event.kind === "error") return "#";
  const values = m.options.values;
  if (values === undefined) {
    const text = event.value;
    return typeof text === "string" && LETTER.test(text) ? text : "?";
  }
  for (const [letter, value] of Object.entries(values)) {
    if (isDeepStrictEqual(value, event.value)) return letter;
  }
  return "?";
}

function listEvents(events: MarbleEvent[], first: number): string {
  if (events.length === 0) return "(none)";
  return events.map((event, index) => {
    let text = `${event.at} ${show(event.value)}`;
    if (event.kind === "complete") text = `${event.at} |`;
    if (event.kind === "error") text = `${event.at} # ${show(event.value)}`;
    return index === first ? `>>${text}<<` : text;
  }).join(", ");
}

function show(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: Infinity });
}
