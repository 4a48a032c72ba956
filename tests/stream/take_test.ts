import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertNoTimers,
  assertTimeline,
  collectAll,
  Counted,
  END,
  feed,
  Probe,
  timeline,
} from "./_helpers.ts";

// -- Timing --

Deno.test("take() ends at the instant the n-th item is yielded, without waiting for the source", async () => {
  await assertTimeline(
    () => feed([[10, "a"], [20, "b"], [30, "c"]], { closeAt: null }).stream.take(2),
    [[10, "a"], [20, "b"], [20, END]],
  );
});

Deno.test("take() of more items than the source has ends with the source", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [10, "b"]], { closeAt: 15 }).stream.take(5),
    [[0, "a"], [10, "b"], [15, END]],
  );
});

Deno.test("take(0) ends at once and never pulls its source", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, "a"]], null);
  assertEquals(await timeline(Stream.from(probe).take(0), clock, 100), [[0, END]]);
  assertEquals([probe.iterators, probe.nexts], [0, 0]);
  const counted = new Counted(["a"]);
  assertEquals(await Stream.from(counted).take(0).toArray(), []);
  assertEquals(counted.iterators, 0);
  assertNoTimers(clock);
});

Deno.test("take(0) of a receiver closes it, so the producer's first send throws SendError", async () => {
  using clock = TestClock.install();
  const source = feed([[5, "a"]], { closeAt: null });
  assertEquals(await timeline(source.stream.take(0), clock, 100), [[0, END]]);
  assertEquals([source.sent, source.refused], [[], [[5, "a"]]]);
  assertNoTimers(clock);
});

Deno.test("take() pulls its source exactly n times", async () => {
  const counted = new Counted([1, 2, 3, 4, 5]);
  const stream = Stream.from(counted).take(3);
  assertEquals(await stream.next(), 1);
  assertEquals(await stream.next(), 2);
  assertEquals(await stream.next(), 3);
  assertEquals(await stream.next(), undefined);
  assertEquals(await stream.next(), undefined);
  assertEquals([counted.nexts, counted.returns], [3, 1]);
});

Deno.test("take() of a take() keeps the smaller count", async () => {
  assertEquals(await collectAll(() => Stream.iter([1, 2, 3, 4]).take(3).take(2)), [1, 2]);
  assertEquals(await collectAll(() => Stream.iter([1, 2, 3, 4]).take(2).take(3)), [1, 2]);
  assertEquals(await collectAll(() => Stream.iter([1, 2, 3]).map((n) => n * 2).take(2)), [2, 4]);
});

// -- Cancellation --

Deno.test("take() closes its source at the instant the n-th item is yielded", async () => {
  for (const consume of ["for await", "toArray"] as const) {
    using clock = TestClock.install();
    const probe = new Probe([[0, 1], [10, 2], [20, 3]], null);
    let closedAt: number | undefined;
    const stream = Stream.from(probe).take(2);
    const done = consume === "toArray" ? stream.toArray() : (async () => {
      for await (const _ of stream);
    })();
    done.then(() => closedAt = clock.elapsed);
    await clock.tick(100);
    assertEquals(await done, consume === "toArray" ? [1, 2] : undefined);
    assertEquals([closedAt, probe.nexts, probe.returns], [10, 2, 1], consume);
    assertNoTimers(clock);
  }
});

Deno.test("after take() reaches n, the producer's next send throws SendError", async () => {
  using clock = TestClock.install();
  const source = feed([[0, "a"], [10, "b"], [20, "c"], [30, "d"]], { closeAt: null });
  assertEquals(await timeline(source.stream.take(2), clock, 100), [[0, "a"], [10, "b"], [10, END]]);
  assertEquals(source.refused, [[20, "c"]]);
  assertNoTimers(clock);
});

Deno.test("breaking out of a take() loop before n closes the source once", async () => {
  await assertBreakCloses((source) => source.take(10), 2);
});

Deno.test("an error upstream of take() ends the stream after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).take(3)
  );
});

// -- Bad input --

Deno.test("take() with a negative, fractional or non-finite count is a RangeError at the call", async () => {
  const stream = Stream.iter([1, 2]);
  for (const n of [-1, 1.5, NaN, Infinity, -Infinity, "2"]) {
    const error = assertThrows(() => stream.take(n as number), RangeError, "Cannot take");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.take(1).toArray(), [1]);
});

Deno.test("take() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.take(1);
  assertThrows(() => stream.take(1), TypeError, "Cannot take");
});
