import { main } from "../examples/listing_17_42.ts";
import { type ClockKind, CLOCKS, underClock } from "./conformance/clocks.ts";
import { liveThreads } from "../_thread/worker.ts";
import { assertEquals } from "./_assert.ts";
import { watch } from "./_helpers.ts";

const EXPECTED: [number, string][] = Array.from({ length: 10 }, (_, i) => [i * 1_000, `${i + 1}`]);

async function runListing(kind: ClockKind = "TestClock"): Promise<void> {
  await underClock(kind, async (clock) => {
    const lines: [number, string][] = [];
    const done = watch(main((line) => lines.push([clock.elapsed, line])));
    await clock.tick(9_999);
    assertEquals(lines, EXPECTED);
    assertEquals(done.status, "pending");
    await clock.tick(1);
    assertEquals(done.status, "fulfilled");
    assertEquals(lines, EXPECTED);
    assertEquals(clock.pendingTimers, 0);
    assertEquals(liveThreads(), 0);
  });
}

for (const kind of CLOCKS) {
  Deno.test(
    `listing 17-42 prints 1..10 a virtual second apart and ends at 10,000 ms (${kind})`,
    async () => {
      await runListing(kind);
    },
  );

  Deno.test(`listing 17-42's timeline is the same on 20 runs in a row (${kind})`, async () => {
    for (let run = 0; run < 20; run++) await runListing(kind);
  });
}
