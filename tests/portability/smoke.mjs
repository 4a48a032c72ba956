/**
 * The portability smoke: plain JavaScript that imports weft by its package
 * name, as a Node, Bun or Deno user would once the packed npm tarball is
 * installed. `tools/portability.sh` copies it into a fresh project beside
 * that install, with `listing_17_40.mjs` (the repository's
 * `examples/listing_17_40.ts`, transpiled) and `listing_default.txt` (real
 * tokio's timeline for it), and runs it with `node`, `bun` and `deno`.
 *
 * Each check prints `ok <name>` or `FAILED <name>` and the error; the run
 * prints `ok all` and exits 0 only if every check passed. Timed checks run
 * under `TestClock`; the thread and the pool run for real.
 *
 * @module
 */
import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import { readFileSync } from "node:fs";
import { channel, run, SendError, sleep, spawnTask, Stream } from "@weft/weft";
import { BlockingPool, spawnBlocking } from "@weft/weft/blocking";
import { expectTimeline, source, TestClock } from "@weft/weft/testing";
import { spawnThread } from "@weft/weft/worker-producer";

// Put beside this file by tools/portability.sh (so not a static import).
const listing1740Url = new URL("./listing_17_40.mjs", import.meta.url).href;
const { main: listing1740 } = await import(listing1740Url);

/** Names of the checks that failed so far. */
const failures = [];

/** Runs one named check, printing `ok <name>` or `FAILED <name>` and the error. */
async function check(name, body) {
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

/** Runs `body` under a fresh TestClock, uninstalled on every path. */
async function withClock(body) {
  const clock = TestClock.install();
  try {
    await body(clock);
  } finally {
    clock.uninstall();
  }
}

/** Handles `promise`'s rejection at once (no unhandled rejection while the clock moves). */
function outcome(promise) {
  const settled = promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));
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
      const lines = [];
      const record = (line) => lines.push(`${clock.elapsed}\t${line}\n`);
      const done = outcome(run(() => listing1740({ log: record, error: record })));
      await clock.tick(3_000);
      await done();
      const expected = readFileSync(new URL("./listing_default.txt", import.meta.url), "utf8");
      deepStrictEqual(lines.join(""), expected);
      deepStrictEqual(clock.pendingTimers, 0, "a timer was left behind");
    }),
);

await check("a channel delivers in order from two senders, then ends", async () => {
  const [tx, rx] = channel();
  const tx2 = tx.clone();
  tx.send(1);
  tx2.send(2);
  tx.close();
  tx2.send(3);
  tx2.close();
  const received = [];
  for await (const n of rx) received.push(n);
  deepStrictEqual(received, [1, 2, 3]);
});

await check("a closed receiver refuses sends with SendError carrying the value", () => {
  const [tx, rx] = channel();
  rx.close();
  let refused;
  try {
    tx.send("refused");
  } catch (error) {
    refused = error;
  }
  ok(refused instanceof SendError, `expected a SendError, got ${refused}`);
  deepStrictEqual(refused.value, "refused");
  return Promise.resolve();
});

await check(
  "a producer task and a timed pipeline keep virtual time",
  () =>
    withClock(async (clock) => {
      const [tx, rx] = channel();
      spawnTask(async () => {
        for (let n = 1; n <= 6; n++) {
          await sleep(10);
          tx.send(n);
        }
        tx.close();
      });
      const seen = [];
      const pipeline = Stream.from(rx).map((n) => n * 10).filter((n) => n % 20 === 0).take(2);
      const done = outcome(pipeline.forEach((n) => seen.push([clock.elapsed, n])));
      await clock.tick(100);
      await done();
      deepStrictEqual(seen, [[20, 20], [40, 40]]);
    }),
);

await check(
  "marbles: throttle() delays, timeout() yields one Elapsed per gap",
  () =>
    withClock(async () => {
      await expectTimeline(source("(abc)|").throttle(2), "a-b-c-|");
      const timed = source("a-----b|").timeout(2).map((r) => r.ok ? r.value : "E");
      await expectTimeline(timed, "a-E---b|");
    }),
);

await check("a thread streams values and stops when its receiver is closed early", async () => {
  const [tx, rx] = channel();
  const thread = spawnThread((tx, { sleepSync, SendError }) => {
    for (let n = 1;; n++) {
      try {
        tx.send(n);
      } catch (error) {
        if (error instanceof SendError) return n;
        throw error;
      }
      sleepSync(1);
    }
  }, tx);
  const received = [];
  for await (const n of rx) {
    received.push(n);
    if (n === 5) break;
  }
  deepStrictEqual(received, [1, 2, 3, 4, 5]);
  const refusedAt = await thread.join();
  ok(refusedAt > 5, `the thread stopped at its send #${refusedAt}`);
  ok(thread.isFinished, "the thread has ended");
});

await check(
  "spawnBlocking runs jobs on the pool, in parallel, and reports their errors",
  async () => {
    const pool = new BlockingPool({ size: 2 }); // no `await using`: Node 20 and 22 lack it
    try {
      const sums = await Promise.all([1e5, 2e5, 3e5].map((n) =>
        pool.spawn((_ctx, n) => {
          let total = 0;
          for (let i = 0; i < n; i++) total += i;
          return total;
        }, n)
      ));
      deepStrictEqual(sums, [4999950000, 19999900000, 44999850000]);
      const failing = pool.spawn(() => {
        throw new RangeError("from the pool");
      });
      await rejects(async () => await failing, { name: "RangeError", message: "from the pool" });
    } finally {
      await pool.shutdown();
    }
    deepStrictEqual(await spawnBlocking((_ctx, a, b) => a * b, 6, 7), 42);
  },
);

if (failures.length > 0) {
  throw new Error(`${failures.length} portability check(s) failed: ${failures.join("; ")}`);
}
console.log("ok all");
