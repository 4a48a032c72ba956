import { Elapsed, type Result, Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertNoTimers,
  assertTimeline,
  END,
  feed,
  timeline,
} from "./_helpers.ts";

function text<T>(result: Result<T, Elapsed>): string {
  return result.ok ? String(result.value) : String(result.error);
}

function timed(events: [number, string][], closeAt: number | null, ms: number): Stream<string> {
  return feed(events, { closeAt }).stream.timeoutRepeating(ms).map(text);
}

const E = "Elapsed(())";

// -- Timing --

Deno.test("timeoutRepeating() yields an Elapsed for every d of silence", async () => {
  await assertTimeline(
    () => timed([[10, "a"], [55, "b"]], 100, 20),
    [[10, "a"], [30, E], [50, E], [55, "b"], [75, E], [95, E], [100, END]],
  );
});

Deno.test("timeoutRepeating() starts counting at the call", async () => {
  using clock = TestClock.install();
  const stream = timed([[50, "a"]], 60, 20);
  await clock.tick(5);
  assertEquals(await timeline(stream, clock, 1_000), [[20, E], [40, E], [50, "a"], [60, END]]);
  assertNoTimers(clock);
});

Deno.test("timeoutRepeating(): a tick on the same instant as an item yields Elapsed first", async () => {
  await assertTimeline(
    () => timed([[40, "a"]], 45, 20),
    [[20, E], [40, E], [40, "a"], [45, END]],
  );
});

Deno.test("timeoutRepeating() yields the Elapsed of ticks missed while nobody pulled at once", async () => {
  using clock = TestClock.install();
  const stream = timed([[0, "a"]], null, 20);
  assertEquals(await stream.next(), "a");
  await clock.tick(70);
  assertEquals([await stream.next(), await stream.next(), await stream.next()], [E, E, E]);
  assertEquals(clock.elapsed, 70);
  assertEquals(await timeline(stream, clock, 15), [[80, E], [85, "<CUTOFF>"]]);
  assertNoTimers(clock);
});

Deno.test("timeoutRepeating() ends as soon as its source ends", async () => {
  await assertTimeline(() => timed([[10, "a"]], 25, 20), [[10, "a"], [25, END]]);
});

Deno.test("timeoutRepeating()'s errors are Elapsed", async () => {
  using clock = TestClock.install();
  const stream = feed([], { closeAt: 30 }).stream.timeoutRepeating(20);
  const [result] = (await timeline(stream, clock, 100))[0]!.slice(1) as [Result<never, Elapsed>];
  assert(!result.ok && result.error instanceof Elapsed);
});

// -- Cancellation --

Deno.test("breaking out of a timeoutRepeating() loop closes the source and clears the timer", async () => {
  await assertBreakCloses((source) => source.timeoutRepeating(3), 1);
  await assertBreakCloses((source) => source.timeoutRepeating(3), 6);
});

Deno.test("an error upstream of timeoutRepeating() ends the stream after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).timeoutRepeating(3)
  );
});

// -- Bad input --

Deno.test("timeoutRepeating() with a period that is not a finite number > 0 is a RangeError", async () => {
  const stream = Stream.iter([1]);
  for (const ms of [0, -1, NaN, Infinity, "10"]) {
    const error = assertThrows(
      () => stream.timeoutRepeating(ms as number),
      RangeError,
      "Cannot set a repeating timeout",
    );
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.timeoutRepeating(10).toArray(), [{ ok: true, value: 1 }]);
});

Deno.test("timeoutRepeating() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.timeoutRepeating(1);
  assertThrows(() => stream.timeoutRepeating(1), TypeError, "Cannot timeoutRepeating");
});
