/**
 * Barrier: tokio's own tests (`tokio/tests/sync_barrier.rs`) under their
 * names, then weft's additions.
 *
 * tokio tests that cannot map:
 * - `barrier_future_is_send`: auto traits.
 */
import { Barrier } from "../../sync.ts";
import { spawnTask } from "../../task.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, rejection, watch } from "../_helpers.ts";

// -- tokio: sync_barrier.rs --

Deno.test("zero_does_not_block: Barrier(0) lets every caller through as leader", async () => {
  const b = new Barrier(0);
  assert((await b.wait()).isLeader);
  assert((await b.wait()).isLeader);
});

Deno.test("single: Barrier(1) lets every caller through as leader", async () => {
  const b = new Barrier(1);
  for (let i = 0; i < 3; i++) assert((await b.wait()).isLeader);
});

Deno.test("tango: of two callers exactly one leads", async () => {
  const b = new Barrier(2);
  const w1 = watch(b.wait());
  await drain();
  assertEquals(w1.status, "pending");
  const wr2 = await b.wait();
  await drain();
  const wr1 = w1.value!;
  assert(wr1.isLeader || wr2.isLeader);
  assert(!(wr1.isLeader && wr2.isLeader));
});

Deno.test("lots: ten generations of 100 callers, one leader each", async () => {
  const b = new Barrier(100);
  for (let generation = 0; generation < 10; generation++) {
    const wait = Array.from({ length: 99 }, () => watch(b.wait()));
    await drain();
    assert(wait.every((w) => w.status === "pending"));
    let foundLeader = (await b.wait()).isLeader;
    await drain();
    for (const w of wait) {
      assertEquals(w.status, "fulfilled");
      if (w.value!.isLeader) {
        assert(!foundLeader);
        foundLeader = true;
      }
    }
    assert(foundLeader);
  }
});

// -- Leaders and order --

Deno.test("wait(): the caller that completes the group leads; the others resolve in arrival order", async () => {
  const b = new Barrier(3);
  const order: string[] = [];
  const first = b.wait().then((r) => order.push(`first ${r.isLeader}`));
  const second = b.wait().then((r) => order.push(`second ${r.isLeader}`));
  const third = await b.wait();
  order.push(`third ${third.isLeader}`);
  await Promise.all([first, second]);
  assertEquals(order, ["first false", "second false", "third true"]);
});

// -- Cancellation --

Deno.test("wait(): an aborted caller leaves the group, which then needs another", async () => {
  const b = new Barrier(2);
  const controller = new AbortController();
  const left = watch(b.wait({ signal: controller.signal }));
  controller.abort("left");
  await drain();
  assertEquals([left.status, left.reason], ["rejected", "left"]);
  const a = watch(b.wait());
  await drain();
  assertEquals(a.status, "pending");
  const leader = await b.wait();
  await drain();
  assertEquals([a.value?.isLeader, leader.isLeader], [false, true]);
});

Deno.test("wait() inside an aborted task rejects and leaves the group", async () => {
  const b = new Barrier(2);
  let reason: unknown;
  const task = spawnTask(async () => {
    reason = await rejection(b.wait());
  });
  await drain();
  task.abort("stop");
  await drain();
  assertEquals(reason, "stop");
  const a = watch(b.wait());
  await drain();
  assertEquals(a.status, "pending");
  await b.wait();
});

Deno.test("new Barrier(n) rejects a bad n", () => {
  assertThrows(() => new Barrier(-1), RangeError, "Cannot create a barrier");
  assertThrows(() => new Barrier(1.5), RangeError, "Cannot create a barrier");
});
