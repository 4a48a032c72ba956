/**
 * RwLock: tokio's own tests (`tokio/tests/sync_rwlock.rs`) under their names,
 * then weft's additions.
 *
 * tokio tests that cannot map, or map with a change:
 * - `into_inner`: consuming a lock is Rust ownership; there is nothing to test.
 * - `zero_max_readers_const`: there is no `const` constructor; it is the same
 *   test as `zero_max_readers`.
 * - `downgrade_map`, `try_downgrade_map`: guard mapping to a part of the value
 *   (a Rust reference) has no TypeScript form; `downgrade()` is tested instead.
 * - `write_order`: a Rust future queues when first polled, so the second
 *   `write()` created, polled first, writes first. A TypeScript call queues
 *   at once: here the order is the call order.
 * - `multithreaded`: tokio's runs on 8 worker threads; here the same 4 x 1000
 *   writes run as 4 tasks on one thread, meeting at a `Barrier(5)`.
 * - `src/sync/tests/loom_rwlock.rs`: loom model-checks thread interleavings.
 */
import { Barrier, RwLock, type RwLockReadGuard } from "../../sync.ts";
import { spawnTask, yieldNow } from "../../task.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, watch } from "../_helpers.ts";

// -- tokio: sync_rwlock.rs --

Deno.test("read_shared: two readers hold the lock at once", async () => {
  const rwlock = new RwLock(100);
  const t1 = watch(rwlock.read());
  const t2 = watch(rwlock.read());
  await drain();
  assertEquals([t1.status, t2.status], ["fulfilled", "fulfilled"]);
});

Deno.test("write_shared_pending: a writer waits while a reader holds the lock", async () => {
  const rwlock = new RwLock(100);
  const t1 = watch(rwlock.read());
  const t2 = watch(rwlock.write());
  await drain();
  assertEquals([t1.status, t2.status], ["fulfilled", "pending"]);
});

Deno.test("read_exclusive_pending: a reader waits while a writer holds the lock", async () => {
  const rwlock = new RwLock(100);
  const t1 = watch(rwlock.write());
  const t2 = watch(rwlock.read());
  await drain();
  assertEquals([t1.status, t2.status], ["fulfilled", "pending"]);
});

Deno.test("exhaust_reading: past maxReaders a reader waits until one is dropped", async () => {
  const rwlock = new RwLock(100, { maxReaders: 1024 });
  const reads: RwLockReadGuard<number>[] = [];
  for (;;) {
    const guard = rwlock.tryRead();
    if (guard === undefined) break;
    reads.push(guard);
  }
  assertEquals(reads.length, 1024);
  const t1 = watch(rwlock.read());
  await drain();
  assertEquals(t1.status, "pending");
  reads.pop()!.release();
  await drain();
  assertEquals(t1.status, "fulfilled");
});

Deno.test("zero_max_readers: maxReaders 0 throws RangeError", () => {
  assertThrows(() => new RwLock(100, { maxReaders: 0 }), RangeError, "Cannot create a lock");
});

Deno.test("write_exclusive_pending: a second writer waits for the first", async () => {
  const rwlock = new RwLock(100);
  const t1 = watch(rwlock.write());
  const t2 = watch(rwlock.write());
  await drain();
  assertEquals([t1.status, t2.status], ["fulfilled", "pending"]);
});

Deno.test("write_shared_drop: a writer gets the lock once the reader is dropped", async () => {
  const rwlock = new RwLock(100);
  const g1 = await rwlock.read();
  const t2 = watch(rwlock.write());
  await drain();
  assertEquals(t2.status, "pending");
  g1.release();
  await drain();
  assertEquals(t2.status, "fulfilled");
});

Deno.test("write_read_shared_pending: a waiting writer blocks later readers", async () => {
  const rwlock = new RwLock(100);
  const t1 = watch(rwlock.read());
  const t2 = watch(rwlock.read());
  const t3 = watch(rwlock.write());
  const t4 = watch(rwlock.read());
  await drain();
  assertEquals([t1.status, t2.status, t3.status, t4.status], [
    "fulfilled",
    "fulfilled",
    "pending",
    "pending",
  ]);
});

Deno.test("write_read_shared_drop_pending: readers go ahead once the waiting writer is dropped", async () => {
  const rwlock = new RwLock(100);
  const t1 = watch(rwlock.read());
  const controller = new AbortController();
  const t2 = watch(rwlock.write({ signal: controller.signal }));
  const t3 = watch(rwlock.read());
  await drain();
  assertEquals([t1.status, t2.status, t3.status], ["fulfilled", "pending", "pending"]);
  controller.abort();
  await drain();
  assertEquals([t2.status, t3.status], ["rejected", "fulfilled"]);
});

Deno.test("read_uncontested: read() of a free lock", async () => {
  const rwlock = new RwLock(100);
  assertEquals((await rwlock.read()).value, 100);
});

Deno.test("write_uncontested: write() of a free lock", async () => {
  const rwlock = new RwLock(100);
  const result = await rwlock.write();
  result.value += 50;
  assertEquals(result.value, 150);
});

