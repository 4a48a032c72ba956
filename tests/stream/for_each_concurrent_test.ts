import { Stream } from "../../stream.ts";
import { sleep } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import { assertNoTimers, Probe } from "./_helpers.ts";

function recorder(clock: TestClock) {
  const log: [number, string][] = [];
  const f = async (ms: number, { signal }: { signal: AbortSignal }) => {
    log.push([clock.elapsed, `start ${ms}`]);
    signal.addEventListener("abort", () => log.push([clock.elapsed, `abort ${ms}`]));
    await sleep(ms, { signal });
    log.push([clock.elapsed, `end ${ms}`]);
  };
  return { log, f };
}

// -- Timing --

Deno.test("forEachConcurrent(n) runs at most n calls at once and resolves after the last", async () => {
  using clock = TestClock.install();
  const { log, f } = recorder(clock);
  const done = watch(Stream.iter([30, 10, 20]).forEachConcurrent(2, f));
  await clock.tick(29);
  assertEquals(done.status, "pending");
  await clock.tick(1);
  assertEquals(done.status, "fulfilled");
  assertEquals(log, [
    [0, "start 30"],
    [0, "start 10"],
    [10, "end 10"],
    [10, "start 20"],
    [30, "end 30"],
    [30, "end 20"],
  ]);
  assertNoTimers(clock);
});

Deno.test("forEachConcurrent() pulls the stream only while a call slot is free", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, 50], [0, 50], [0, 50]]);
  const { f } = recorder(clock);
  const done = watch(Stream.from(probe).forEachConcurrent(2, f));
  await clock.tick(49);
  assertEquals(probe.nexts, 2);
  await clock.tick(1);
  assertEquals(probe.nexts, 4);
  await clock.tick(50);
  assertEquals([done.status, probe.returns], ["fulfilled", 0]);
  assertNoTimers(clock);
});

// -- Errors --

Deno.test("forEachConcurrent() rejects with the first error and aborts the calls still running", async () => {
  using clock = TestClock.install();
  const failure = new Error("boom");
  const { log, f } = recorder(clock);
  const done = watch(
    Stream.iter([30, 10, 20]).forEachConcurrent(3, async (ms, context) => {
      if (ms === 10) {
        await sleep(10);
        throw failure;
      }
      await f(ms, context);
    }),
  );
  await clock.tick(10);
  assertEquals([done.status, done.reason], ["rejected", failure]);
  assertEquals(log, [[0, "start 30"], [0, "start 20"], [10, "abort 30"], [10, "abort 20"]]);
  await clock.runAll();
  assertNoTimers(clock);
});

// -- Cancellation --

Deno.test("forEachConcurrent() with an aborted signal rejects with its reason and aborts the calls", async () => {
  using clock = TestClock.install();
  const { log, f } = recorder(clock);
  const controller = new AbortController();
  const done = watch(Stream.iter([30, 40]).forEachConcurrent(2, f, { signal: controller.signal }));
  await clock.tick(5);
  controller.abort("stop");
  await clock.tick(0);
  assertEquals([done.status, done.reason], ["rejected", "stop"]);
  assertEquals(log, [[0, "start 30"], [0, "start 40"], [5, "abort 30"], [5, "abort 40"]]);
  assertNoTimers(clock);
});

// -- Bad input --

Deno.test("forEachConcurrent() with a bad limit or a non-function is an error at the call", () => {
  assertThrows(() => Stream.iter([1]).forEachConcurrent(0, () => {}), RangeError);
  assertThrows(() => Stream.iter([1]).forEachConcurrent(2, 42 as never), TypeError);
});
