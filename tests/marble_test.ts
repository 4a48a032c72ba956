import { AssertionError } from "node:assert";
import { Stream } from "../stream.ts";
import { sleep, spawnTask } from "../task.ts";
import { expectTimeline, source, TestClock, timeline } from "../testing.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./_assert.ts";

/** The message of the AssertionError `expectTimeline` rejects with. */
async function mismatch(done: Promise<void>): Promise<string[]> {
  const error = await assertRejects(done, AssertionError);
  return error.message.split("\n");
}

// -- Sources --

Deno.test("source() yields each letter at its frame and ends at '|'", async () => {
  using _clock = TestClock.install();
  const seen = await timeline(source("-a--b-|"), 100);
  assertEquals(seen.items, [[1, "a"], [4, "b"]]);
  assertEquals(seen.end, 6);
  assertEquals(seen.failed, false);
});

Deno.test("source() scales frames by `frame` ms", async () => {
  using _clock = TestClock.install();
  const seen = await timeline(source("-a--b-|", { frame: 100 }), 1_000);
  assertEquals(seen.items, [[100, "a"], [400, "b"]]);
  assertEquals(seen.end, 600);
});

Deno.test("source() maps letters through `values`", async () => {
  using _clock = TestClock.install();
  const seen = await timeline(source("ab|", { values: { a: { n: 1 }, b: { n: 2 } } }), 10);
  assertEquals(seen.items, [[0, { n: 1 }], [1, { n: 2 }]]);
});

Deno.test("source() ignores spaces", async () => {
  using _clock = TestClock.install();
  const seen = await timeline(source(" - a  - b | "), 10);
  assertEquals(seen.items, [[1, "a"], [3, "b"]]);
  assertEquals(seen.end, 4);
});

Deno.test("source() sends a group's items at one frame; the group takes one frame", async () => {
  using _clock = TestClock.install();
  const seen = await timeline(source("-(ab)-c(d|)"), 10);
  assertEquals(seen.items, [[1, "a"], [1, "b"], [3, "c"], [4, "d"]]);
  assertEquals(seen.end, 4);
});

Deno.test("source() fails at '#' with `error`", async () => {
  using _clock = TestClock.install();
  const boom = new RangeError("boom");
  const seen = await timeline(source("-a-#", { error: boom }), 10);
  assertEquals(seen.items, [[1, "a"]]);
  assertEquals(seen.end, 3);
  assertEquals(seen.failed, true);
  assert(seen.error === boom);
});

Deno.test("source() fails at '#' with a default error", async () => {
  using _clock = TestClock.install();
  const seen = await timeline(source("#"), 10);
  assertEquals(seen.end, 0);
  assert(seen.error instanceof Error);
  assertEquals(seen.error.message, "marble source failed");
});

Deno.test("source() without '|' never ends; closing it stops its producer", async () => {
  using clock = TestClock.install();
  const seen = await timeline(source("-a-----b"), 3);
  assertEquals(seen.items, [[1, "a"]]);
  assertEquals(seen.end, null);
  assertEquals(clock.pendingTimers, 1, "the producer still sleeps until b");
  await clock.tick(10);
  assertEquals(clock.pendingTimers, 0, "b's send failed and the producer stopped");
});

Deno.test("source() items wait in the channel until they are read", async () => {
  using clock = TestClock.install();
  const stream = source("ab-c|");
  await clock.tick(10);
  assertEquals(await stream.toArray(), ["a", "b", "c"]);
});

// -- Bad marbles --

Deno.test("source() rejects a bad marble with a TypeError that says where", () => {
  const bad: [string, string][] = [
    ["-a-^", "unknown character '^' at index 3"],
    ["-a)", "')' at index 2 closes no group"],
    ["-(ab", "the group at index 1 is not closed"],
    ["((a))", "'(' at index 1 opens a group inside a group"],
    ["(a-b)", "'-' at index 2 is inside a group"],
    ["a()", "the group at index 1 is empty"],
    ["a|-", "'-' at index 2 follows the end"],
    ["(|a)", "'a' at index 2 follows the end"],
    ["#b", "'b' at index 1 follows the end"],
    ["", "no frame"],
    ["   ", "no frame"],
  ];
  for (const [marble, why] of bad) {
    const error = assertThrows(() => source(marble), TypeError);
    assertEquals(error.message, `Cannot make the source: ${why} in marble "${marble}"`);
  }
});

