/**
 * Combinator timings written as marbles: one character per frame, the source
 * above, the timeline the consumer sees below (see `source`/`expectTimeline`
 * in testing.ts).
 */
import type { Result } from "../../stream.ts";
import { expectTimeline, source, TestClock } from "../../testing.ts";
import { assertEquals } from "../_assert.ts";

/** Draws a `timeout()` item as its value, or `E` for `Elapsed`. */
function orE(result: Result<string, unknown>): string {
  return result.ok ? result.value : "E";
}

// -- throttle --

Deno.test("throttle() delays a burst, never drops an item", async () => {
  using _clock = TestClock.install();
  const burst = source("(abc)|", { frame: 100 });
  await expectTimeline(burst.throttle(200), "a-b-c-|", { frame: 100 });
});

Deno.test("throttle() passes items already far enough apart", async () => {
  using _clock = TestClock.install();
  await expectTimeline(source("a--b--c|").throttle(3), "a--b--c--|");
});

Deno.test("throttle() notices the end only after its delay", async () => {
  using _clock = TestClock.install();
  await expectTimeline(source("(a|)").throttle(4), "a---|");
});

// -- timeout --

Deno.test("timeout() inserts one Elapsed per gap and goes on", async () => {
  using _clock = TestClock.install();
  const items = source("a-------b|", { frame: 10 }).timeout(20).map(orE);
  await expectTimeline(items, "a-E-----b|", { frame: 10 });
});

Deno.test("timeout() restarts its deadline at each item", async () => {
  using _clock = TestClock.install();
  const items = source("a-b-c----d|").timeout(3).map(orE);
  await expectTimeline(items, "a-b-c--E-d|");
});

Deno.test("timeout() ends as soon as its source ends", async () => {
  using _clock = TestClock.install();
  await expectTimeline(source("a-|").timeout(1).map(orE), "aE|");
});

// -- merge --

Deno.test("merge() interleaves both sides as their items come", async () => {
  using _clock = TestClock.install();
  const left = source("a---c|");
  const right = source("-b---d|");
  await expectTimeline(left.merge(right), "ab--cd|");
});

Deno.test("merge() ends when both sides have ended", async () => {
  using _clock = TestClock.install();
  const left = source("a|");
  const right = source("--b----|");
  await expectTimeline(left.merge(right), "a-b----|");
});

// -- take --

Deno.test("take() ends at the instant the n-th item is yielded", async () => {
  using clock = TestClock.install();
  await expectTimeline(source("a-b-c-d|").take(2), "a-(b|)");
  // The source was closed: its producer's next send fails and it stops.
  await clock.tick(10);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("take() of a merged pipeline, listing 17-40's shape", async () => {
  using _clock = TestClock.install();
  const frame = 100;
  const messages = source("-a---b---c|", { frame }).timeout(200).map(orE);
  const intervals = source("0123456789", { frame }).throttle(200);
  await expectTimeline(messages.merge(intervals).take(5), "0a1E(2|)", { frame });
});
