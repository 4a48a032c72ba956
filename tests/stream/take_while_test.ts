import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertNoTimers,
  assertTimeline,
  collectAll,
  END,
  feed,
  Probe,
  timeline,
} from "./_helpers.ts";

// -- Timing --

Deno.test("takeWhile() yields while the predicate holds and ends at the first failing item", async () => {
  await assertTimeline(
    () =>
      feed([[0, 1], [10, 2], [20, 5], [30, 1]], { closeAt: null }).stream.takeWhile((n) => n < 3),
    [[0, 1], [10, 2], [20, END]],
  );
});

Deno.test("takeWhile() drops the failing item and ends with the source when all pass", async () => {
  assertEquals(await collectAll(() => Stream.iter([1, 2, 5, 1]).takeWhile((n) => n < 3)), [1, 2]);
  await assertTimeline(
    () => feed([[0, 1], [10, 2]], { closeAt: 25 }).stream.takeWhile(() => true),
    [[0, 1], [10, 2], [25, END]],
  );
});

Deno.test("takeWhile() never calls the predicate again after it failed", async () => {
  const seen: number[] = [];
  const stream = Stream.iter([1, 5, 1, 1]).takeWhile((n) => {
    seen.push(n);
    return n < 3;
  });
  assertEquals(await stream.next(), 1);
  assertEquals(await stream.next(), undefined);
  assertEquals(await stream.next(), undefined);
  assertEquals(seen, [1, 5]);
});

// -- Cancellation --

Deno.test("takeWhile() closes its source at the failing item; the producer's next send throws", async () => {
  using clock = TestClock.install();
  const source = feed([[0, 1], [10, 9], [20, 1]], { closeAt: null });
  assertEquals(await timeline(source.stream.takeWhile((n) => n < 3), clock, 100), [[0, 1], [
    10,
    END,
  ]]);
  assertEquals(source.refused, [[20, 1]]);
  const probe = new Probe([[0, 1], [10, 9], [20, 1]], null);
  const stream = Stream.from(probe).takeWhile((n) => n < 3);
  assertEquals(await timeline(stream, clock, 100), [[100, 1], [110, END]]);
  assertEquals([probe.nexts, probe.returns], [2, 1]);
  assertNoTimers(clock);
});

Deno.test("breaking out of a takeWhile() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.takeWhile(() => true), 2);
});

Deno.test("takeWhile() whose predicate throws ends the stream with that error after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.takeWhile((n) => {
      if (n === 2) throw failure;
      return true;
    })
  );
});

// -- Bad input --

Deno.test("takeWhile() with a non-function is a TypeError at the call, and the stream stays usable", async () => {
  const stream = Stream.iter([1, 2]);
  for (const f of [undefined, null, 42, "x", {}]) {
    const error = assertThrows(() => stream.takeWhile(f as never), TypeError, "Cannot takeWhile");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.takeWhile((n) => n < 2).toArray(), [1]);
});

Deno.test("takeWhile() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.takeWhile(Boolean);
  assertThrows(() => stream.takeWhile(Boolean), TypeError, "Cannot takeWhile");
});
