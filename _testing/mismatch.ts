/**
 * Internal: the failure message of {@linkcode expectTimeline} when the
 * timelines differ: both marbles drawn one above the other with a caret
 * under the first difference, then both as `ms value` event lists.
 *
 * @module
 */
import { inspect, isDeepStrictEqual } from "node:util";
import { LETTER, type MarbleEvent, type MarbleOptions } from "./marble.ts";

/** What a mismatch message needs besides the two event lists. */
export interface Mismatch<T> {
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
export function mismatchMessage<T>(
  want: MarbleEvent[],
  got: MarbleEvent[],
  m: Mismatch<T>,
): string {
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
