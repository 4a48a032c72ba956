/**
 * examples/crawler.ts under virtual time: its whole progress timeline, with
 * and without a fatal error, under each fast fake clock.
 */
import { crawl } from "../examples/crawler.ts";
import { type ClockKind, FAST_CLOCKS, underClock } from "./conformance/clocks.ts";
import { assert, assertEquals } from "./_assert.ts";
import { watch } from "./_helpers.ts";

/** `[virtual ms, line]` with the bar stripped: counts are what the timeline pins down. */
type Line = [number, string];

const FULL: Line[] = [
  [0, "0/200 fetched, 0 in flight, 1 waiting"],
  [100, "3/200 fetched, 4 in flight, 0 waiting"],
  [200, "7/200 fetched, 8 in flight, 0 waiting"],
  [300, "17/200 fetched, 8 in flight, 10 waiting"],
  [400, "27/200 fetched, 8 in flight, 20 waiting"],
  [500, "35/200 fetched, 8 in flight, 28 waiting"],
  [600, "45/200 fetched, 8 in flight, 38 waiting"],
  [700, "56/200 fetched, 8 in flight, 49 waiting"],
  [800, "65/200 fetched, 8 in flight, 58 waiting"],
  [900, "76/200 fetched, 8 in flight, 69 waiting"],
  [1000, "87/200 fetched, 8 in flight, 72 waiting"],
  [1100, "96/200 fetched, 8 in flight, 73 waiting"],
  [1200, "106/200 fetched, 8 in flight, 73 waiting"],
  [1300, "116/200 fetched, 8 in flight, 67 waiting"],
  [1400, "125/200 fetched, 8 in flight, 58 waiting"],
  [1500, "138/200 fetched, 8 in flight, 45 waiting"],
  [1600, "147/200 fetched, 8 in flight, 40 waiting"],
  [1700, "157/200 fetched, 8 in flight, 35 waiting"],
  [1800, "167/200 fetched, 8 in flight, 25 waiting"],
  [1900, "178/200 fetched, 8 in flight, 14 waiting"],
  [2000, "187/200 fetched, 8 in flight, 5 waiting"],
  [2100, "197/200 fetched, 3 in flight, 0 waiting"],
  [2200, "200/200 fetched, 0 in flight, 0 waiting"],
];

const FATAL_AT_57: Line[] = [
  ...FULL.slice(0, 7),
  // Two pages found at 640 were never fetched: their tasks were aborted by
  // the shutdown before they started, as tokio drops a task never polled.
  [640, "48/200 fetched, 0 in flight, 2 waiting"],
  [640, "stopped: page 57: 500 Internal Server Error"],
];

async function crawlUnder(kind: ClockKind, fatalPage?: number) {
  return await underClock(kind, async (clock) => {
    const lines: Line[] = [];
    const print = (line: string) => lines.push([clock.elapsed, line.replace(/^\[[#.]+\] /, "")]);
    const done = watch(crawl({ print, ...(fatalPage === undefined ? {} : { fatalPage }) }));
    await clock.tick(5_000);
    assertEquals(done.status, "fulfilled");
    return { lines, result: done.value!, pendingTimers: clock.pendingTimers };
  });
}

for (const kind of FAST_CLOCKS) {
  Deno.test(`crawler fetches 200 pages, at most 8 in flight, on this timeline (${kind})`, async () => {
    const { lines, result, pendingTimers } = await crawlUnder(kind);
    assertEquals(lines, FULL);
    assertEquals([result.fetched, result.maxInFlight, pendingTimers], [200, 8, 0]);
  });

  Deno.test(`crawler stops everything at the first fatal error (${kind})`, async () => {
    const { lines, result, pendingTimers } = await crawlUnder(kind, 57);
    assertEquals(lines, FATAL_AT_57);
    assert(result.error instanceof Error);
    assertEquals([result.fetched, pendingTimers], [48, 0]);
  });
}
