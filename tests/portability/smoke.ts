/**
 * A runtime-neutral smoke suite: weft's task path, channels and streams, run
 * unchanged on Deno, Node (through tsx) and Bun by `tools/portability.sh`.
 *
 * No `Deno.*` API, no test runner, no `using` declaration: plain top-level
 * code that prints `ok <name>` or `FAILED <name>` for each check, then throws
 * if any failed (so the process exits non-zero), else prints `ok all`. Everything timed runs under
 * `TestClock`; nothing sleeps for real.
 *
 * @module
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { main as listing1740 } from "../../examples/listing_17_40.ts";
import { channel, run, SendError, sleep, spawnTask, Stream } from "../../mod.ts";
import { expectTimeline, source, TestClock } from "../../testing.ts";
import { CASES } from "../conformance/cases.ts";

/** Runs `body` under a fresh TestClock, uninstalled on every path. */
async function withClock(body: (clock: TestClock) => Promise<void>): Promise<void> {
  const clock = TestClock.install();
  try {
    await body(clock);
  } finally {
    clock.uninstall();
  }
}

/** Names of the checks that failed so far. */
const failures: string[] = [];

/** Runs one named check, printing `ok <name>` or `FAILED <name>` and the error. */
async function check(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    failures.push(name);
    const text = error instanceof Error ? error.stack ?? String(error) : String(error);
    console.log(`FAILED ${name}\n  ${text.replaceAll("\n", "\n  ")}`);
    return;
  }
  console.log(`ok ${name}`);
}

/**
 * Handles `promise`'s rejection at once, so that a failure while the clock is
 * being advanced is not an unhandled rejection (which ends a Node process);
 * the returned function gives its value or rethrows its error.
 */
function outcome<T>(promise: Promise<T>): () => Promise<T> {
  const settled = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return async () => {
    const result = await settled;
    if (!result.ok) throw result.error;
    return result.value;
  };
}

await check(
  "listing 17-40 prints tokio's timeline under TestClock",
  () =>
    withClock(async (clock) => {
      const lines: string[] = [];
      const record = (line: string) => lines.push(`${clock.elapsed}\t${line}\n`);
      const done = outcome(run(() => listing1740({ log: record, error: record })));
      await clock.tick(3_000);
      await done();
      const expected = CASES.find((c) => c.name === "listing_default")?.expected;
      ok(expected !== undefined, "the conformance case listing_default is missing");
      deepStrictEqual(lines.join(""), expected);
      deepStrictEqual(clock.pendingTimers, 0, "a timer was left behind");
    }),
);

await check("a channel delivers in order from two senders, then ends", async () => {
  const [tx, rx] = channel<number>();
  const tx2 = tx.clone();
  tx.send(1);
  tx2.send(2);
  tx.send(3);
  tx.close();
  tx2.send(4);
  tx2.close();
  const received: number[] = [];
  for await (const value of rx) received.push(value);
  deepStrictEqual(received, [1, 2, 3, 4]);
  deepStrictEqual(await rx.recv(), undefined);
});

await check("a closed receiver refuses sends with SendError carrying the value", async () => {
  const [tx, rx] = channel<string>();
  tx.send("kept");
  rx.close();
  let refused: unknown;
  try {
    tx.send("refused");
  } catch (error) {
    refused = error;
  }
  ok(refused instanceof SendError, `expected a SendError, got ${refused}`);
  deepStrictEqual(refused.value, "refused");
  deepStrictEqual(await rx.recv(), "kept", "values buffered before close() can still be received");
});

await check("a producer task and a consumer keep virtual time", () =>
  withClock(async (clock) => {
    const [tx, rx] = channel<string>();
    spawnTask(async () => {
      for (const word of ["a", "b", "c"]) {
        await sleep(10);
        tx.send(word);
      }
      tx.close();
    });
    const seen: [number, string][] = [];
    const done = outcome(Stream.from(rx).forEach((word) => seen.push([clock.elapsed, word])));
    await clock.tick(100);
    await done();
    deepStrictEqual(seen, [[10, "a"], [20, "b"], [30, "c"]]);
  }));

await check("a map/filter/take pipeline", async () => {
  const result = await Stream.iter([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    .map((n) => n * 10)
    .filter((n) => n % 20 === 0)
    .take(3)
    .toArray();
  deepStrictEqual(result, [20, 40, 60]);
});

await check(
  "take() closes its timed source: the producer's next send fails",
  () =>
    withClock(async (clock) => {
      const [tx, rx] = channel<number>();
      let refusedAt: number | undefined;
      spawnTask(async () => {
        for (let n = 1;; n++) {
          await sleep(5);
          try {
            tx.send(n);
          } catch (error) {
            if (!(error instanceof SendError)) throw error;
            refusedAt = clock.elapsed;
            return;
          }
        }
      });
      const squares = Stream.from(rx).map((n) => n * n).filter((n) => n % 2 === 1).take(2);
      const done = outcome(squares.toArray());
      await clock.tick(100);
      deepStrictEqual(await done(), [1, 9]);
      deepStrictEqual(refusedAt, 20, "the send after the third item is refused");
      deepStrictEqual(clock.pendingTimers, 0);
    }),
);

await check(
  "marbles: throttle() delays, timeout() yields one Elapsed per gap",
  () =>
    withClock(async () => {
      await expectTimeline(source("(abc)|").throttle(2), "a-b-c-|");
      const timed = source("a-----b|").timeout(2).map((r) => r.ok ? r.value : "E");
      await expectTimeline(timed, "a-E---b|");
      const message = await expectTimeline(source("ab|"), "a-b|").then(() => "", (e) => e.message);
      ok(message.includes("expected  a-b|\nactual    ab|"), message);
    }),
);

if (failures.length > 0) {
  throw new Error(`${failures.length} portability check(s) failed: ${failures.join("; ")}`);
}
console.log("ok all");
