import { Stream } from "../../stream.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertTimeline,
  collectAll,
  Counted,
  END,
  feed,
} from "./_helpers.ts";

// -- Timing --

Deno.test("filter() keeps the items that pass, at the instant they arrive", async () => {
  await assertTimeline(
    () =>
      feed([[0, 1], [10, 2], [20, 3], [30, 4], [40, 5]], { closeAt: 50 }).stream.filter((n) =>
        n % 2 === 1
      ),
    [[0, 1], [20, 3], [40, 5], [50, END]],
  );
});

Deno.test("filter() keeps pulling through dropped items without waiting", async () => {
  const source = new Counted([1, 2, 4, 6, 7, 8]);
  const stream = Stream.from(source).filter((n) => n % 2 === 1);
  assertEquals(await stream.next(), 1);
  assertEquals(await stream.next(), 7);
  assertEquals(source.nexts, 5);
  stream.close();
  assertEquals(source.returns, 1);
});

Deno.test("filter() tests truthiness, as the predicate's result is read as a bool", async () => {
  const values = [0, 1, "", "x", null, undefined, NaN, [], {}];
  const kept = await collectAll(() => Stream.iter(values).filter((v) => v));
  assertEquals(kept, [1, "x", [], {}]);
});

Deno.test("filter() that drops everything ends when the source ends", async () => {
  await assertTimeline(
    () => feed([[0, 1], [10, 2]], { closeAt: 30 }).stream.filter(() => false),
    [[30, END]],
  );
});

// -- Cancellation --

Deno.test("breaking out of a filter() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.filter((n) => n > 1), 2);
});

Deno.test("filter() whose predicate throws ends the stream with that error after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.filter((n) => {
      if (n === 2) throw failure;
      return true;
    })
  );
});

// -- Bad input --

Deno.test("filter() with a non-function is a TypeError at the call, and the stream stays usable", async () => {
  const stream = Stream.iter([1, 2]);
  for (const f of [undefined, null, 42, "x", {}]) {
    const error = assertThrows(() => stream.filter(f as never), TypeError, "Cannot filter");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.filter((n) => n > 1).toArray(), [2]);
});

Deno.test("filter() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.filter(Boolean);
  assertThrows(() => stream.filter(Boolean), TypeError, "Cannot filter");
});
