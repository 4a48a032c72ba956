import { assert, assertEquals } from "./_assert.ts";
import { fetchMany, latencyOf, main, type Progress } from "../examples/fetch_many.ts";
import { run } from "../task.ts";
import { TestClock } from "../testing.ts";

/** The same job worked out by hand: `slots` workers, each taking the next id as it frees up. */
function expectedTimeline(n: number, slots: number, timeoutMs: number): [number, number][] {
  const running: [number, number][] = []; // [end, id]
  const ended: [number, number][] = [];
  let next = 0;
  for (; next < Math.min(slots, n); next++) {
    running.push([Math.min(latencyOf(next), timeoutMs), next]);
  }
  while (running.length > 0) {
    running.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const [end, id] = running.shift()!;
    ended.push([end, id]);
    if (next < n) running.push([end + Math.min(latencyOf(next), timeoutMs), next++]);
  }
  return ended;
}

/** `[ms, ids ended at that instant, sorted]`: the timeline compared instant by instant. */
function byInstant(timeline: [number, number][]): [number, number[]][] {
  const instants = new Map<number, number[]>();
  for (const [ms, id] of timeline) instants.set(ms, [...(instants.get(ms) ?? []), id]);
  return [...instants].map(([ms, ids]) => [ms, ids.sort((a, b) => a - b)]);
}

// -- The example --

Deno.test("fetch_many: 1,000 requests, 16 at a time, end on the hand-worked timeline", async () => {
  using clock = TestClock.install();
  const ended: [number, number][] = [];
  const progress: Progress[] = [];
  const done = run(() =>
    fetchMany({
      n: 1_000,
      concurrency: 16,
      timeoutMs: 200,
      onProgress: (p) => progress.push(p),
    }).then((outcomes) => outcomes.map((o) => ended.push([o.at - start, o.id])))
  );
  const start = Date.now();
  await clock.tick(20_000);
  await done;
  assertEquals(byInstant(ended), byInstant(expectedTimeline(1_000, 16, 200)));
  // The timeline is the 16-slot one; as each result is seen, at most 15 others are in flight.
  assert(progress.every((p) => p.inFlight <= 15), "16 in flight at most (one just ended)");
  assertEquals(progress.at(-1), { done: 1_000, total: 1_000, timedOut: 225, inFlight: 0 });
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("fetch_many: main draws the bar at each percent and exits with nothing left behind", async () => {
  using clock = TestClock.install();
  const frames: string[] = [];
  const done = run(() => main((text) => frames.push(`${clock.elapsed} ${text.trim()}`)));
  await clock.tick(20_000);
  const outcomes = await done;
  assertEquals(outcomes.length, 1_000);
  assertEquals(frames.length, 102);
  assertEquals(
    frames[0],
    "11 [------------------------------]    1/1000  timed out 0  in flight 15",
  );
  assertEquals(
    frames.at(-2),
    "7910 [##############################] 1000/1000  timed out 225  in flight 0",
  );
  assertEquals(frames.at(-1), "7910 775 answered, 225 timed out");
  assertEquals(clock.pendingTimers, 0);
});
