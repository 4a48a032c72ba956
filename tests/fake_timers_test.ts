/**
 * weft reads time through `globalThis.setTimeout` and `Date.now()` at call
 * time, so other fake clocks control it too: `@sinonjs/fake-timers` and (a
 * model of) `@std/testing`'s `FakeTime`, whatever they know of weft. Every
 * wake is handled at the instant it happens, and the clock does not move on
 * before it is.
 */
import FakeTimers from "@sinonjs/fake-timers";
import { assertEquals } from "./_assert.ts";
import { CLOCKS, underClock } from "./conformance/clocks.ts";
import { channel, run, sleep, spawnTask, Stream, yieldNow } from "../mod.ts";
import { spawnThread } from "../worker_producer.ts";
import { liveThreads } from "../_thread/worker.ts";

// -- Any clock --

for (const kind of CLOCKS) {
  Deno.test(`${kind}: work that starts when the clock is installed is seen at that instant`, async () => {
    const lines = await underClock(kind, async (clock) => {
      const lines: string[] = [];
      const done = run(async () => {
        const [tx, rx] = channel<string>();
        spawnTask(async () => {
          tx.send("a");
          await sleep(100);
          tx.send("b");
          tx.close();
        });
        for await (const x of Stream.from(rx)) lines.push(`${Date.now()} ${x}`);
      });
      await clock.tick(1_000);
      await done;
      assertEquals(clock.pendingTimers, 0);
      return lines;
    });
    assertEquals(lines, ["0 a", "100 b"]);
  });

  Deno.test(`${kind}: a chain of yields and wakes stays at its instant`, async () => {
    const seen = await underClock(kind, async (clock) => {
      const seen: string[] = [];
      const done = run(async () => {
        const [tx, rx] = channel<number>();
        spawnTask(async () => {
          await sleep(10);
          for (let i = 0; i < 5; i++) {
            await yieldNow();
            tx.send(i);
          }
          tx.close();
        });
        spawnTask(async () => {
          await sleep(11);
          seen.push(`${Date.now()} later`);
        });
        for await (const x of Stream.from(rx)) seen.push(`${Date.now()} ${x}`);
        await sleep(10);
      });
      await clock.tick(100);
      await done;
      return seen;
    });
    assertEquals(seen, ["10 0", "10 1", "10 2", "10 3", "10 4", "11 later"]);
  });

  Deno.test(`${kind}: the clock waits at an instant while a thread computes`, async () => {
    const lines = await underClock(kind, async (clock) => {
      const lines: string[] = [];
      const done = run(async () => {
        const [tx, rx] = channel<number>();
        spawnThread((tx, { sleepSync }) => {
          // Real work: 20 ms of computing before each send.
          const compute = () => {
            const end = performance.now() + 20;
            while (performance.now() < end) { /* computing */ }
          };
          compute();
          tx.send(1);
          sleepSync(100);
          compute();
          tx.send(2);
        }, tx);
        for await (const x of Stream.from(rx)) lines.push(`${Date.now()} ${x}`);
      });
      await clock.tick(1_000);
      await done;
      return lines;
    });
    assertEquals(lines, ["0 1", "100 2"]);
    assertEquals(liveThreads(), 0);
  });

  Deno.test(`${kind}: sleep resolves at its virtual deadline`, async () => {
    const woke = await underClock(kind, async (clock) => {
      const woke: number[] = [];
      const done = Promise.all(
        [10, 30, 20].map((ms) => sleep(ms).then(() => woke.push(Date.now()))),
      );
      await clock.tick(100);
      await done;
      return woke;
    });
    assertEquals(woke, [10, 20, 30]);
  });
}

// -- sinon --

Deno.test("sinon installed and never ticked: a pipeline that does not sleep still runs", async () => {
  const clock = FakeTimers.withGlobal(globalThis).install({ now: 0 });
  try {
    const got = await run(async () => {
      const [tx, rx] = channel<number>();
      spawnTask(() => {
        for (let i = 0; i < 3; i++) tx.send(i);
        tx.close();
      });
      await yieldNow();
      return await Stream.from(rx).map((x) => x * 2).collect();
    });
    assertEquals(got, [0, 2, 4]);
    assertEquals(clock.now, 0);
  } finally {
    clock.uninstall();
  }
});
