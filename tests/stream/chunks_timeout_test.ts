import { Stream } from "../../stream.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertErrorCloses, assertTimeline, END, feed } from "./_helpers.ts";

// -- Timing --

Deno.test("chunksTimeout() yields a chunk as soon as it is full", async () => {
  await assertTimeline(
    () => feed([[10, 1], [20, 2], [30, 3], [40, 4]], { closeAt: 45 }).stream.chunksTimeout(2, 100),
    [[20, [1, 2]], [40, [3, 4]], [45, END]],
  );
});

Deno.test("chunksTimeout() yields a partial chunk d after its first item", async () => {
  await assertTimeline(
    () => feed([[10, 1], [50, 2], [70, 3], [200, 4]], { closeAt: 300 }).stream.chunksTimeout(5, 50),
    [[60, [1, 2]], [120, [3]], [250, [4]], [300, END]],
  );
});

Deno.test("chunksTimeout() yields the last partial chunk when the source ends", async () => {
  await assertTimeline(
    () => feed([[10, 1], [15, 2]], { closeAt: 20 }).stream.chunksTimeout(5, 100),
    [[20, [1, 2]], [20, END]],
  );
});

Deno.test("chunksTimeout() gathers the items ready at once into one poll", async () => {
  await assertTimeline(
    () => Stream.iter([1, 2, 3, 4, 5]).chunksTimeout(2, 10),
    [[0, [1, 2]], [0, [3, 4]], [0, [5]], [0, END]],
  );
});

Deno.test("chunksTimeout() never yields an empty chunk", async () => {
  await assertTimeline(
    () => feed([[500, 1]], { closeAt: 1_000 }).stream.chunksTimeout(3, 50),
    [[550, [1]], [1_000, END]],
  );
  await assertTimeline(() => feed([], { closeAt: 100 }).stream.chunksTimeout(3, 10), [[100, END]]);
});

Deno.test("chunksTimeout(): the deadline of a chunk that filled still wakes the consumer", async () => {
  // The deadline armed at 10 (chunk [1, 2]) passes at 60 after the chunk went
  // out at 20: the consumer is woken and polls the merge, which flips its
  // "which side first" flag, so at 100 the right side goes first.
  await assertTimeline(
    () => {
      const left = feed([[10, 1], [20, 2], [100, 3], [100, 4]], { closeAt: 200 }).stream;
      const right = feed([[100, "r0"], [100, "r1"]], { closeAt: 200 }).stream;
      return left.chunksTimeout(2, 50).merge(right);
    },
    [[20, [1, 2]], [100, "r0"], [100, [3, 4]], [100, "r1"], [200, END]],
  );
});

// -- Cancellation --

Deno.test("breaking out of a chunksTimeout() loop closes the source and clears the deadline", async () => {
  await assertBreakCloses((source) => source.chunksTimeout(3, 15), 1);
  await assertBreakCloses((source) => source.chunksTimeout(3, 15), 2);
});

Deno.test("an error upstream of chunksTimeout() ends the stream after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).chunksTimeout(5, 100)
  );
});

// -- Bad input --

Deno.test("chunksTimeout() with a size that is not an integer >= 1 is a RangeError", async () => {
  const stream = Stream.iter([1]);
  for (const size of [0, -1, 1.5, NaN, Infinity]) {
    const error = assertThrows(() => stream.chunksTimeout(size, 10), RangeError, "Cannot chunk");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.chunksTimeout(1, 10).toArray(), [[1]]);
});

Deno.test("chunksTimeout() with a negative, NaN or infinite duration is a RangeError", () => {
  const stream = Stream.iter([1]);
  for (const ms of [-1, NaN, Infinity]) {
    assertThrows(() => stream.chunksTimeout(2, ms), RangeError, "Cannot chunk");
  }
});

Deno.test("chunksTimeout() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.chunksTimeout(1, 1);
  assertThrows(() => stream.chunksTimeout(1, 1), TypeError, "Cannot chunksTimeout");
});
