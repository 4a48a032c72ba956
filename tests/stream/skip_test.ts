import { Stream } from "../../stream.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertTimeline,
  Counted,
  END,
  feed,
} from "./_helpers.ts";

// -- Timing --

Deno.test("skip() drops the first n items as they arrive, then passes the rest on time", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [10, "b"], [20, "c"], [30, "d"]], { closeAt: 40 }).stream.skip(2),
    [[20, "c"], [30, "d"], [40, END]],
  );
});

Deno.test("skip(0) passes everything", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [10, "b"]], { closeAt: 20 }).stream.skip(0),
    [[0, "a"], [10, "b"], [20, END]],
  );
});

Deno.test("skip() of more items than the source has ends with the source", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [10, "b"]], { closeAt: 20 }).stream.skip(5),
    [[20, END]],
  );
});

Deno.test("skip() pulls the skipped items in the same pull as the first kept one", async () => {
  const counted = new Counted([1, 2, 3, 4]);
  const stream = Stream.from(counted).skip(2);
  assertEquals(await stream.next(), 3);
  assertEquals(counted.nexts, 3);
  stream.close();
  assertEquals(counted.returns, 1);
});

// -- Cancellation --

Deno.test("breaking out of a skip() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.skip(1), 2);
});

Deno.test("an error upstream of skip() ends the stream after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).skip(1)
  );
});

// -- Bad input --

Deno.test("skip() with a negative, fractional or non-finite count is a RangeError at the call", async () => {
  const stream = Stream.iter([1, 2]);
  for (const n of [-1, 1.5, NaN, Infinity, "1"]) {
    const error = assertThrows(() => stream.skip(n as number), RangeError, "Cannot skip");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.skip(1).toArray(), [2]);
});

Deno.test("skip() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.skip(1);
  assertThrows(() => stream.skip(1), TypeError, "Cannot skip");
});
