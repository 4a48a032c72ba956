import { DONE } from "../../_runtime/poll.ts";
import { channel } from "../../channel.ts";
import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertNoTimers,
  assertTimeline,
  END,
  feed,
  fromSource,
  Probe,
  Scripted,
  timeline,
} from "./_helpers.ts";

// -- Timing --

Deno.test("merge() yields items from both as they become ready, and ends when both have ended", async () => {
  await assertTimeline(
    () => {
      const a = feed([[10, "a0"], [30, "a1"]], { closeAt: 40 }).stream;
      const b = feed([[20, "b0"], [50, "b1"]], { closeAt: 60 }).stream;
      return a.merge(b);
    },
    [[10, "a0"], [20, "b0"], [30, "a1"], [50, "b1"], [60, END]],
  );
});

Deno.test("merge() alternates when both sides have items ready, starting with its own", async () => {
  await assertTimeline(
    () => Stream.iter([1, 2, 3]).merge(Stream.iter(["a", "b"])),
    [[0, 1], [0, "a"], [0, 2], [0, "b"], [0, 3], [0, END]],
  );
});

Deno.test("merge() flips its 'which side first' flag on every poll, even one that finds nothing", async () => {
  const sides = () => {
    const a = feed([[10, "a0"], [10, "a1"]], { closeAt: 20 }).stream;
    const b = feed([[10, "b0"], [10, "b1"]], { closeAt: 20 }).stream;
    return a.merge(b);
  };
  // Consumed from 0: the empty poll at 0 flips the flag, so b goes first at 10.
  await assertTimeline(sides, [[10, "b0"], [10, "a0"], [10, "b1"], [10, "a1"], [20, END]]);
  // First polled at 10, when both sides already have items: a goes first.
  using clock = TestClock.install();
  const merged = sides();
  await clock.tick(10);
  assertEquals(await timeline(merged, clock, 100), [
    [10, "a0"],
    [10, "b0"],
    [10, "a1"],
    [10, "b1"],
    [20, END],
  ]);
  assertNoTimers(clock);
});

Deno.test("merge() of a side that ends early goes on with the other", async () => {
  await assertTimeline(
    () => {
      const a = feed([[0, "a0"]], { closeAt: 5 }).stream;
      const b = feed([[10, "b0"], [20, "b1"]], { closeAt: 30 }).stream;
      return a.merge(b);
    },
    [[0, "a0"], [10, "b0"], [20, "b1"], [30, END]],
  );
});

Deno.test("merge() closes a side as soon as it ends, before the merge ends", async () => {
  using clock = TestClock.install();
  const a = new Scripted<string>(["a0", DONE]);
  const b = new Probe([[10, "b0"]], null);
  const merged = fromSource(a).merge(Stream.from(b));
  assertEquals(await merged.next(), "a0");
  assertEquals(await timeline(merged.take(1), clock, 100), [[10, "b0"], [10, END]]);
  assertEquals([a.polls, a.closes], [2, 1]);
  assertEquals(b.returns, 1);
  assertNoTimers(clock);
});

Deno.test("merge() accepts anything Stream.from accepts", async () => {
  const [tx, rx] = channel<string>();
  tx.send("rx");
  tx.close();
  assertEquals(await Stream.iter([1]).merge(["x"]).toArray(), [1, "x"]);
  assertEquals(await Stream.iter([1]).merge(rx).toArray(), [1, "rx"]);
  assertEquals(await Stream.iter([1]).merge(ReadableStream.from([2])).toArray(), [1, 2]);
});

// -- Cancellation --

Deno.test("breaking out of a merge() loop closes both sides once", async () => {
  await assertBreakCloses((source) => source.merge(Stream.iter([])), 2);
  await assertBreakCloses((source) => Stream.iter<number>([]).merge(source), 2);
  using clock = TestClock.install();
  const a = new Probe([[0, "a0"], [10, "a1"]], null);
  const b = new Probe([[5, "b0"]], null);
  const seen: string[] = [];
  const done = (async () => {
    for await (const item of Stream.from(a).merge(Stream.from(b))) {
      seen.push(item);
      if (seen.length === 3) break;
    }
  })();
  await clock.tick(100);
  await done;
  assertEquals(seen, ["a0", "b0", "a1"]);
  assertEquals([a.returns, b.returns], [1, 1]);
  assertNoTimers(clock);
});

Deno.test("after a merge() consumer stops, both producers' next sends throw SendError", async () => {
  using clock = TestClock.install();
  const a = feed([[0, "a0"], [20, "a1"]], { closeAt: null });
  const b = feed([[10, "b0"], [30, "b1"]], { closeAt: null });
  assertEquals(await timeline(a.stream.merge(b.stream).take(2), clock, 100), [
    [0, "a0"],
    [10, "b0"],
    [10, END],
  ]);
  assertEquals([a.refused, b.refused], [[[20, "a1"]], [[30, "b1"]]]);
  assertNoTimers(clock);
});

Deno.test("an error on one side of merge() closes the other side too", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).merge(Stream.iter([]))
  );
  using clock = TestClock.install();
  const failure = new Error("left failed");
  const left = new Probe([[0, 1], [10, 2]], null);
  const right = new Probe([[0, "r"]], null);
  const merged = Stream.from(left).map((n) => {
    if (n === 2) throw failure;
    return n;
  }).merge(Stream.from(right));
  const done = merged.toArray();
  done.catch(() => {});
  await clock.tick(100);
  assert(await assertRejects(done, Error) === failure);
  assertEquals([left.returns, right.returns], [1, 1]);
  assertNoTimers(clock);
});

// -- Bad input --

Deno.test("merge() with something that is not a stream source is a TypeError at the call", () => {
  for (const other of [42, null, undefined, {}]) {
    const error = assertThrows(
      () => Stream.iter([1]).merge(other as never),
      TypeError,
      "Cannot make a stream",
    );
    assert(error.message.startsWith("Cannot "));
  }
});

Deno.test({
  name: "merge() with a bad argument leaves the stream unmoved (and its source open)",
  fn: async () => {
    const stream = Stream.iter([1]);
    assertThrows(() => stream.merge(42 as never), TypeError);
    assertEquals(await stream.toArray(), [1]);
  },
});

Deno.test("merge() of or with a moved stream is a TypeError", () => {
  const moved = Stream.iter([1]);
  moved.map((n) => n);
  assertThrows(() => moved.merge(Stream.iter([2])), TypeError, "Cannot merge");
  assertThrows(() => Stream.iter([2]).merge(moved), TypeError, "Cannot merge");
  const self = Stream.iter([1]);
  assertThrows(() => self.merge(self), TypeError, "Cannot merge");
});
