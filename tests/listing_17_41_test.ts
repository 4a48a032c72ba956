import { assertEquals } from "./_assert.ts";
import { CASES } from "./conformance/cases.ts";
import { main } from "../examples/listing_17_41.ts";
import { run } from "../task.ts";
import { type ClockKind, FAST_CLOCKS, underClock } from "./conformance/clocks.ts";
import { liveThreads } from "../_thread/worker.ts";

const EXPECTED = CASES.find((c) => c.name === "listing_default")!.expected;

async function runListing(kind: ClockKind = "TestClock"): Promise<void> {
  await underClock(kind, async (clock) => {
    const lines: string[] = [];
    const record = (line: string) => lines.push(`${clock.elapsed}\t${line}\n`);
    const done = run(() => main({ log: record, error: record }));
    await clock.tick(3_000);
    await done;
    assertEquals(lines.join(""), EXPECTED);
    assertEquals(clock.pendingTimers, 0);
    assertEquals(liveThreads(), 0);
  });
}

// FakeTime would wait a real timer at each of the 3,000 instants.
for (const kind of FAST_CLOCKS) {
  Deno.test(
    `listing 17-41 (intervals from a thread) prints tokio's timeline under virtual time (${kind})`,
    async () => {
      await runListing(kind);
    },
  );
}
