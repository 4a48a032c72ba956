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
  Probe,
} from "./_helpers.ts";
import { deferred, WorkLog } from "./_work.ts";

// -- futures-rs: stream_futures_unordered.rs and stream_buffer_unordered.rs --

Deno.test("works_1", async () => {
  using clock = TestClock.install();
  const [a, b, c] = [deferred<number>(), deferred<number>(), deferred<number>()];
  const stream = Stream.iter([a.promise, b.promise, c.promise]).bufferUnordered(3);
  b.send(99);
  const first = watch(stream.next());
  await clock.tick(0);
  assertEquals(first.value, 99);
  a.send(33);
  c.send(33);
  assertEquals([await stream.next(), await stream.next(), await stream.next()], [
    33,
    33,
    undefined,
  ]);
});

Deno.test("works_2", async () => {
  using clock = TestClock.install();
  const [a, b, c] = [deferred<number>(), deferred<number>(), deferred<number>()];
  const joined = Promise.all([b.promise, c.promise]).then(([x, y]) => x + y);
  const stream = Stream.iter([a.promise, joined]).bufferUnordered(2);
  a.send(9);
  b.send(10);
  assertEquals(await stream.next(), 9);
  c.send(20);
  assertEquals(await stream.next(), 30);
  assertEquals(await stream.next(), undefined);
  await clock.runAll();
});

Deno.test("works", async () => {
  // futures-rs's buffer_unordered `works`, with N = 4 and the results sent by hand.
  using clock = TestClock.install();
  const slots = Array.from({ length: 9 }, () => deferred<number>());
  let pulled = 0;
  const source = Stream.iter(slots).map((slot) => (pulled++, slot.promise));
  const stream = source.bufferUnordered(4);
  const seen: number[] = [];
  const done = stream.forEach((n) => void seen.push(n));
  await clock.tick(0);
  assertEquals([pulled, seen], [4, []]);
  const order = [1, 3, 2, 4, 5, 8, 9, 7, 6];
  for (const n of order) {
    slots[n - 1]!.send(n);
    await clock.tick(0);
  }
  await done;
  assertEquals(seen, order);
});

// -- Timing --

Deno.test("bufferUnordered() yields each result as it settles", async () => {
  const log = new WorkLog();
  await assertTimeline(
    () =>
      Stream.iter([log.after(30, "a"), log.after(10, "b"), log.after(20, "c")]).bufferUnordered(3),
    [[10, "b"], [20, "c"], [30, "a"], [30, END]],
  );
});

Deno.test("bufferUnordered(n) starts the next item as soon as one result is yielded", async () => {
  using clock = TestClock.install();
  const log = new WorkLog();
  const items = [[30, "a"], [10, "b"], [10, "c"], [10, "d"]] as const;
  const stream = Stream.iter(items.map(([ms, label]) => log.after(ms, label))).bufferUnordered(2);
  const seen: [number, string][] = [];
  const done = stream.forEach((x) => void seen.push([clock.elapsed, x]));
  await clock.tick(100);
  await done;
  assertEquals(log.started, [[0, "a"], [0, "b"], [10, "c"], [20, "d"]]);
  assertEquals(seen, [[10, "b"], [20, "c"], [30, "a"], [30, "d"]]);
  assertNoTimers(clock);
});

Deno.test("bufferUnordered() pulls its source only while a slot is free", async () => {
  using clock = TestClock.install();
  const log = new WorkLog();
  const probe = new Probe([[0, 1], [0, 2], [0, 3]]);
  const stream = Stream.from(probe).map((n) => log.after(50 - n, `#${n}`)).bufferUnordered(2);
  const results = watch(stream.toArray());
  await clock.tick(47);
  assertEquals(probe.nexts, 2);
  // #2 settled at 48: one slot free, one more item pulled.
  await clock.tick(1);
  assertEquals(probe.nexts, 3);
  await clock.tick(1);
  assertEquals(probe.nexts, 4);
  await clock.tick(100);
  assertEquals(results.value, ["#2", "#1", "#3"]);
  assertNoTimers(clock);
});

Deno.test("bufferUnordered() yields results ready at once in the order they were started", async () => {
  const stream = Stream.iter<Promise<number> | (() => number)>([
    Promise.resolve(1),
    () => 2,
    Promise.resolve(3),
  ]);
  assertEquals(await stream.bufferUnordered(3).toArray(), [2, 1, 3]);
});

// -- Errors --

Deno.test("bufferUnordered() yields an error at once and aborts the rest", async () => {
  using clock = TestClock.install();
  const log = new WorkLog();
  const failure = new Error("c failed");
  const stream = Stream.iter([
    log.after(30, "a"),
    log.after(5, "b"),
    log.after(10, "c", failure),
    log.after(50, "d"),
  ]).bufferUnordered(4);
  const seen: [number, unknown][] = [];
  const done = (async () => {
    try {
      for await (const x of stream) seen.push([clock.elapsed, x]);
    } catch (error) {
      seen.push([clock.elapsed, error]);
    }
  })();
  await clock.tick(100);
  await done;
  assertEquals(seen, [[5, "b"], [10, failure]]);
  assertEquals(log.aborted, [[10, "a"], [10, "d"]]);
  assertNoTimers(clock);
});

Deno.test("a failing bufferUnordered() stream closes its source once", async () => {
  await assertErrorCloses((source, failure) =>
    source.map(() => () => Promise.reject(failure)).bufferUnordered(2)
  );
});

// -- Cancellation --

Deno.test("breaking out of a bufferUnordered() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.map((n) => Promise.resolve(n)).bufferUnordered(3), 2);
});

Deno.test("closing a bufferUnordered() stream aborts the signal of every item in flight", async () => {
  using clock = TestClock.install();
  const log = new WorkLog();
  const stream = Stream.iter([log.after(10, "a"), log.after(50, "b"), log.after(60, "c")])
    .bufferUnordered(3);
  const first = watch(stream.next());
  await clock.tick(15);
  assertEquals(first.value, "a");
  stream.close();
  assertEquals(log.aborted, [[15, "b"], [15, "c"]]);
  await clock.runAll();
  assertNoTimers(clock);
});

// -- Bad input --

Deno.test("bufferUnordered(n) with n not an integer >= 1 (or Infinity) is a RangeError at the call", () => {
  for (const n of [0, -1, 1.5, NaN, "2"]) {
    assertThrows(() => Stream.iter([Promise.resolve(1)]).bufferUnordered(n as number), RangeError);
  }
  assert(Stream.iter([Promise.resolve(1)]).bufferUnordered(Infinity) instanceof Stream);
});
