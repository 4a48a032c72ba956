import { Elapsed, type Result, Stream } from "../../stream.ts";
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
  timeline,
} from "./_helpers.ts";

/** An item as its text, an Elapsed as "Elapsed(())" (what the listings print). */
function text<T>(result: Result<T, Elapsed>): string {
  return result.ok ? String(result.value) : String(result.error);
}

function timed(events: [number, string][], closeAt: number | null, ms: number): Stream<string> {
  return feed(events, { closeAt }).stream.timeout(ms).map(text);
}

const E = "Elapsed(())";

// -- Timing --

Deno.test("timeout() passes items as ok results while they come in time", async () => {
  await assertTimeline(
    () => feed([[10, "a"], [50, "b"]], { closeAt: 60 }).stream.timeout(100),
    [[10, { ok: true, value: "a" }], [50, { ok: true, value: "b" }], [60, END]],
  );
});

Deno.test("timeout() yields one Elapsed per gap, and the stream goes on", async () => {
  await assertTimeline(
    () => timed([[50, "a"], [1_000, "b"], [1_050, "c"]], 1_060, 100),
    [[50, "a"], [150, E], [1_000, "b"], [1_050, "c"], [1_060, END]],
  );
});

Deno.test("timeout() yields an Elapsed before the first item when it is late", async () => {
  await assertTimeline(
    () => timed([[250, "a"]], 260, 100),
    [[100, E], [250, "a"], [260, END]],
  );
});

Deno.test("timeout() starts its deadline at the call, not at the first pull", async () => {
  using clock = TestClock.install();
  const stream = timed([[150, "a"]], 160, 100);
  await clock.tick(60);
  assertEquals(await timeline(stream, clock, 1_000), [[100, E], [150, "a"], [160, END]]);
  assertNoTimers(clock);
});

Deno.test("timeout() moves the deadline to now + d at each item", async () => {
  await assertTimeline(
    () => timed([[90, "a"], [180, "b"], [300, "c"]], 310, 100),
    [[90, "a"], [180, "b"], [280, E], [300, "c"], [310, END]],
  );
});

Deno.test("timeout(): an item already available wins over an expired deadline", async () => {
  using clock = TestClock.install();
  const stream = timed([[0, "a"], [150, "b"]], 350, 100);
  assertEquals(await stream.next(), "a");
  await clock.tick(300);
  assertEquals(await stream.next(), "b");
  const end = watch(stream.next());
  await clock.tick(50);
  assertEquals([clock.elapsed, end.status, end.value], [350, "fulfilled", undefined]);
  assertNoTimers(clock);
});

Deno.test("timeout(): a deadline on the same instant as an item yields Elapsed first", async () => {
  await assertTimeline(
    () =>
      timed(
        [[100, "on-first-deadline"], [200, "on-reset-deadline"], [250, "early"], [400, "late"]],
        450,
        100,
      ),
    [
      [100, E],
      [100, "on-first-deadline"],
      [200, E],
      [200, "on-reset-deadline"],
      [250, "early"],
      [350, E],
      [400, "late"],
      [450, END],
    ],
  );
});

Deno.test("timeout() ends as soon as its source ends, with no Elapsed after", async () => {
  await assertTimeline(() => timed([[10, "a"]], 50, 100), [[10, "a"], [50, END]]);
  await assertTimeline(() => Stream.iter(["a"]).timeout(100).map(text), [[0, "a"], [0, END]]);
});

Deno.test("timeout()'s Elapsed is an Error that prints as Elapsed(())", async () => {
  using clock = TestClock.install();
  const results = watch(feed([], { closeAt: 150 }).stream.timeout(100).toArray());
  await clock.tick(200);
  const [result] = results.value!;
  assert(result !== undefined && !result.ok);
  const error = result.error;
  assert(error instanceof Elapsed && error instanceof Error);
  assertEquals([error.name, String(error), Deno.inspect(error)], [
    "Elapsed",
    "Elapsed(())",
    "Elapsed(())",
  ]);
  assertEquals(results.value!.length, 1);
});

// -- Cancellation --

Deno.test("breaking out of a timeout() loop closes the source and clears the deadline", async () => {
  await assertBreakCloses((source) => source.timeout(5), 1);
  await assertBreakCloses((source) => source.timeout(5), 3);
});

Deno.test("an error upstream of timeout() ends the stream after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).timeout(5)
  );
});

// -- Bad input --

Deno.test("timeout() with a negative, NaN or infinite duration is a RangeError at the call", async () => {
  const stream = Stream.iter([1]);
  for (const ms of [-1, NaN, Infinity, -Infinity, "10"]) {
    const error = assertThrows(
      () => stream.timeout(ms as number),
      RangeError,
      "Cannot set a timeout",
    );
    assert(error.message.startsWith("Cannot "));
  }
  assertEquals(await stream.timeout(10).toArray(), [{ ok: true, value: 1 }]);
});

Deno.test("timeout() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.timeout(1);
  assertThrows(() => stream.timeout(1), TypeError, "Cannot timeout");
});
