import { assertEquals } from "./_assert.ts";
import { CASES } from "./conformance/cases.ts";
import { FAST_CLOCKS, underClock } from "./conformance/clocks.ts";
import { main } from "../examples/listing_17_40.ts";
import { run } from "../task.ts";

// FakeTime would wait a real timer at each of the 3,000 instants.
for (const kind of FAST_CLOCKS) {
  Deno.test(`listing 17-40 prints tokio's timeline under virtual time (${kind})`, async () => {
    await underClock(kind, async (clock) => {
      const lines: string[] = [];
      const record = (line: string) => lines.push(`${clock.elapsed}\t${line}\n`);
      const done = run(() => main({ log: record, error: record }));
      await clock.tick(3_000);
      await done;
      const expected = CASES.find((c) => c.name === "listing_default")!.expected;
      assertEquals(lines.join(""), expected);
      assertEquals(clock.pendingTimers, 0);
    });
  });
}
