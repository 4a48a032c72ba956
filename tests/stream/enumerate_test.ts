import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertTimeline, END, feed } from "./_helpers.ts";

// -- Timing --

Deno.test("enumerate() numbers the items from 0 as they arrive", async () => {
  await assertTimeline<[number, string]>(
    () => feed([[10, "a"], [20, "b"]]).stream.enumerate(),
    [[10, [0, "a"]], [20, [1, "b"]], [20, END]],
  );
});

Deno.test("enumerate() keeps counting through the drain fast path", async () => {
  const pairs = await Stream.iter(["a", "b", "c"]).enumerate().filter(([i]) => i !== 1).toArray();
  assertEquals(pairs, [[0, "a"], [2, "c"]]);
});

// -- Cancellation --

Deno.test("breaking out of an enumerate() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.enumerate(), 2);
});

Deno.test("enumerate() on a moved stream is a TypeError", () => {
  const s = Stream.iter([1]);
  s.enumerate();
  assertThrows(() => s.enumerate(), TypeError);
});
