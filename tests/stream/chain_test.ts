import { DONE } from "../../_runtime/poll.ts";
import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
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

Deno.test("chain() yields every item of the first stream, then of the second", async () => {
  await assertTimeline(
    () => {
      const first = feed([[0, "a"], [10, "b"]], { closeAt: 20 }).stream;
      const second = feed([[5, "x"], [30, "y"]], { closeAt: 40 }).stream;
      return first.chain(second);
    },
    [[0, "a"], [10, "b"], [20, "x"], [30, "y"], [40, END]],
  );
});

Deno.test("chain() does not pull the second stream before the first ends", async () => {
  using clock = TestClock.install();
  const second = new Probe([[0, "x"]]);
  const stream = Stream.from(new Probe([[0, "a"], [50, "b"]])).chain(Stream.from(second));
  assertEquals(await stream.next(), "a");
  const next = watch(stream.next());
  await clock.tick(49);
  assertEquals([next.status, second.iterators], ["pending", 0]);
  await clock.tick(1);
  assertEquals([next.value, second.iterators], ["b", 0]);
  assertEquals(await timeline(stream, clock, 100), [[50, "x"], [50, END]]);
  assertEquals(second.iterators, 1);
  assertNoTimers(clock);
});

Deno.test("chain() closes the first stream as soon as it ends", async () => {
  const first = new Scripted<string>(["a", DONE]);
  const second = new Scripted<string>(["x", DONE]);
  const stream = fromSource(first).chain(fromSource(second));
  assertEquals([await stream.next(), await stream.next()], ["a", "x"]);
  assertEquals([first.polls, first.closes, second.closes], [2, 1, 0]);
  assertEquals(await stream.next(), undefined);
  assertEquals([first.polls, first.closes, second.closes], [2, 1, 1]);
});

Deno.test("chain() accepts anything Stream.from accepts", async () => {
  assertEquals(await Stream.iter([1]).chain([2, 3]).toArray(), [1, 2, 3]);
  assertEquals(await Stream.iter([1]).chain(ReadableStream.from([2])).toArray(), [1, 2]);
  assertEquals(await Stream.iter<number>([]).chain(Stream.iter([1])).toArray(), [1]);
});

// -- Cancellation --

Deno.test("breaking out of a chain() loop closes the stream being read once", async () => {
  await assertBreakCloses((source) => source.chain([]), 2);
  await assertBreakCloses((source) => Stream.iter<number>([]).chain(source), 2);
});

Deno.test("stopping during the first stream of chain() closes the second, unread one too", async () => {
  using clock = TestClock.install();
  const second = feed([[10, "x"]], { closeAt: null });
  assertEquals(await timeline(Stream.iter(["a", "b"]).chain(second.stream).take(1), clock, 100), [
    [0, "a"],
    [0, END],
  ]);
  assertEquals(second.refused, [[10, "x"]]);
  const probe = new Probe([[0, "x"]]);
  assertEquals(await Stream.iter(["a", "b"]).chain(probe).take(1).toArray(), ["a"]);
  assertEquals([probe.iterators, probe.returns], [0, 0]);
  assertNoTimers(clock);
});

Deno.test("an error in the first stream of chain() ends it and closes the second", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).chain([])
  );
  const failure = new Error("first failed");
  const second = new Scripted<number>([1]);
  const stream = Stream.iter([1]).map(() => {
    throw failure;
  }).chain(fromSource(second));
  assert(await assertRejects(stream.toArray(), Error) === failure);
  assertEquals([second.polls, second.closes], [0, 1]);
});

// -- Bad input --

Deno.test("chain() with something that is not a stream source is a TypeError at the call", () => {
  for (const other of [42, null, undefined, {}]) {
    const error = assertThrows(
      () => Stream.iter([1]).chain(other as never),
      TypeError,
      "Cannot make a stream",
    );
    assert(error.message.startsWith("Cannot "));
  }
});

Deno.test({
  name: "chain() with a bad argument leaves the stream unmoved (and its source open)",
  fn: async () => {
    const stream = Stream.iter([1]);
    assertThrows(() => stream.chain(42 as never), TypeError);
    assertEquals(await stream.toArray(), [1]);
  },
});

Deno.test("chain() of or with a moved stream is a TypeError", () => {
  const moved = Stream.iter([1]);
  moved.map((n) => n);
  assertThrows(() => moved.chain([2]), TypeError, "Cannot chain");
  assertThrows(() => Stream.iter([2]).chain(moved), TypeError, "Cannot chain");
});
