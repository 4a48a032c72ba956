/**
 * weft reads time through `globalThis.setTimeout` and `Date.now()` at call
 * time, so other fake clocks control it too: here `@sinonjs/fake-timers`.
 */
import { setImmediate } from "node:timers";
import { assertEquals } from "./_assert.ts";
import { CASES } from "./conformance/cases.ts";
import { main } from "../examples/listing_17_40.ts";
import { run, sleep } from "../task.ts";

// fake-timers yields to the event loop through setImmediate when the global has one.
(globalThis as { setImmediate?: unknown }).setImmediate ??= setImmediate;
const { default: FakeTimers } = await import("@sinonjs/fake-timers");

Deno.test("@sinonjs/fake-timers drives listing 17-40 to tokio's exact timeline", async () => {
  const clock = FakeTimers.withGlobal(globalThis).install({ now: 0 });
  try {
    const lines: string[] = [];
    const record = (line: string) => lines.push(`${Date.now()}\t${line}\n`);
    const done = run(() => main({ log: record, error: record }));
    await clock.tickAsync(3_000);
    await done;
    const expected = CASES.find((c) => c.name === "listing_default")!.expected;
    assertEquals(lines.join(""), expected);
    assertEquals(clock.countTimers(), 0);
  } finally {
    clock.uninstall();
  }
});

Deno.test("@sinonjs/fake-timers: sleep resolves at its virtual deadline", async () => {
  const clock = FakeTimers.withGlobal(globalThis).install({ now: 0 });
  try {
    const woke: number[] = [];
    const done = Promise.all([10, 30, 20].map((ms) => sleep(ms).then(() => woke.push(Date.now()))));
    await clock.tickAsync(100);
    await done;
    assertEquals(woke, [10, 20, 30]);
  } finally {
    clock.uninstall();
  }
});