Deno.test("source() rejects a bad frame, a non-string marble and a missing value", () => {
  for (const frame of [0, -1, NaN, Infinity]) {
    assertThrows(() => source("a|", { frame }), RangeError, "Cannot make the source: the frame");
  }
  assertThrows(
    () => source("a|", { frame: "1" as unknown as number }),
    TypeError,
    "Cannot make the source: the frame must be a number",
  );
  assertThrows(
    () => source(42 as unknown as string),
    TypeError,
    "Cannot make the source: the marble must be a string",
  );
  assertThrows(
    () => source("ab|", { values: { a: 1 } }),
    TypeError,
    "Cannot make the source: no value for 'b' in values",
  );
});

Deno.test("expectTimeline() rejects a bad marble, a bad frame and a missing clock", async () => {
  using _clock = TestClock.install();
  await assertRejects(expectTimeline([], "a*"), TypeError, "Cannot expect the timeline: unknown");
  await assertRejects(expectTimeline([], "|", { frame: 0 }), RangeError, "Cannot expect");
  _clock.uninstall();
  await assertRejects(expectTimeline([], "|"), TypeError, "no TestClock is installed");
});

Deno.test("timeline() rejects a bad duration", async () => {
  using _clock = TestClock.install();
  await assertRejects(timeline([], -1), RangeError, "Cannot record the timeline");
  await assertRejects(timeline([], NaN), RangeError, "Cannot record the timeline");
});

// -- Matching --

