import { assertEquals } from "./_assert.ts";
import { CASES } from "./conformance/cases.ts";
import { main } from "../examples/listing_17_40.ts";
import { run } from "../task.ts";
import { TestClock } from "../testing.ts";

Deno.test("listing 17-40 prints tokio's timeline under virtual time", async () => {
  using clock = TestClock.install();
  const lines: string[] = [];
  const record = (line: string) => lines.push(`${clock.elapsed}\t${line}\n`);
  const done = run(() => main({ log: record, error: record }));
  await clock.tick(3_000);
  await done;
  const expected = CASES.find((c) => c.name === "listing_default")!.expected;
  assertEquals(lines.join(""), expected);
  assertEquals(clock.pendingTimers, 0);
});