Deno.test("write_order: writes are served in call order", async () => {
  const rwlock = new RwLock<number[]>([]);
  const fut2 = rwlock.write().then((guard) => {
    guard.value.push(2);
    guard.release();
  });
  const fut1 = rwlock.write().then((guard) => {
    guard.value.push(1);
    guard.release();
  });
  await fut1;
  await fut2;
  assertEquals((await rwlock.read()).value, [2, 1]);
});

Deno.test("multithreaded: four tasks of 1000 writes each, then a barrier", async () => {
  const barrier = new Barrier(5);
  const rwlock = new RwLock(0);
  for (const add of [2, 3, 5, 7]) {
    spawnTask(async () => {
      for (let i = 0; i < 1000; i++) {
        using guard = await rwlock.write();
        const seen = guard.value;
        if (i % 100 === 0) await yieldNow();
        guard.value = seen + add;
      }
      await barrier.wait();
    });
  }
  await barrier.wait();
  assertEquals((await rwlock.read()).value, 17_000);
});

Deno.test("try_write: tryWrite refuses while read, succeeds after", async () => {
  const lock = new RwLock(0);
  const readGuard = await lock.read();
  assertEquals(lock.tryWrite(), undefined);
  readGuard.release();
  assert(lock.tryWrite() !== undefined);
});

Deno.test("try_read_try_write: readers exclude a writer and a writer excludes readers", () => {
  const lock = new RwLock(15);
  {
    using rg1 = lock.tryRead()!;
    assertEquals(rg1.value, 15);
    assertEquals(lock.tryWrite(), undefined);
    using rg2 = lock.tryRead()!;
    assertEquals(rg2.value, 15);
  }
  {
    using wg = lock.tryWrite()!;
    wg.value = 1515;
    assertEquals(lock.tryRead(), undefined);
  }
  assertEquals(lock.tryRead()?.value, 1515);
});

// -- Downgrade --

Deno.test("downgrade(): waiting readers get in, no writer comes between", async () => {
  const lock = new RwLock(0);
  const writer = await lock.write();
  const reader = watch(lock.read());
  await drain();
  assertEquals(reader.status, "pending");
  writer.value = 1;
  const downgraded = writer.downgrade();
  await drain();
  assertEquals(reader.status, "fulfilled");
  assertEquals([downgraded.value, reader.value!.value], [1, 1]);
  assertEquals(lock.tryWrite(), undefined);
  assertThrows(() => writer.value, TypeError, "the guard was released");
  assertThrows(() => writer.downgrade(), TypeError, "Cannot downgrade the guard");
  downgraded.release();
  reader.value!.release();
  assert(lock.tryWrite() !== undefined);
});

Deno.test("downgrade(): a writer waiting behind keeps waiting for the downgraded reader", async () => {
  const lock = new RwLock(0);
  const writer = await lock.write();
  const nextWriter = watch(lock.write());
  const reader = writer.downgrade();
  await drain();
  assertEquals(nextWriter.status, "pending");
  assertEquals(lock.tryRead(), undefined);
  reader.release();
  await drain();
  assertEquals(nextWriter.status, "fulfilled");
});

// -- Fairness and cancellation --

Deno.test("read()/write() are served in call order, readers together", async () => {
  const lock = new RwLock(0);
  const order: string[] = [];
  const held = await lock.write();
  const calls = [
    lock.read().then((g) => (order.push("r1"), g)),
    lock.read().then((g) => (order.push("r2"), g)),
    lock.write().then((g) => (order.push("w"), g)),
    lock.read().then((g) => (order.push("r3"), g)),
  ];
  held.release();
  await drain();
  assertEquals(order, ["r1", "r2"]);
  (await calls[0]!).release();
  (await calls[1]!).release();
  await drain();
  assertEquals(order, ["r1", "r2", "w"]);
  (await calls[2]!).release();
  await drain();
  assertEquals(order, ["r1", "r2", "w", "r3"]);
});

Deno.test("read() inside an aborted task rejects, the lock stays free", async () => {
  const lock = new RwLock(0);
  const writer = lock.tryWrite()!;
  let reason: unknown;
  const task = spawnTask(async () => {
    try {
      await lock.read();
    } catch (error) {
      reason = error;
    }
  });
  await drain();
  task.abort("stop");
  await drain();
  assertEquals(reason, "stop");
  writer.release();
  assert(lock.tryWrite() !== undefined);
});

Deno.test("RwLock rejects bad options", () => {
  assertThrows(() => new RwLock(0, { maxReaders: 1.5 }), RangeError, "maxReaders");
  assertThrows(() => new RwLock(0, { maxReaders: 2 ** 29 }), RangeError, "maxReaders");
  assertThrows(() => new RwLock(0, 5 as never), TypeError, "Cannot create a lock");
  assertEquals(new RwLock(0, { maxReaders: 1 }).tryRead()?.value, 0);
});
