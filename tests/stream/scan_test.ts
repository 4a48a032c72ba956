import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertErrorCloses, assertTimeline, END, feed } from "./_helpers.ts";

// -- futures-rs: stream.rs --

Deno.test("scan", async () => {
  // futures' step mutates a state and returns Some(item) or None; here the state is what is
  // yielded, and undefined is None: the run stops at the first item not below state + 1.
  const values = await Stream.iter([1, 2, 3, 4, 6, 8, 2])
    .scan(1, (state, e) => e < state + 1 ? state + 1 : undefined)
    .toArray();
  assertEquals(values, [2, 3, 4, 5]);
});

// -- Timing --

Deno.test("scan() yields each accumulator as its item arrives", async () => {
  await assertTimeline(
    () => feed([[10, 1], [20, 2], [30, 3]]).stream.scan(0, (sum, n) => sum + n),
    [[10, 1], [20, 3], [30, 6], [30, END]],
  );
});

Deno.test("scan() that returns undefined ends at once without pulling again", async () => {
  await assertTimeline(
    () =>
      feed([[10, 1], [20, 2]], { closeAt: 100 }).stream.scan(
        0,
        (sum, n) => n < 2 ? sum + n : undefined,
      ),
    [[10, 1], [20, END]],
  );
});

// -- Errors and cancellation --

Deno.test("a scan() whose f throws closes the source once", async () => {
  await assertErrorCloses((source, failure) =>
    source.scan(0, () => {
      throw failure;
    })
  );
});

Deno.test("breaking out of a scan() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.scan(0, (a, n) => a + n), 2);
});

Deno.test("scan(init, 42) is a TypeError at the call", () => {
  assertThrows(() => Stream.iter([1]).scan(0, 42 as never), TypeError, "Cannot scan");
});
