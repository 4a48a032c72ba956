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

Deno.test("filterMap() yields the mapped items and drops those mapped to undefined", async () => {
  await assertTimeline(
    () =>
      feed([[0, "1"], [10, "x"], [20, "3"], [30, "y"]], { closeAt: 40 }).stream
        .filterMap((s) => Number.isNaN(Number(s)) ? undefined : Number(s)),
    [[0, 1], [20, 3], [40, END]],
  );
});

Deno.test("filterMap() drops only undefined (Rust's None): null, 0, false and '' pass", async () => {
  const values = [null, 0, false, "", undefined, NaN];
  const kept = await collectAll(() => Stream.iter(values).filterMap((v) => v));
  assertEquals(kept, [null, 0, false, "", NaN]);
});

Deno.test("filterMap() calls f once per item, in order", async () => {
  const seen: number[] = [];
  const out = await collectAll(() => {
    seen.length = 0;
    return Stream.iter([1, 2, 3, 4]).filterMap((n) => {
      seen.push(n);
      return n % 2 === 0 ? n * 10 : undefined;
    });
  });
  assertEquals([seen, out], [[1, 2, 3, 4], [20, 40]]);
});

// -- Cancellation --

Deno.test("breaking out of a filterMap() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.filterMap((n) => n === 1 ? undefined : n), 2);
});

Deno.test("filterMap() whose f throws ends the stream with that error after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.filterMap((n) => {
      if (n === 2) throw failure;
      return n;
    })
  );
});

// -- Bad input --

Deno.test("filterMap() with a non-function is a TypeError at the call, and the stream stays usable", async () => {
  const stream = Stream.iter([1, 2]);
  for (const f of [undefined, null, 42, "x", {}]) {
    const error = assertThrows(() => stream.filterMap(f as never), TypeError, "Cannot filterMap");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.filterMap((n) => n).toArray(), [1, 2]);
});

Deno.test("filterMap() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.filterMap((n) => n);
  assertThrows(() => stream.filterMap((n) => n), TypeError, "Cannot filterMap");
});
