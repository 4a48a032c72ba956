/**
 * Mutex: tokio's own tests (`tokio/tests/sync_mutex.rs`) under their names,
 * then weft's additions.
 *
 * tokio tests that cannot map:
 * - `debug_format`, `mutex_debug`: Rust's `Debug` formatting.
 * - `lock` (commented out in tokio, uses OS threads).
 * - `sync_mutex_owned.rs` repeats these for `lock_owned`; a weft guard always
 *   owns its mutex, so there is no owned twin.
 */
import { Mutex, MutexGuard } from "../../sync.ts";
import { Elapsed, sleep, spawnTask, timeout } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, rejection, watch } from "../_helpers.ts";

// -- tokio: sync_mutex.rs --

Deno.test("straight_execution: each lock sees the previous holder's write", async () => {
  const l = new Mutex(100);
  {
    using g = await l.lock();
    assertEquals(g.value, 100);
    g.value = 99;
  }
  {
    using g = await l.lock();
    assertEquals(g.value, 99);
    g.value = 98;
  }
  {
    using g = await l.lock();
    assertEquals(g.value, 98);
  }
});

Deno.test("readiness: a second lock waits until the first guard is dropped", async () => {
  const l = new Mutex(100);
  const t1 = watch(l.lock());
  const t2 = watch(l.lock());
  await drain();
  assertEquals([t1.status, t2.status], ["fulfilled", "pending"]);
  t1.value!.release();
  await drain();
  assertEquals(t2.status, "fulfilled");
});

Deno.test("aborted_future_1: a task aborted while holding the lock unlocks it", async () => {
  using clock = TestClock.install();
  const m = new Mutex(0);
  const first = watch(timeout(
    1,
    spawnTask(async () => {
      using _g = await m.lock();
      await sleep(1_000);
      await sleep(1_000);
    }),
  ));
  await clock.tick(1);
  assert(first.reason instanceof Elapsed);
  const second = watch(timeout(1, (signal) => m.lock({ signal })));
  await clock.tick(0);
  assertEquals(second.status, "fulfilled", "Mutex is locked");
  second.value!.release();
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("aborted_future_2: a lock() aborted while waiting leaves no lock behind", async () => {
  using clock = TestClock.install();
  const m = new Mutex(0);
  {
    using _lock = await m.lock();
    const waiting = watch(timeout(1, (signal) => m.lock({ signal })));
    await clock.tick(1);
    assert(waiting.reason instanceof Elapsed);
  }
  const again = watch(timeout(1, (signal) => m.lock({ signal })));
  await clock.tick(0);
  assertEquals(again.status, "fulfilled", "Mutex is locked");
  again.value!.release();
});

Deno.test("try_lock: tryLock refuses while held and succeeds once released", () => {
  const m = new Mutex(0);
  {
    using g1 = m.tryLock();
    assert(g1 !== undefined);
    assertEquals(m.tryLock(), undefined);
  }
  assert(m.tryLock() !== undefined);
});

// -- Fairness --

Deno.test("lock() serves waiters in the order they called", async () => {
  const m = new Mutex<string[]>([]);
  const held = await m.lock();
  const done = ["a", "b", "c"].map(async (name) => {
    using g = await m.lock();
    g.value.push(name);
  });
  held.value.push("first");
  held.release();
  await Promise.all(done);
  assertEquals(m.tryLock()?.value, ["first", "a", "b", "c"]);
});

Deno.test("tryLock() refuses while a lock() waits, even between holders", async () => {
  const m = new Mutex(0);
  const held = m.tryLock()!;
  const waiting = watch(m.lock());
  held.release();
  assertEquals(m.tryLock(), undefined);
  await drain();
  assertEquals(waiting.status, "fulfilled");
  waiting.value!.release();
});

// -- Cancellation --

Deno.test("lock() aborted at the head lets the next waiter lock", async () => {
  const m = new Mutex(0);
  const held = m.tryLock()!;
  const controller = new AbortController();
  const head = watch(m.lock({ signal: controller.signal }));
  const next = watch(m.lock());
  controller.abort("gave up");
  held.release();
  await drain();
  assertEquals([head.status, head.reason], ["rejected", "gave up"]);
  assertEquals(next.status, "fulfilled");
  next.value!.release();
});

Deno.test("lock() inside a task rejects when the task is aborted", async () => {
  const m = new Mutex(0);
  const held = m.tryLock()!;
  let reason: unknown;
  const task = spawnTask(async () => {
    reason = await rejection(m.lock());
  });
  await drain();
  task.abort("stop");
  await drain();
  assertEquals(reason, "stop");
  held.release();
  assert(m.tryLock() !== undefined);
});

// -- Guards --

Deno.test("MutexGuard: the value cannot be used after release()", () => {
  const m = new Mutex({ n: 1 });
  const g = m.tryLock()!;
  g.release();
  g.release();
  assertThrows(() => g.value, TypeError, "Cannot read the value: the guard was released");
  assertThrows(() => (g.value = { n: 2 }), TypeError, "Cannot write the value");
  assert(g instanceof MutexGuard);
  assertEquals(m.tryLock()?.value, { n: 1 });
});
