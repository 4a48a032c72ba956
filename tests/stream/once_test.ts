import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assertEquals } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import { assertNoTimers, assertTimeline, END } from "./_helpers.ts";

// -- tokio-stream: stream_once.rs, stream_empty.rs, stream_pending.rs --

Deno.test("basic_usage (once)", async () => {
  const one = Stream.once(1);
  assertEquals(await one.next(), 1);
  assertEquals(await one.next(), undefined);
});

Deno.test("basic_usage (empty)", async () => {
  const stream = Stream.empty<number>();
  for (let i = 0; i < 2; i++) assertEquals(await stream.next(), undefined);
});

Deno.test("basic_usage (pending)", async () => {
  using clock = TestClock.install();
  const stream = Stream.pending<number>();
  const next = watch(stream.next());
  await clock.tick(10_000);
  assertEquals(next.status, "pending");
  stream.close();
  await clock.tick(0);
  assertEquals([next.status, next.value], ["fulfilled", undefined]);
  assertNoTimers(clock);
});

// -- Timing --

Deno.test("once() yields its item at once and ends at the same instant", async () => {
  await assertTimeline(() => Stream.once("x"), [[0, "x"], [0, END]]);
});

Deno.test("empty() ends at once; chained after another stream, it adds nothing", async () => {
  await assertTimeline(() => Stream.empty<number>(), [[0, END]]);
  await assertTimeline(() => Stream.once(1).chain(Stream.empty()), [[0, 1], [0, END]]);
});

Deno.test("pending() merged with a stream keeps the merge open after the other ends", async () => {
  await assertTimeline(
    () => Stream.pending<number>().merge(Stream.once(1)),
    [[0, 1], [500, "<CUTOFF>"]],
    500,
  );
});
