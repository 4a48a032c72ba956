// The README's "Testing your own pipeline under virtual time" example, kept running.
import { expectTimeline, source, TestClock } from "../testing.ts";

Deno.test("throttle delays, never drops", async () => {
  using _clock = TestClock.install();
  const items = source("ab-c|", { frame: 10 }); // a and b at 0 and 10 ms, c at 30, end at 40
  await expectTimeline(items.throttle(20), "a-b-c-|", { frame: 10 });
});
