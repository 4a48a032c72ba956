import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertErrorCloses, assertTimeline, END, feed } from "./_helpers.ts";
import { Counted } from "./_helpers.ts";

// -- tokio-stream: stream_map_while.rs --

Deno.test("map_while_yields_until_closure_returns_none", async () => {
  const stream = Stream.iter([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).mapWhile((x) =>
    x < 4 ? x + 3 : undefined
  );
  assertEquals(
    [await stream.next(), await stream.next(), await stream.next(), await stream.next()],
    [4, 5, 6, undefined],
  );
});

Deno.test("map_while_does_not_poll_after_closure_returns_none", async () => {
  const items = new Counted([1, 5, 2]);
  const stream = Stream.iter(items).mapWhile((x) => x < 3 ? x : undefined);
  assertEquals([await stream.next(), await stream.next(), await stream.next()], [
    1,
    undefined,
    undefined,
  ]);
  assertEquals(items.nexts, 2);
});

// -- Timing --

Deno.test("mapWhile() ends at the instant f returns undefined", async () => {
  await assertTimeline(
    () => feed([[10, 1], [20, 9], [30, 2]]).stream.mapWhile((n) => n < 5 ? n * 10 : undefined),
    [[10, 10], [20, END]],
  );
});

// -- Errors and cancellation --

Deno.test("a mapWhile() whose f throws closes the source once", async () => {
  await assertErrorCloses((source, failure) =>
    source.mapWhile(() => {
      throw failure;
    })
  );
});

Deno.test("breaking out of a mapWhile() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.mapWhile((n) => n), 2);
});

Deno.test("mapWhile(42) is a TypeError at the call", () => {
  assertThrows(() => Stream.iter([1]).mapWhile(42 as never), TypeError, "Cannot mapWhile");
});
