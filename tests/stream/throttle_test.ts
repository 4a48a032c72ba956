import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertNoTimers,
  assertTimeline,
  END,
  feed,
  Probe,
  timeline,
} from "./_helpers.ts";

// -- Timing --

Deno.test("throttle() delays, never drops: a burst comes out d apart", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [1, "b"], [2, "c"], [3, "d"]], { closeAt: 5 }).stream.throttle(100),
    [[0, "a"], [100, "b"], [200, "c"], [300, "d"], [400, END]],
  );
});

Deno.test("throttle() passes the first item as soon as it is available, however late", async () => {
  await assertTimeline(
    () => feed([[400, "a"], [401, "b"]], { closeAt: 402 }).stream.throttle(250),
    [[400, "a"], [650, "b"], [900, END]],
  );
});

Deno.test("throttle() passes at once an item that comes after the delay is over", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [150, "b"], [180, "c"]], { closeAt: 400 }).stream.throttle(100),
    [[0, "a"], [150, "b"], [250, "c"], [400, END]],
  );
});

Deno.test("throttle() notices the end of its source only after the delay", async () => {
  await assertTimeline(
    () => feed([[0, "a"]], { closeAt: 10 }).stream.throttle(100),
    [[0, "a"], [100, END]],
  );
  await assertTimeline(() => Stream.iter(["a", "b"]).throttle(50), [[0, "a"], [50, "b"], [
    100,
    END,
  ]]);
});

Deno.test("throttle() of a source that ends before its first item ends at once", async () => {
  await assertTimeline(() => feed([], { closeAt: 30 }).stream.throttle(100), [[30, END]]);
});

Deno.test("throttle() does not pull its source during the delay", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, "a"], [10, "b"]], null);
  const stream = Stream.from(probe).throttle(100);
  assertEquals(await stream.next(), "a");
  const second = watch(stream.next());
  await clock.tick(99);
  assertEquals([second.status, probe.nexts], ["pending", 1]);
  await clock.tick(1);
  assertEquals([second.status, second.value, probe.nexts], ["fulfilled", "b", 2]);
  stream.close();
  assertEquals(probe.returns, 1);
  assertNoTimers(clock);
});

Deno.test("throttle(0) passes everything through on time", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [0, "b"], [10, "c"]], { closeAt: 15 }).stream.throttle(0),
    [[0, "a"], [0, "b"], [10, "c"], [15, END]],
  );
});

Deno.test("throttle() with a fractional delay waits whole milliseconds, rounded up", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [0, "b"], [0, "c"]], { closeAt: 1 }).stream.throttle(1.5),
    [[0, "a"], [2, "b"], [4, "c"], [6, END]],
  );
});

Deno.test("throttle() measures the delay from the previous item, not from the call", async () => {
  using clock = TestClock.install();
  const stream = feed([[0, "a"], [0, "b"]], { closeAt: 0 }).stream.throttle(100);
  await clock.tick(500);
  assertEquals(await timeline(stream, clock, 1_000), [[500, "a"], [600, "b"], [700, END]]);
  assertNoTimers(clock);
});

// -- Cancellation --

Deno.test("breaking out of a throttle() loop during the delay closes the source and clears the timer", async () => {
  await assertBreakCloses((source) => source.throttle(100), 1);
  await assertBreakCloses((source) => source.throttle(100), 2);
});

Deno.test("close() while throttle() waits ends the pending next() and clears the timer", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, "a"], [0, "b"]], null);
  const stream = Stream.from(probe).throttle(1_000);
  assertEquals(await stream.next(), "a");
  const pending = watch(stream.next());
  await clock.tick(10);
  assertEquals(clock.pendingTimers, 1);
  stream.close();
  await clock.tick(0);
  assertEquals([pending.status, pending.value, probe.returns], ["fulfilled", undefined, 1]);
  assertNoTimers(clock);
});

Deno.test("an error upstream of throttle() ends the stream after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).throttle(5)
  );
});

// -- Bad input --

Deno.test("throttle() with a negative, NaN or infinite delay is a RangeError at the call", async () => {
  const stream = Stream.iter([1]);
  for (const ms of [-1, NaN, Infinity, -Infinity, "10"]) {
    const error = assertThrows(() => stream.throttle(ms as number), RangeError, "Cannot throttle");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.throttle(0).toArray(), [1]);
});

Deno.test("throttle() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.throttle(1);
  assertThrows(() => stream.throttle(1), TypeError, "Cannot throttle");
});
