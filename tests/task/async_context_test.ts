/**
 * weft carries the running task across `await`s in the same async context as
 * the host's `AsyncLocalStorage`: a user's stores and weft's task identity
 * live side by side, each visible in the other's code, so a wait begun under
 * a user's store is still its task's (aborting the task ends it) and a user's
 * store is still seen inside tasks.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { assertEquals } from "../_assert.ts";
import { Cancelled, run, sleep, spawnTask } from "../../task.ts";
import { TestClock } from "../../testing.ts";

// -- A user's store inside tasks --

Deno.test("a task sees the AsyncLocalStorage store it was spawned under, after its awaits", async () => {
  using clock = TestClock.install();
  const storage = new AsyncLocalStorage<string>();
  const handle = storage.run("request 1", () =>
    spawnTask(async () => {
      const before = storage.getStore();
      await sleep(1);
      return [before, storage.getStore()];
    }));
  await clock.tick(1);
  assertEquals(await handle, ["request 1", "request 1"]);
});

Deno.test("tasks spawned together each see the store of their own spawner", async () => {
  const storage = new AsyncLocalStorage<string>();
  const a = storage.run("a", () => spawnTask(() => storage.getStore()));
  const b = storage.run("b", () => spawnTask(() => storage.getStore()));
  const c = spawnTask(() => storage.getStore());
  assertEquals([await a, await b, await c], ["a", "b", undefined]);
});

Deno.test("a store entered inside a task is seen by that task's later code only", async () => {
  using clock = TestClock.install();
  const storage = new AsyncLocalStorage<string>();
  const seen: (string | undefined)[] = [];
  const a = spawnTask(() =>
    storage.run("a", async () => {
      await sleep(1);
      seen.push(storage.getStore());
    })
  );
  const b = spawnTask(async () => {
    await sleep(1);
    seen.push(storage.getStore());
  });
  await clock.tick(1);
  await a;
  await b;
  assertEquals(seen, ["a", undefined]);
});

// -- The task inside a user's store --

Deno.test("aborting a task rejects a sleep it began under its own AsyncLocalStorage store", async () => {
  using clock = TestClock.install();
  const storage = new AsyncLocalStorage<number>();
  let reason: unknown = null;
  const handle = spawnTask(() =>
    storage.run(7, async () => {
      await sleep(1);
      await sleep(60_000).catch((e) => (reason = e));
    })
  );
  await clock.tick(1);
  handle.abort("stop");
  await handle.then(() => null, (e) => e);
  await clock.tick(0);
  assertEquals([reason, clock.pendingTimers], ["stop", 0]);
});

Deno.test("run() cancels a task spawned under a user's store inside the run", async () => {
  using clock = TestClock.install();
  const storage = new AsyncLocalStorage<string>();
  let handle: Promise<unknown> | null = null;
  const done = run(async () => {
    await sleep(1);
    const spawned = storage.run("inner", () => spawnTask(() => sleep(60_000)));
    handle = spawned.then(() => null, (e) => e);
    await sleep(1);
  });
  await clock.tick(2);
  await done;
  assertEquals([(await handle!) instanceof Cancelled, clock.pendingTimers], [true, 0]);
});
