import { channel } from "../../channel.ts";
import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertTimeline, END, feed } from "./_helpers.ts";
import { TestClock } from "../../testing.ts";
import { watch } from "../_helpers.ts";

// -- futures-rs: stream.rs --

Deno.test("ready_chunks_panic_on_cap_zero", () => {
  assertThrows(() => Stream.iter([1]).readyChunks(0), RangeError, "Cannot chunk");
});

Deno.test("ready_chunks", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<number>(16);
  const s = Stream.from(rx).readyChunks(2);
  const first = watch(s.next());
  await clock.tick(0);
  assertEquals(first.status, "pending");
  await tx.send(1);
  await clock.tick(0);
  assertEquals(first.value, [1]);
  await tx.send(2);
  await tx.send(3);
  await tx.send(4);
  assertEquals(await s.next(), [2, 3]);
  assertEquals(await s.next(), [4]);
  s.close();
});

// -- Timing --

Deno.test("readyChunks() yields what is ready at each instant, up to n", async () => {
  await assertTimeline(
    () => feed([[10, 1], [10, 2], [10, 3], [20, 4]]).stream.readyChunks(2),
    [[10, [1, 2]], [10, [3]], [20, [4]], [20, END]],
  );
});

// -- Cancellation --

Deno.test("breaking out of a readyChunks() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.readyChunks(3), 2);
});