Deno.test("expectTimeline() passes when items, frames and the end match", async () => {
  using clock = TestClock.install();
  await expectTimeline(source("-a-(bc)--|"), "-a-(bc)--|");
  await expectTimeline(source("a b c |", { frame: 50 }), "abc|", { frame: 50 });
  await expectTimeline(Stream.iter(["x", "y"]), "(xy|)");
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("expectTimeline() advances the clock by the marble's frames", async () => {
  using clock = TestClock.install();
  await expectTimeline(source("-a"), "-a---");
  assertEquals(clock.elapsed, 4, "to the marble's last frame");
  await expectTimeline(source("a|", { frame: 100 }), "a|", { frame: 100 });
  assertEquals(clock.elapsed, 104);
});

Deno.test("expectTimeline() compares items with `values`, deeply", async () => {
  using _clock = TestClock.install();
  const values = { a: { id: 1 }, b: { id: 2 } };
  await expectTimeline(source("a-b|", { values }), "a-b|", { values });
  await expectTimeline(
    source("a-b|", { values: { a: 1, b: 2 } }).map((n) => n * 10),
    "x-y|",
    { values: { x: 10, y: 20 } },
  );
});

Deno.test("expectTimeline() asserts nothing after the marble's last frame", async () => {
  using _clock = TestClock.install();
  await expectTimeline(source("-a--b--c|"), "-a--");
});

Deno.test("expectTimeline() matches '#' with any error unless `error` is given", async () => {
  using _clock = TestClock.install();
  const boom = new TypeError("boom");
  await expectTimeline(source("-a#", { error: boom }), "-a#");
  await expectTimeline(source("-a#", { error: boom }), "-a#", { error: new TypeError("boom") });
  const lines = await mismatch(
    expectTimeline(source("-a#", { error: boom }), "-a#", { error: new TypeError("bang") }),
  );
  assertEquals(lines.slice(1, 4), [
    "expected  -a#",
    "actual    -a#",
    "            ^ the marbles look the same: the values differ",
  ]);
});

Deno.test("expectTimeline() takes a promise or a task as one item and its end", async () => {
  using _clock = TestClock.install();
  await expectTimeline(sleep(3).then(() => "a"), "---(a|)");
  const task = spawnTask(async () => {
    await sleep(20);
    return 7;
  });
  await expectTimeline(task, "--(s|)", { frame: 10, values: { s: 7 } });
  await expectTimeline(sleep(2).then(() => Promise.reject(new Error("no"))), "--#");
});

Deno.test("expectTimeline() reads any async iterable", async () => {
  using _clock = TestClock.install();
  async function* letters(): AsyncGenerator<string> {
    await sleep(1);
    yield "a";
    await sleep(2);
    yield "b";
  }
  await expectTimeline(letters(), "-a-(b|)");
});

Deno.test("expectTimeline() rejects a stream that was already iterated", async () => {
  using _clock = TestClock.install();
  const stream = Stream.iter(["a"]);
  stream.map((x) => x);
  await assertRejects(expectTimeline(stream, "a|"), TypeError);
});

// -- Mismatches --

Deno.test("a mismatch prints expected over actual, aligned, with a caret", async () => {
  using _clock = TestClock.install();
  const lines = await mismatch(expectTimeline(source("-a-b-c|"), "-a-(bc)|"));
  assertEquals(lines, [
    "Cannot match the timeline: event 3 differs: expected 'c' at 3 ms, actual nothing (frame 1 ms)",
    "expected  -a-(bc)|",
    "actual    -a-b   -",
    "             ^",
    "expected events (ms value): 1 'a', 3 'b', >>3 'c'<<, 4 |",
    "actual events   (ms value): 1 'a', 3 'b'",
  ]);
});

Deno.test("a mismatch widens the actual side for its groups", async () => {
  using _clock = TestClock.install();
  const lines = await mismatch(expectTimeline(source("a(bc)d|"), "a-b-c-d|"));
  assertEquals(lines.slice(1, 4), [
    "expected  a-   b-c-d|",
    "actual    a(bc)d|",
    "           ^",
  ]);
});

Deno.test("a mismatch shows an early end, a late end and a missing end", async () => {
  using _clock = TestClock.install();
  let lines = await mismatch(expectTimeline(source("-a|"), "-a--|"));
  assertEquals(lines.slice(1, 4), ["expected  -a--|", "actual    -a|", "            ^"]);
  lines = await mismatch(expectTimeline(source("-a---|"), "-a|"));
  assertEquals(lines.slice(1, 4), ["expected  -a|", "actual    -a-", "            ^"]);
  assertEquals(lines[5], "actual events   (ms value): 1 'a'");
});

Deno.test("a mismatch draws an item no letter stands for as '?'", async () => {
  using _clock = TestClock.install();
  const values = { a: 1, b: 2 };
  const lines = await mismatch(
    expectTimeline(source("ab|", { values }).map((n) => n * 3), "ab|", { values }),
  );
  assertEquals(lines.slice(1, 3), ["expected  ab|", "actual    ??|"]);
  assertEquals(lines[5], "actual events   (ms value): >>0 3<<, 1 6, 2 |");
});

Deno.test("a mismatch gives the exact time of an item between two frames", async () => {
  using _clock = TestClock.install();
  const lines = await mismatch(
    expectTimeline(source("-a|", { frame: 10 }).throttle(15), "-a|", { frame: 10 }),
  );
  assertEquals(
    lines[0],
    "Cannot match the timeline: event 2 differs: expected the end (|) at 20 ms, actual nothing (frame 10 ms)",
  );
  assertEquals(lines.slice(1, 3), ["expected  -a|", "actual    -a-"]);
  assertEquals(lines[5], "actual events   (ms value): 10 'a'");
  const late = await mismatch(
    expectTimeline(source("-a|", { frame: 10 }).throttle(15), "-a-|", { frame: 10 }),
  );
  assertEquals(late.slice(1, 3), ["expected  -a-|", "actual    -a|"]);
  assertEquals(late[5], "actual events   (ms value): 10 'a', >>25 |<<");
});

Deno.test("a mismatch within a frame names the event and both times on its first line", async () => {
  using _clock = TestClock.install();
  async function* late() {
    yield "a";
    await sleep(21);
    yield "b";
    await sleep(9);
  }
  const lines = await mismatch(expectTimeline(late(), "a-b|", { frame: 10 }));
  assertEquals(lines.slice(0, 4), [
    "Cannot match the timeline: event 2 differs: expected 'b' at 20 ms, actual 'b' at 21 ms (frame 10 ms)",
    "expected  a-b|",
    "actual    a-b|",
    "            ^ the marbles look the same: the times differ within a frame",
  ]);
  assertEquals(lines.slice(4), [
    "expected events (ms value): 0 'a', >>20 'b'<<, 30 |",
    "actual events   (ms value): 0 'a', >>21 'b'<<, 30 |",
  ]);
});

Deno.test("a mismatch of values shows both lists", async () => {
  using _clock = TestClock.install();
  const lines = await mismatch(expectTimeline(source("ab|"), "ba|"));
  assertEquals(lines.slice(1, 4), ["expected  ba|", "actual    ab|", "          ^"]);
  assertEquals(lines.slice(4), [
    "expected events (ms value): >>0 'b'<<, 1 'a', 2 |",
    "actual events   (ms value): >>0 'a'<<, 1 'b', 2 |",
  ]);
});
