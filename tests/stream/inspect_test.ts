import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertErrorCloses, END, feed } from "./_helpers.ts";
import { TestClock } from "../../testing.ts";
import { timeline } from "./_helpers.ts";

// -- Timing --

Deno.test("inspect() sees each item at the instant it passes, unchanged", async () => {
  using clock = TestClock.install();
  const seen: [number, string][] = [];
  const entries = await timeline(
    feed([[10, "a"], [20, "b"]]).stream.inspect((x) => seen.push([clock.elapsed, x])),
    clock,
  );
  assertEquals(entries, [[10, "a"], [20, "b"], [20, END]]);
  assertEquals(seen, [[10, "a"], [20, "b"]]);
});

Deno.test("inspect() sees every item through the drain fast path", async () => {
  const seen: number[] = [];
  assertEquals(await Stream.iter([1, 2, 3]).inspect((n) => seen.push(n)).take(2).toArray(), [1, 2]);
  assertEquals(seen, [1, 2]);
});

// -- Errors and cancellation --

Deno.test("an inspect() whose f throws closes the source once", async () => {
  await assertErrorCloses((source, failure) =>
    source.inspect(() => {
      throw failure;
    })
  );
});

Deno.test("breaking out of an inspect() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.inspect(() => {}), 2);
});

Deno.test("inspect(42) is a TypeError at the call", () => {
  assertThrows(() => Stream.iter([1]).inspect(42 as never), TypeError, "Cannot inspect");
});
