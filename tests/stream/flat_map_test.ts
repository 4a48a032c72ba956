import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertErrorCloses, assertTimeline, END, feed } from "./_helpers.ts";

// -- futures-rs: stream.rs --

Deno.test("flat_map", async () => {
  const streams = [[0, 1, 2, 3, 4], [6, 7, 8, 9, 10], [0, 1, 2]];
  const values = await Stream.iter(streams)
    .flatMap((s) => Stream.iter(s).filter((v) => v % 2 === 0))
    .toArray();
  assertEquals(values, [0, 2, 4, 6, 8, 10, 0, 2]);
});

// -- Timing --

Deno.test("flatMap() runs one inner stream at a time and pulls the next item when it ends", async () => {
  await assertTimeline(
    () =>
      feed([[0, "a"], [5, "b"]]).stream.flatMap((label) =>
        feed([[10, `${label}1`], [20, `${label}2`]]).stream
      ),
    [[10, "a1"], [20, "a2"], [30, "b1"], [40, "b2"], [40, END]],
  );
});

// -- Errors and cancellation --

Deno.test("a flatMap() whose f throws closes the source once", async () => {
  await assertErrorCloses((source, failure) =>
    source.flatMap(() => {
      throw failure;
    })
  );
});

Deno.test("breaking out of a flatMap() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.flatMap((n) => [n, n]), 3);
});

Deno.test("flatMap(42) is a TypeError at the call", () => {
  assertThrows(() => Stream.iter([1]).flatMap(42 as never), TypeError, "Cannot flatMap");
});
