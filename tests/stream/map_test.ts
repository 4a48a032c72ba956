import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertNoTimers,
  assertTimeline,
  Counted,
  END,
  feed,
  Probe,
} from "./_helpers.ts";

// -- Timing --

Deno.test("map() applies f to each item, keeping the items' timing", async () => {
  await assertTimeline(
    () => feed([[0, 1], [10, 2], [25, 3]], { closeAt: 40 }).stream.map((n) => n * 10),
    [[0, 10], [10, 20], [25, 30], [40, END]],
  );
});

Deno.test("map() calls f once per item, in order, only as items are pulled", async () => {
  const seen: number[] = [];
  const source = new Counted([1, 2, 3, 4]);
  const stream = Stream.from(source).map((n) => {
    seen.push(n);
    return -n;
  });
  assertEquals(seen, []);
  assertEquals(await stream.next(), -1);
  assertEquals(await stream.next(), -2);
  assertEquals([seen, source.nexts], [[1, 2], 2]);
  stream.close();
  assertEquals(source.returns, 1);
});

Deno.test("map() is lazy: nothing runs until the stream is consumed", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, "a"]]);
  let calls = 0;
  const stream = Stream.from(probe).map(() => calls++);
  await clock.tick(100);
  assertEquals([probe.iterators, calls], [0, 0]);
  assertEquals(await stream.toArray(), [0]);
  assertEquals([probe.iterators, calls], [1, 1]);
});

// -- Cancellation --

Deno.test("breaking out of a map() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.map((n) => n * 2), 2);
});

Deno.test("after a map() consumer stops, the producer's next send throws SendError", async () => {
  using clock = TestClock.install();
  const source = feed([[0, "a"], [10, "b"], [20, "c"]], { closeAt: null });
  const first = await source.stream.map((s) => s.toUpperCase()).take(1).toArray();
  assertEquals(first, ["A"]);
  await clock.tick(100);
  assertEquals(source.sent, [[0, "a"]]);
  assertEquals(source.refused, [[10, "b"]]);
  assertNoTimers(clock);
});

Deno.test("map() whose f throws ends the stream with that error after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    })
  );
});

// -- Bad input --

Deno.test("map() with a non-function is a TypeError at the call, and the stream stays usable", async () => {
  const stream = Stream.iter([1, 2]);
  for (const f of [undefined, null, 42, "x", {}]) {
    const error = assertThrows(() => stream.map(f as never), TypeError, "Cannot map");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.map((n) => n + 1).toArray(), [2, 3]);
});

Deno.test("map() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.map((n) => n);
  assertThrows(() => stream.map((n) => n), TypeError, "Cannot map");
  assertThrows(() => stream[Symbol.asyncIterator](), TypeError, "Cannot iterate");
});
