import { Stream } from "../../stream.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertTimeline,
  collectAll,
  END,
  feed,
} from "./_helpers.ts";

// -- Timing --

Deno.test("skipWhile() drops items while the predicate holds, then passes the rest on time", async () => {
  await assertTimeline(
    () =>
      feed([[0, 1], [10, 2], [20, 5], [30, 1], [40, 7]], { closeAt: 50 }).stream
        .skipWhile((n) => n < 3),
    [[20, 5], [30, 1], [40, 7], [50, END]],
  );
});

Deno.test("skipWhile() never calls the predicate again after it failed", async () => {
  const seen: number[] = [];
  const out = await collectAll(() => {
    seen.length = 0;
    return Stream.iter([1, 2, 5, 1, 7]).skipWhile((n) => {
      seen.push(n);
      return n < 3;
    });
  });
  assertEquals([out, seen], [[5, 1, 7], [1, 2, 5]]);
});

Deno.test("skipWhile() that always holds ends with the source", async () => {
  await assertTimeline(
    () => feed([[0, 1], [10, 2]], { closeAt: 20 }).stream.skipWhile(() => true),
    [[20, END]],
  );
});

// -- Cancellation --

Deno.test("breaking out of a skipWhile() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.skipWhile((n) => n < 2), 2);
});

Deno.test("skipWhile() whose predicate throws ends the stream with that error after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.skipWhile((n) => {
      if (n === 2) throw failure;
      return true;
    })
  );
});

// -- Bad input --

Deno.test("skipWhile() with a non-function is a TypeError at the call, and the stream stays usable", async () => {
  const stream = Stream.iter([1, 2]);
  for (const f of [undefined, null, 42, "x", {}]) {
    const error = assertThrows(() => stream.skipWhile(f as never), TypeError, "Cannot skipWhile");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.skipWhile((n) => n < 2).toArray(), [2]);
});

Deno.test("skipWhile() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.skipWhile(Boolean);
  assertThrows(() => stream.skipWhile(Boolean), TypeError, "Cannot skipWhile");
});
