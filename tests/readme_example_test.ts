// The README's "Testing your own pipeline under virtual time" examples, kept running.
import FakeTimers from "@sinonjs/fake-timers";
import assert from "node:assert/strict";
import { Stream } from "../stream.ts";
import { expectTimeline, source, TestClock } from "../testing.ts";

Deno.test("throttle delays, never drops", async () => {
  using _clock = TestClock.install();
  const items = source("ab-c|", { frame: 10 }); // a and b at 0 and 10 ms, c at 30, end at 40
  await expectTimeline(items.throttle(20), "a-b-c-|", { frame: 10 });
});

Deno.test("throttle delays, never drops (sinon)", async () => {
  const clock = FakeTimers.install({ now: 0 });
  try {
    const seen: [number, string][] = [];
    const items = Stream.iter(["a", "b", "c"]); // all ready at 0 ms
    const done = items.throttle(20).forEach((item) => {
      seen.push([Date.now(), item]);
    });
    await clock.tickAsync(100);
    await done;
    assert.deepStrictEqual(seen, [[0, "a"], [20, "b"], [40, "c"]]);
  } finally {
    clock.uninstall();
  }
});
