import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertTimeline, END, feed } from "./_helpers.ts";
import { assertNoTimers, Probe, timeline } from "./_helpers.ts";

// -- Timing --

Deno.test("zip() yields a pair once both sides have an item", async () => {
  await assertTimeline<[string, number]>(
    () =>
      feed([[10, "a"], [20, "b"], [30, "c"]]).stream.zip(
        feed([[25, 1], [26, 2]], { closeAt: 60 }).stream,
      ),
    [[25, ["a", 1]], [26, ["b", 2]], [60, END]],
  );
});

Deno.test("zip() ends as soon as either side ends, dropping an item waiting for its pair", async () => {
  await assertTimeline<[string, number]>(
    () =>
      feed([[10, "a"], [20, "b"]], { closeAt: 100 }).stream.zip(
        feed([[5, 1]], { closeAt: 15 }).stream,
      ),
    [[10, ["a", 1]], [15, END]],
  );
  await assertTimeline<[number, string]>(() => Stream.iter([1, 2, 3]).zip(["x"]), [[0, [1, "x"]], [
    0,
    END,
  ]]);
});

// -- Cancellation --

Deno.test("a zip() that ends closes both sides once", async () => {
  using clock = TestClock.install();
  const left = new Probe([[10, 1], [20, 2]], null);
  const right = new Probe([[10, "a"]]);
  const entries = await timeline(Stream.from(left).zip(right), clock, 100);
  assertEquals(entries, [[10, [1, "a"]], [10, END]]);
  assertEquals([left.returns, right.returns], [1, 0]);
  await clock.runAll();
  assertNoTimers(clock);
});

Deno.test("breaking out of a zip() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.zip(Stream.iter(["x", "y", "z"])), 2);
});

Deno.test("zip() with itself or a moved stream is a TypeError", () => {
  const s = Stream.iter([1]);
  assertThrows(() => s.zip(s), TypeError);
});
