import { PENDING } from "../../_runtime/poll.ts";
import { interval, intervalAt, type MissedTickBehavior } from "../../stream.ts";
import { IntervalSource } from "../../stream/interval.ts";
import { sleep } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import { assertNoTimers, assertTimeline, CUTOFF, END, timeline } from "./_helpers.ts";

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

// -- tokio: time_interval.rs (missed-tick behaviours, with intervalAt) --

/** tokio's `check_interval_poll!`: polls the interval until it is pending; the ticks' offsets. */
function poll(source: IntervalSource, start: number): number[] {
  const ticks: number[] = [];
  const cx = { wake() {} };
  for (let item; (item = source.poll(cx)) !== PENDING;) ticks.push((item as number) - start);
  return ticks;
}

async function missedTicks(
  behavior: MissedTickBehavior,
  advances = [100, 200, 650, 200, 100, 250, 300],
): Promise<number[][]> {
  using clock = TestClock.install();
  const start = Date.now();
  // As tokio's test: the clock is 1 ms ahead, so that ticks due at an advance's end are seen.
  await clock.tick(1);
  const i = new IntervalSource(start, 300, behavior);
  const seen = [poll(i, start)];
  for (const ms of advances) {
    await clock.tick(ms);
    seen.push(poll(i, start));
  }
  i.close();
  assertNoTimers(clock);
  return seen;
}

Deno.test("burst", async () => {
  assertEquals(await missedTicks("burst"), [[0], [], [300], [600, 900], [], [1200], [1500], [
    1800,
  ]]);
});

Deno.test("delay", async () => {
  // tokio's delay test advances 201 where the others advance 200: the schedule moved to now.
  const advances = [100, 200, 650, 100, 201, 300, 300];
  assertEquals(await missedTicks("delay", advances), [
    [0],
    [],
    [300],
    [600],
    [],
    [1251],
    [1551],
    [1851],
  ]);
});

Deno.test("skip", async () => {
  assertEquals(await missedTicks("skip"), [[0], [], [300], [600], [], [1200], [1500], [1800]]);
});

// -- Missed ticks in a timeline --

Deno.test("interval() with a slow consumer: burst catches up, delay shifts, skip drops", async () => {
  const slow = (behavior: MissedTickBehavior) => async () => {
    using clock = TestClock.install();
    const ticks: number[] = [];
    const done = interval(10, { missedTickBehavior: behavior }).take(4).forEach(async (t) => {
      ticks.push(clock.elapsed * 1000 + t);
      await sleep(25);
    });
    await clock.tick(200);
    await done;
    assertNoTimers(clock);
    return ticks.map((x) => [Math.floor(x / 1000), x % 1000]);
  };
  // [when it was taken, its due time]
  assertEquals(await slow("burst")(), [[0, 0], [25, 10], [50, 20], [75, 30]]);
  assertEquals(await slow("delay")(), [[0, 0], [25, 10], [50, 35], [75, 60]]);
  assertEquals(await slow("skip")(), [[0, 0], [25, 10], [50, 30], [75, 60]]);
});

Deno.test("intervalAt() ticks first at its start, and at once for a start in the past", async () => {
  await assertTimeline(() => intervalAt(Date.now() + 25, 10).take(2), [[25, 25], [35, 35], [
    35,
    END,
  ]]);
  await assertTimeline(() => intervalAt(Date.now() - 15, 10).take(3), [[0, -15], [0, -5], [5, 5], [
    5,
    END,
  ]]);
});

Deno.test("intervalAt() and interval() reject a bad start or behaviour at the call", () => {
  assertThrows(() => intervalAt(NaN, 10), RangeError, "Cannot make an interval");
  assertThrows(() => intervalAt(0, 0), RangeError, "Cannot make an interval");
  assertThrows(
    () => interval(10, { missedTickBehavior: "later" as MissedTickBehavior }),
    RangeError,
    "Cannot make an interval",
  );
});
