import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { assertBreakCloses, assertErrorCloses, assertTimeline, END } from "./_helpers.ts";
import { interval } from "../../stream.ts";
import { sleep } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { watch } from "../_helpers.ts";
import { assertNoTimers, Counted } from "./_helpers.ts";

// -- futures-rs: stream.rs --

Deno.test("take_until", async () => {
  using clock = TestClock.install();
  // Stops once the future has settled: here after the items of one instant.
  const { promise, resolve } = Promise.withResolvers<void>();
  const stream = Stream.iter([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).takeUntil(promise);
  assertEquals([await stream.next(), await stream.next()], [1, 2]);
  resolve();
  await clock.tick(0);
  assertEquals(await stream.next(), undefined);
  // A stream that ends first leaves the future alone, and stays ended (fused).
  const items = new Counted([1]);
  const fused = Stream.iter(items).takeUntil(new Promise(() => {}));
  assertEquals([await fused.next(), await fused.next(), await fused.next()], [
    1,
    undefined,
    undefined,
  ]);
  assertEquals(items.nexts, 2);
});

// -- Timing --

Deno.test("takeUntil() ends at the instant its future settles", async () => {
  await assertTimeline(() => interval(10).takeUntil(sleep(25)), [[0, 0], [10, 10], [20, 20], [
    25,
    END,
  ]]);
});

Deno.test("takeUntil() sees a promise settled at the instant of an item after that item", async () => {
  // tokio polls its future inside the stream's poll; a promise is seen once its callbacks ran,
  // and a stream's own deadline is polled before sleeping tasks resume at the same instant.
  using clock = TestClock.install();
  const ticks = watch(interval(10).takeUntil(sleep(20)).toArray());
  await clock.tick(30);
  assertEquals(ticks.value, [0, 10, 20]);
  assertNoTimers(clock);
});

// -- Errors and cancellation --

Deno.test("takeUntil() whose future rejects ends the stream with that error", async () => {
  await assertErrorCloses((source, failure) =>
    source.takeUntil(sleep(20).then(() => Promise.reject(failure)))
  );
});

Deno.test("breaking out of a takeUntil() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.takeUntil(new Promise(() => {})), 2);
});

Deno.test("takeUntil(42) is a TypeError at the call", () => {
  assertThrows(() => Stream.iter([1]).takeUntil(42 as never), TypeError, "Cannot takeUntil");
});
