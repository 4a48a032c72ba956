import { interval, Stream } from "../../stream.ts";
import { sleep } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertNoTimers,
  assertTimeline,
  END,
  feed,
  Probe,
} from "./_helpers.ts";

async function slowly(ms: number): Promise<number> {
  await sleep(ms);
  return ms;
}

// -- Timing --

Deno.test("mapAsync() yields each result once it settles, one at a time, in order", async () => {
  await assertTimeline(
    () => Stream.iter([30, 10, 20]).mapAsync(slowly),
    [[30, 30], [40, 10], [60, 20], [60, END]],
  );
});

Deno.test("mapAsync() starts each call when its item is pulled", async () => {
  await assertTimeline(
    () => feed([[0, 5], [100, 5]], { closeAt: 200 }).stream.mapAsync(slowly),
    [[5, 5], [105, 5], [200, END]],
  );
});

Deno.test("mapAsync() does not pull its source while a result is pending", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, 100], [0, 100]]);
  // The interval wakes the consumer every 10 ms while the first result is pending.
  const mapped = Stream.from(probe).mapAsync(slowly).merge(
    interval(10).take(15).filter(() => false),
  );
  const results = watch(mapped.toArray());
  await clock.tick(99);
  assertEquals(probe.nexts, 1);
  await clock.tick(1);
  assertEquals(probe.nexts, 2);
  await clock.tick(100);
  assertEquals(results.value, [100, 100]);
  assertNoTimers(clock);
});

Deno.test("mapAsync() passes plain values and thenables through", async () => {
  const thenable = (n: number): PromiseLike<number> => ({
    then: (resolve) => Promise.resolve(resolve?.(n * 10)) as never,
  });
  assertEquals(await Stream.iter([1, 2]).mapAsync((n) => n + 1).toArray(), [2, 3]);
  assertEquals(await Stream.iter([1, 2]).mapAsync(thenable).toArray(), [10, 20]);
});

// -- Cancellation --

Deno.test("breaking out of a mapAsync() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.mapAsync(async (n) => await n), 2);
});

Deno.test("close() while a mapAsync() result is pending ends the pull and ignores the late result", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, 100], [0, 100]], null);
  const stream = Stream.from(probe).mapAsync(slowly);
  const pending = watch(stream.next());
  await clock.tick(50);
  stream.close();
  await clock.tick(0);
  assertEquals([pending.status, pending.value, probe.returns], ["fulfilled", undefined, 1]);
  await clock.tick(50);
  assertEquals(await stream.next(), undefined);
  assertEquals([probe.nexts, probe.returns], [1, 1]);
  assertNoTimers(clock);
});

Deno.test("mapAsync() whose f rejects ends the stream with that error after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.mapAsync(async (n) => {
      await sleep(1);
      if (n === 2) throw failure;
      return n;
    })
  );
});

Deno.test("mapAsync() whose f throws synchronously ends the stream the same way", async () => {
  await assertErrorCloses((source, failure) =>
    source.mapAsync((n) => {
      if (n === 2) throw failure;
      return Promise.resolve(n);
    })
  );
});

// -- Bad input --

Deno.test("mapAsync() with a non-function is a TypeError at the call, and the stream stays usable", async () => {
  const stream = Stream.iter([1]);
  for (const f of [undefined, null, 42, Promise.resolve()]) {
    const error = assertThrows(() => stream.mapAsync(f as never), TypeError, "Cannot mapAsync");
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.mapAsync((n) => n).toArray(), [1]);
});

Deno.test("mapAsync() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.mapAsync((n) => n);
  assertThrows(() => stream.mapAsync((n) => n), TypeError, "Cannot mapAsync");
});

Deno.test("a stream is not a thenable: awaiting one does not consume it", async () => {
  const stream = Stream.iter([1]);
  assert((await stream) === stream);
  assertEquals(await stream.toArray(), [1]);
});

// -- Concurrency --

Deno.test("mapAsync() with concurrency runs that many at once and keeps source order", async () => {
  await assertTimeline(
    () => Stream.iter([30, 10, 20, 5]).mapAsync(slowly, { concurrency: 2 }),
    [[30, 30], [30, 10], [50, 20], [50, 5], [50, END]],
  );
});

Deno.test("mapAsync() unordered yields results as they settle", async () => {
  await assertTimeline(
    () => Stream.iter([30, 10, 20, 5]).mapAsync(slowly, { concurrency: 2, ordered: false }),
    [[10, 10], [30, 30], [30, 20], [35, 5], [35, END]],
  );
});

Deno.test("mapAsync() with Infinity starts every item at once", async () => {
  await assertTimeline(
    () => Stream.iter([30, 10, 20]).mapAsync(slowly, { concurrency: Infinity, ordered: false }),
    [[10, 10], [20, 20], [30, 30], [30, END]],
  );
});

Deno.test("mapAsync() hands each call a signal that aborts when the stream is dropped", async () => {
  using clock = TestClock.install();
  const aborted: [number, number][] = [];
  const stream = Stream.iter([10, 40, 50]).mapAsync(async (ms, { signal }) => {
    signal.addEventListener("abort", () => aborted.push([clock.elapsed, ms]));
    await sleep(ms, { signal });
    return ms;
  }, { concurrency: 3 });
  const first = watch(stream.next());
  await clock.tick(20);
  assertEquals(first.value, 10);
  stream.close();
  assertEquals(aborted, [[20, 40], [20, 50]]);
  await clock.runAll();
  assertNoTimers(clock);
});

Deno.test("mapAsync() ordered yields an error after the results before it, unordered at once", async () => {
  for (const ordered of [true, false]) {
    using clock = TestClock.install();
    const failure = new Error("10 failed");
    const f = async (ms: number, { signal }: { signal: AbortSignal }) => {
      await sleep(ms, { signal });
      if (ms === 10) throw failure;
      return ms;
    };
    const seen: [number, unknown][] = [];
    const done = Stream.iter([20, 10, 30]).mapAsync(f, { concurrency: 3, ordered })
      .forEach((x) => void seen.push([clock.elapsed, x]))
      .catch((error) => void seen.push([clock.elapsed, error]));
    await clock.tick(100);
    await done;
    assertEquals(seen, ordered ? [[20, 20], [20, failure]] : [[10, failure]]);
    assertNoTimers(clock);
  }
});

Deno.test("mapAsync() with a bad concurrency is a RangeError at the call", () => {
  for (const concurrency of [0, -1, 2.5, NaN]) {
    assertThrows(() => Stream.iter([1]).mapAsync((n) => n, { concurrency }), RangeError);
  }
});
