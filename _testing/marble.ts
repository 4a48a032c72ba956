/**
 * Internal: the marble syntax and its parser, shared by the marble helpers
 * that `testing.ts` re-exports ({@linkcode source}, {@linkcode timeline},
 * {@linkcode expectTimeline}).
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
 * This file holds the options every helper shares ({@linkcode MarbleOptions}),
 * the parsed form of a marble and the parser that turns a marble into timed
 * events.
 *
 * @module
 */

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

/** One event of a parsed marble or of an observed timeline. */
export interface MarbleEvent {
  /** Virtual ms since the start. */
  at: number;
  /** An item, the end, or a failure. */
  kind: "next" | "complete" | "error";
  /** The item, or the error. */
  value: unknown;
}

/** A marble once parsed. */
export interface ParsedMarble {
  /** The letters and terminals, in order. */
  tokens: { frame: number; char: string }[];
  /** How many frames it spans, trailing silence included. */
  frames: number;
}

/** The characters that end a marble: the end of the stream and its failure. */
const TERMINALS = "|#";
/** The characters that stand for an item. */
export const LETTER = /^[A-Za-z0-9]$/;

/** Parses `marble`; throws a TypeError naming the bad character. */
export function parseMarble(marble: unknown, action: string): ParsedMarble {
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
export function toEvents<T>(
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

/** The frame length of `options.frame` (1 ms by default); throws naming `action` if it is bad. */
export function checkFrame(frame: unknown, action: string): number {
  if (frame === undefined) return 1;
  if (typeof frame !== "number") {
    throw new TypeError(`Cannot ${action}: the frame must be a number, got ${typeof frame}`);
  }
  if (!Number.isFinite(frame) || frame <= 0) {
    throw new RangeError(`Cannot ${action}: the frame must be a finite number > 0, got ${frame}`);
  }
  return frame;
}
