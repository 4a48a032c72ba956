/**
 * Internal: {@linkcode expectTimeline}, re-exported by `testing.ts`: records
 * an input's timeline and compares it, event by event, with the one a marble
 * draws; the failure message is rendered by `mismatch.ts`.
 *
 * @module
 */
import { AssertionError } from "node:assert";
import { isDeepStrictEqual } from "node:util";
import type { TestClock } from "../testing.ts";
import {
  checkFrame,
  type MarbleEvent,
  type MarbleOptions,
  parseMarble,
  toEvents,
} from "./marble.ts";
import { mismatchMessage } from "./mismatch.ts";
import { clockOf, type Timeline, timeline, type TimelineInput } from "./timeline.ts";

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

// -- Comparing --

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
