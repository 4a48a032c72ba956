import { channel } from "../../channel.ts";
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

// -- futures-rs: stream_futures_ordered.rs --

Deno.test("works_1", async () => {
  using clock = TestClock.install();
  const [a, b, c] = [deferred<number>(), deferred<number>(), deferred<number>()];
  const stream = Stream.iter([a.promise, b.promise, c.promise]).buffered(3);
  b.send(99);
  const first = watch(stream.next());
  await clock.tick(0);
  assertEquals(first.status, "pending");
  a.send(33);
  c.send(33);
  await clock.tick(0);
  assertEquals(first.value, 33);
  assertEquals([await stream.next(), await stream.next(), await stream.next()], [
    99,
    33,
    undefined,
  ]);
});

Deno.test("works_2", async () => {
  using clock = TestClock.install();
  const [a, b, c] = [deferred<number>(), deferred<number>(), deferred<number>()];
  const joined = Promise.all([b.promise, c.promise]).then(([x, y]) => x + y);
  const stream = Stream.iter([a.promise, joined]).buffered(2);
  a.send(33);
  b.send(33);
  assertEquals(await stream.next(), 33);
  const second = watch(stream.next());
  await clock.tick(0);
  assertEquals(second.status, "pending");
  c.send(33);
  await clock.tick(0);
  assertEquals(second.value, 66);
});

// -- Timing --

Deno.test("buffered() yields results in source order, each once it and those before it settled", async () => {
  const log = new WorkLog();
  await assertTimeline(
    () => Stream.iter([log.after(30, "a"), log.after(10, "b"), log.after(20, "c")]).buffered(3),
    [[30, "a"], [30, "b"], [30, "c"], [30, END]],
  );
});

Deno.test("buffered(n) starts at most n at once and the next one when a result is yielded", async () => {
  using clock = TestClock.install();
  const log = new WorkLog();
  const items = [[30, "a"], [10, "b"], [10, "c"], [10, "d"]] as const;
  const stream = Stream.iter(items.map(([ms, label]) => log.after(ms, label))).buffered(2);
  const seen: [number, string][] = [];
  const done = stream.forEach((x) => void seen.push([clock.elapsed, x]));
  await clock.tick(100);
  await done;
  // b settles at 10 but holds its slot until a is yielded at 30.
  assertEquals(log.started, [[0, "a"], [0, "b"], [30, "c"], [30, "d"]]);
  assertEquals(seen, [[30, "a"], [30, "b"], [40, "c"], [40, "d"]]);
  assertNoTimers(clock);
});

Deno.test("buffered() pulls its source only while a slot is free", async () => {
  using clock = TestClock.install();
  const log = new WorkLog();
  const probe = new Probe([[0, 1], [0, 2], [0, 3]]);
  const stream = Stream.from(probe).map((n) => log.after(50, `#${n}`)).buffered(2);
  const results = watch(stream.toArray());
  await clock.tick(49);
  assertEquals(probe.nexts, 2);
  await clock.tick(1);
  assertEquals(probe.nexts, 4);
  await clock.tick(50);
  assertEquals(results.value, ["#1", "#2", "#3"]);
  assertNoTimers(clock);
});

Deno.test("buffered() takes plain promises and values that are ready at once", async () => {
  const stream = Stream.iter<Promise<number> | (() => number)>([
    Promise.resolve(1),
    () => 2,
    Promise.resolve(3),
  ]);
  assertEquals(await stream.buffered(2).toArray(), [1, 2, 3]);
});

Deno.test("buffered() on a channel of work ends when the channel ends and every result is in", async () => {
  await assertTimeline(
    () => {
      const log = new WorkLog();
      const [tx, rx] = channel<(signal: AbortSignal) => Promise<string>>();
      tx.send(log.after(20, "a"));
      tx.send(log.after(5, "b"));
      tx.close();
      return Stream.from(rx).buffered(4);
    },
    [[20, "a"], [20, "b"], [20, END]],
  );
});

// -- Errors --

Deno.test("buffered() yields an error after the results before it and aborts the rest", async () => {
  using clock = TestClock.install();
  const log = new WorkLog();
  const failure = new Error("c failed");
  const stream = Stream.iter([
    log.after(30, "a"),
    log.after(40, "b"),
    log.after(10, "c", failure),
    log.after(50, "d"),
  ]).buffered(4);
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
  assertEquals(seen, [[30, "a"], [40, "b"], [40, failure]]);
  assertEquals(log.aborted, [[40, "d"]]);
  assertNoTimers(clock);
});

Deno.test("a failing buffered() stream closes its source once", async () => {
  await assertErrorCloses((source, failure) =>
    source.map(() => () => Promise.reject(failure)).buffered(2)
  );
});

// -- Cancellation --

Deno.test("breaking out of a buffered() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.map((n) => Promise.resolve(n)).buffered(3), 2);
});

Deno.test("closing a buffered() stream aborts the signal of every item in flight", async () => {
  using clock = TestClock.install();
  const log = new WorkLog();
  const stream = Stream.iter([log.after(10, "a"), log.after(50, "b"), log.after(60, "c")])
    .buffered(3);
  const first = watch(stream.next());
  await clock.tick(15);
  assertEquals(first.value, "a");
  stream.close();
  assertEquals(log.aborted, [[15, "b"], [15, "c"]]);
  await clock.runAll();
  assertNoTimers(clock);
});

// -- Bad input --

Deno.test("buffered(n) with n not an integer >= 1 (or Infinity) is a RangeError at the call", () => {
  for (const n of [0, -1, 1.5, NaN, "2"]) {
    assertThrows(() => Stream.iter([Promise.resolve(1)]).buffered(n as number), RangeError);
  }
  assert(Stream.iter([Promise.resolve(1)]).buffered(Infinity) instanceof Stream);
});
