import { Stream } from "../../stream.ts";
import { assertEquals } from "../_assert.ts";
import { assertBreakCloses, assertTimeline, END, feed } from "./_helpers.ts";

// -- Timing --

Deno.test("flatten() yields each inner stream's items in turn", async () => {
  await assertTimeline(
    () => Stream.iter([feed([[10, 1], [20, 2]]).stream, feed([[5, 3]]).stream]).flatten(),
    [[10, 1], [20, 2], [20, 3], [20, END]],
  );
});

Deno.test("flatten() accepts arrays, iterables and streams as inner streams", async () => {
  const inner = [[1], new Set([2]), Stream.once(3), Stream.empty<number>()];
  assertEquals(await Stream.iter(inner).flatten().toArray(), [1, 2, 3]);
});

// -- Errors and cancellation --

Deno.test("an item of flatten() that is not a stream ends it with a TypeError", async () => {
  const error = await Stream.iter([[1], 42 as unknown as number[]]).flatten().toArray().catch((e) =>
    e
  );
  assertEquals([error instanceof TypeError, /Cannot /.test(error.message)], [true, true]);
});

Deno.test("breaking out of a flatten() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.map((n) => [n]).flatten(), 2);
});
