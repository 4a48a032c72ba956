import { interval } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import { assertNoTimers, CUTOFF, END, timeline } from "./_helpers.ts";

// -- Timing --

Deno.test("interval() ticks at once, then every period", async () => {
  using clock = TestClock.install();
  assertEquals(await timeline(interval(100).take(4), clock), [
    [0, 0],
    [100, 100],
    [200, 200],
    [300, 300],
    [300, END],
  ]);
  assertNoTimers(clock);
});

Deno.test("interval() yields due times on the Date.now() scale", async () => {
  const start = 1_700_000_000_000;
  using clock = TestClock.install({ now: start });
  assertEquals(await timeline(interval(250).take(2), clock), [
    [0, start],
    [250, start + 250],
    [250, END],
  ]);
});

Deno.test("interval() never ends by itself", async () => {
  using clock = TestClock.install();
  assertEquals(await timeline(interval(10), clock, 35), [
    [0, 0],
    [10, 10],
    [20, 20],
    [30, 30],
    [35, CUTOFF],
  ]);
  assertNoTimers(clock);
});

Deno.test("interval() bursts the ticks missed while nobody pulled", async () => {
  using clock = TestClock.install();
  const ticks = interval(100);
  assertEquals(await ticks.next(), 0);
  await clock.tick(350);
  assertEquals([await ticks.next(), await ticks.next(), await ticks.next()], [100, 200, 300]);
  assertEquals(clock.elapsed, 350);
  const fourth = watch(ticks.next());
  await clock.tick(49);
  assertEquals(fourth.status, "pending");
  await clock.tick(1);
  assertEquals([fourth.status, fourth.value], ["fulfilled", 400]);
  ticks.close();
  assertNoTimers(clock);
});

Deno.test("interval() counts from the call, not from the first pull", async () => {
  using clock = TestClock.install();
  const ticks = interval(40);
  assertNoTimers(clock);
  await clock.tick(100);
  assertEquals(await timeline(ticks.take(5), clock), [
    [100, 0],
    [100, 40],
    [100, 80],
    [120, 120],
    [160, 160],
    [160, END],
  ]);
});

Deno.test("interval() with a fractional period fires at whole ms and keeps exact due times", async () => {
  using clock = TestClock.install();
  assertEquals(await timeline(interval(1.5).take(4), clock, 100), [
    [0, 0],
    [2, 1.5],
    [3, 3],
    [5, 4.5],
    [5, END],
  ]);
  assertNoTimers(clock);
});

// -- Cancellation --

Deno.test("breaking out of an interval loop clears its timer", async () => {
  using clock = TestClock.install();
  const seen: number[] = [];
  const done = (async () => {
    for await (const tick of interval(10)) {
      seen.push(tick);
      if (seen.length === 3) break;
    }
  })();
  await clock.tick(100);
  await done;
  assertEquals(seen, [0, 10, 20]);
  assertNoTimers(clock);
});

Deno.test("close() ends a pending next() of an interval and clears its timer", async () => {
  using clock = TestClock.install();
  const ticks = interval(1_000);
  assertEquals(await ticks.next(), 0);
  const pending = watch(ticks.next());
  await clock.tick(10);
  assertEquals(clock.pendingTimers, 1);
  ticks.close();
  await clock.tick(0);
  assertEquals([pending.status, pending.value], ["fulfilled", undefined]);
  assertNoTimers(clock);
});

// -- Bad input --

Deno.test("interval() rejects a period that is not a finite number > 0", () => {
  for (const ms of [0, -1, NaN, Infinity, -Infinity]) {
    const error = assertThrows(() => interval(ms), RangeError, "Cannot make an interval");
    assertEquals(error.message.startsWith("Cannot "), true);
  }
});
