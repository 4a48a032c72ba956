import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertErrorCloses, assertTimeline, END, feed } from "./_helpers.ts";

// -- futures-rs: stream.rs --

Deno.test("chunks_panic_on_cap_zero", () => {
  assertThrows(() => Stream.iter([1]).chunks(0), RangeError, "Cannot chunk");
});

// -- Timing --

Deno.test("chunks() waits for a full chunk however long it takes", async () => {
  await assertTimeline(
    () => feed([[10, 1], [20, 2], [30, 3], [500, 4]]).stream.chunks(2),
    [[20, [1, 2]], [500, [3, 4]], [500, END]],
  );
});

Deno.test("chunks() yields the partial last chunk when the source ends, and no empty chunk", async () => {
  await assertTimeline(
    () => feed([[10, 1], [20, 2], [30, 3]], { closeAt: 40 }).stream.chunks(2),
    [[20, [1, 2]], [40, [3]], [40, END]],
  );
  assertEquals(await Stream.iter([1, 2]).chunks(2).toArray(), [[1, 2]]);
});

// -- Errors and cancellation --

Deno.test("a failing chunks() source ends it with that error", async () => {
  await assertErrorCloses((source, failure) =>
    source.map(() => {
      throw failure;
    }).chunks(2)
  );
});

Deno.test("breaking out of a chunks() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.chunks(1), 2);
});
