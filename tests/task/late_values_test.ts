/**
 * A function future whose value comes after `race`, `select` or `timeout` has
 * decided is dropped as Rust drops a losing branch: a `Disposable` value is
 * disposed, so a permit or guard won too late is given back. Promises and
 * handles that others may hold are left alone.
 */
import { assertEquals } from "../_assert.ts";
import { Elapsed, race, select, sleep, timeout } from "../../task.ts";
import { Semaphore } from "../../sync.ts";
import { TestClock } from "../../testing.ts";

/** A value that records its disposal. */
function resource(log: string[], name: string): Disposable & { name: string } {
  return { name, [Symbol.dispose]: () => log.push(`dispose ${name}`) };
}

// -- timeout --

Deno.test("timeout() disposes a function future's value that arrives after the deadline", async () => {
  using clock = TestClock.install();
  const log: string[] = [];
  const late = timeout(10, async () => {
    // The work ignores its signal and finishes late.
    await sleep(20);
    return resource(log, "late");
  }).catch((e) => e);
  await clock.tick(10);
  assertEquals((await late) instanceof Elapsed, true);
  await clock.tick(10);
  assertEquals(log, ["dispose late"]);
});

Deno.test("timeout() leaves a late plain promise's value alone", async () => {
  using clock = TestClock.install();
  const log: string[] = [];
  const work = sleep(20).then(() => resource(log, "held"));
  const late = timeout(10, work).catch((e) => e);
  await clock.tick(10);
  assertEquals((await late) instanceof Elapsed, true);
  await clock.tick(10);
  assertEquals((await work).name, "held");
  assertEquals(log, []);
});

Deno.test("a permit acquired after its timeout is given back to the semaphore", async () => {
  using clock = TestClock.install();
  const sem = new Semaphore(1);
  const held = await sem.acquire();
  // The acquire ignores the timeout's signal, as a branch may.
  const late = timeout(10, () => sleep(15).then(() => sem.acquire())).catch((e) => e);
  setTimeout(() => held.release(), 12);
  await clock.tick(10);
  assertEquals((await late) instanceof Elapsed, true);
  await clock.tick(10);
  assertEquals(sem.availablePermits, 1);
});

// -- race and select --

Deno.test("race() disposes a losing function future's value that settles later", async () => {
  using clock = TestClock.install();
  const log: string[] = [];
  const winner = race(
    sleep(5).then(() => "first"),
    async () => {
      await sleep(10);
      return resource(log, "loser");
    },
  );
  await clock.tick(5);
  assertEquals(await winner, "first");
  await clock.tick(5);
  assertEquals(log, ["dispose loser"]);
});

Deno.test("select() disposes a losing branch's late value", async () => {
  using clock = TestClock.install();
  const log: string[] = [];
  const chosen = select({
    fast: sleep(5).then(() => 1),
    slow: async () => {
      await sleep(10);
      return resource(log, "slow");
    },
  });
  await clock.tick(5);
  assertEquals(await chosen, { key: "fast", value: 1 });
  await clock.tick(5);
  assertEquals(log, ["dispose slow"]);
});
