/**
 * Semaphore: tokio's own tests (`tokio/tests/sync_semaphore.rs`,
 * `sync_semaphore_owned.rs`, `src/sync/tests/semaphore_batch.rs`) under
 * their names, then weft's additions (signals, tasks, wake order).
 *
 * tokio's `task::spawn(fut).poll()` is `watch(promise)` here, read after the
 * microtasks have run: a promise still pending is `assert_pending!`.
 * `s.release(n)` of the batch semaphore is the public `addPermits(n)`.
 *
 * tokio tests that cannot map:
 * - `blocking_acquire`, `blocking_acquire_waits_for_permit`,
 *   `blocking_acquire_many`, `blocking_acquire_owned`,
 *   `blocking_acquire_many_owned`, `blocking_acquire_closed` and the four
 *   `blocking_acquire_*_in_async_context`: there is no blocking acquire (a
 *   JavaScript thread cannot block on a semaphore its own event loop serves).
 * - `release_permits_at_drop`: drops a waker that holds a permit; wakers are
 *   not user-visible in weft.
 * - The `_owned` variants (`acquire_owned`, `try_acquire_many_owned`, ...)
 *   differ from the borrowed ones only in Rust lifetimes: a weft permit
 *   always owns its semaphore, so `sync_semaphore_owned.rs`'s tests are the
 *   same tests as their borrowed twins and appear once.
 * - `should_panic` tests map to a thrown `RangeError`/`TypeError`.
 * - `src/sync/tests/loom_semaphore_batch.rs`: loom model-checks thread
 *   interleavings; the single-threaded analogue is the fast-check model in
 *   `semaphore_property_test.ts`.
 */
import { AcquireError, Semaphore, SemaphorePermit } from "../../sync.ts";
import { Cancelled, run, sleep, spawnTask } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, rejection, watch } from "../_helpers.ts";

const MAX = Semaphore.MAX_PERMITS;

// -- tokio: sync_semaphore.rs --

Deno.test("no_permits: a semaphore of 0 permits can be made", () => {
  assertEquals(new Semaphore(0).availablePermits, 0);
});

Deno.test("try_acquire: a released permit can be taken again", () => {
  const sem = new Semaphore(1);
  {
    using p1 = sem.tryAcquire();
    assert(p1 !== undefined);
    assertEquals(sem.tryAcquire(), undefined);
  }
  assert(sem.tryAcquire() !== undefined);
});

Deno.test("acquire: a waiting acquire gets the permit a holder releases", async () => {
  const sem = new Semaphore(1);
  const p1 = sem.tryAcquire()!;
  const j = spawnTask(async () => {
    using _p2 = await sem.acquire();
  });
  p1.release();
  await j;
  assertEquals(sem.availablePermits, 1);
});

Deno.test("acquire_many: a waiting acquire of many gets them as they are released", async () => {
  const sem = new Semaphore(42);
  const p1 = sem.tryAcquire(42)!;
  const j = spawnTask(async () => {
    using _p2 = await sem.acquire(42);
  });
  p1.release();
  await j;
  assertEquals(sem.availablePermits, 42);
});

Deno.test("add_permits: added permits serve a waiting acquire", async () => {
  const sem = new Semaphore(0);
  const j = spawnTask(async () => {
    using _p2 = await sem.acquire();
  });
  sem.addPermits(1);
  await j;
});

Deno.test("add_permits_open: permits add up on an open semaphore", () => {
  for (let size = 0; size < 4; size++) {
    for (let add = 0; add < 4; add++) {
      const sem = new Semaphore(size);
      sem.addPermits(add);
      assertEquals(sem.availablePermits, size + add);
      assert(!sem.isClosed);
    }
  }
});

Deno.test("add_permits_closed: permits add up on a closed semaphore too", () => {
  for (let size = 0; size < 4; size++) {
    for (let add = 0; add < 4; add++) {
      const sem = new Semaphore(size);
      sem.close();
      sem.addPermits(add);
      assertEquals(sem.availablePermits, size + add);
      assert(sem.isClosed);
    }
  }
});

Deno.test("forget: a forgotten permit never comes back", () => {
  const sem = new Semaphore(1);
  {
    using p = sem.tryAcquire()!;
    assertEquals(sem.availablePermits, 0);
    p.forget();
    assertEquals(sem.availablePermits, 0);
  }
  assertEquals(sem.availablePermits, 0);
  assertEquals(sem.tryAcquire(), undefined);
});

for (const closed of [false, true]) {
  Deno.test(`forget_${closed ? "closed" : "open"}: forgetPermits removes at most what is free`, () => {
    for (let size = 0; size < 4; size++) {
      for (let sub = 0; sub < 4; sub++) {
        const sem = new Semaphore(size);
        if (closed) sem.close();
        const actual = sem.forgetPermits(sub);
        const expected = Math.max(size - sub, 0);
        assertEquals(sem.availablePermits, expected, `case: ${size}-${sub}`);
        assertEquals(actual, size - expected);
        assertEquals(sem.isClosed, closed);
      }
    }
  });
}

Deno.test("merge: merged permits are released together", () => {
  const sem = new Semaphore(3);
  {
    using p1 = sem.tryAcquire()!;
    assertEquals(sem.availablePermits, 2);
    const p2 = sem.tryAcquire(2)!;
    assertEquals(sem.availablePermits, 0);
    p1.merge(p2);
    assertEquals([p1.count, p2.count], [3, 0]);
    assertEquals(sem.availablePermits, 0);
  }
  assertEquals(sem.availablePermits, 3);
});

Deno.test("merge_unrelated_permits: merging permits of another semaphore throws TypeError", () => {
  const sem1 = new Semaphore(3);
  const sem2 = new Semaphore(3);
  const p1 = sem1.tryAcquire()!;
  const p2 = sem2.tryAcquire()!;
  assertThrows(() => p1.merge(p2), TypeError, "Cannot merge the permits");
  assertEquals([p1.count, p2.count], [1, 1]);
});

Deno.test("split: split permits are released separately", () => {
  const sem = new Semaphore(5);
  const p1 = sem.tryAcquire(3)!;
  assertEquals(sem.availablePermits, 2);
  assertEquals(p1.count, 3);
  const p2 = p1.split(1)!;
  assertEquals(sem.availablePermits, 2);
  assertEquals(p1.count, 2);
  assertEquals(p2.count, 1);
  const p3 = p1.split(0)!;
  assertEquals(p3.count, 0);
  p1.release();
  assertEquals(sem.availablePermits, 4);
  const p4 = p2.split(1)!;
  assertEquals(p2.count, 0);
  assertEquals(p4.count, 1);
  assertEquals(p2.split(1), undefined);
  p2.release();
  assertEquals(sem.availablePermits, 4);
  p3.release();
  assertEquals(sem.availablePermits, 4);
  p4.release();
  assertEquals(sem.availablePermits, 5);
});

Deno.test("stress_test: 1000 tasks through 5 permits leave exactly 5", async () => {
  const sem = new Semaphore(5);
  const handles = Array.from({ length: 1000 }, () =>
    spawnTask(async () => {
      using _p = await sem.acquire();
      await sleep(0);
    }));
  for (const j of handles) await j;
  const held = [1, 2, 3, 4, 5].map(() => sem.tryAcquire());
  assert(held.every((p) => p !== undefined));
  assertEquals(sem.tryAcquire(), undefined);
});

Deno.test("add_max_amount_permits: MAX_PERMITS can be added to an empty semaphore", () => {
  const s = new Semaphore(0);
  s.addPermits(MAX);
  assertEquals(s.availablePermits, MAX);
});

Deno.test("add_more_than_max_amount_permits1: going past MAX_PERMITS throws RangeError", () => {
  const s = new Semaphore(1);
  assertThrows(() => s.addPermits(MAX), RangeError, "Cannot add");
  assertEquals(s.availablePermits, 1);
});

Deno.test("add_more_than_max_amount_permits2: going past MAX_PERMITS in two steps throws", () => {
  const s = new Semaphore(MAX - 1);
  s.addPermits(1);
  assertThrows(() => s.addPermits(1), RangeError, "Cannot add");
});

Deno.test("panic_when_exceeds_maxpermits: new Semaphore(MAX_PERMITS + 1) throws RangeError", () => {
  assertThrows(() => new Semaphore(MAX + 1), RangeError, "Cannot create a semaphore");
});

Deno.test("no_panic_at_maxpermits: MAX_PERMITS itself is fine", () => {
  new Semaphore(MAX);
  const s = new Semaphore(MAX - 1);
  s.addPermits(1);
  assertEquals(s.availablePermits, MAX);
});

// -- tokio: src/sync/tests/semaphore_batch.rs --

Deno.test("poll_acquire_one_available: an acquire with permits free resolves at once", async () => {
  const s = new Semaphore(100);
  const p = watch(s.acquire(1));
  assertEquals(s.availablePermits, 99);
  await drain();
  assertEquals(p.status, "fulfilled");
});

Deno.test("poll_acquire_many_available: acquires of many take them at the call", () => {
  const s = new Semaphore(100);
  s.acquire(5);
  assertEquals(s.availablePermits, 95);
  s.acquire(5);
  assertEquals(s.availablePermits, 90);
});

Deno.test("try_acquire_one_available: tryAcquire takes one", () => {
  const s = new Semaphore(100);
  assert(s.tryAcquire(1));
  assertEquals(s.availablePermits, 99);
  assert(s.tryAcquire(1));
  assertEquals(s.availablePermits, 98);
});

Deno.test("try_acquire_many_available: tryAcquire takes many", () => {
  const s = new Semaphore(100);
  assert(s.tryAcquire(5));
  assertEquals(s.availablePermits, 95);
  assert(s.tryAcquire(5));
  assertEquals(s.availablePermits, 90);
});

Deno.test("poll_acquire_one_unavailable: a released permit goes to the waiter, not the pool", async () => {
  const s = new Semaphore(1);
  s.acquire(1);
  assertEquals(s.availablePermits, 0);
  const acquire2 = watch(s.acquire(1));
  await drain();
  assertEquals(acquire2.status, "pending");
  assertEquals(s.availablePermits, 0);
  s.addPermits(1);
  assertEquals(s.availablePermits, 0);
  await drain();
  assertEquals(acquire2.status, "fulfilled");
  assertEquals(s.availablePermits, 0);
  s.addPermits(1);
  assertEquals(s.availablePermits, 1);
});

Deno.test("poll_acquire_many_unavailable: a large request at the head blocks a smaller one behind it", async () => {
  const s = new Semaphore(5);
  s.acquire(1);
  assertEquals(s.availablePermits, 4);
  // The head takes the 4 free permits and waits for 1 more.
  const acquire2 = watch(s.acquire(5));
  await drain();
  assertEquals(acquire2.status, "pending");
  assertEquals(s.availablePermits, 0);
  const acquire3 = watch(s.acquire(3));
  await drain();
  assertEquals(acquire3.status, "pending");
  assertEquals(s.availablePermits, 0);

  s.addPermits(1);
  assertEquals(s.availablePermits, 0);
  await drain();
  assertEquals(acquire2.status, "fulfilled");
  assertEquals(acquire3.status, "pending");
  assertEquals(s.availablePermits, 0);

  s.addPermits(1);
  await drain();
  assertEquals(acquire3.status, "pending");
  assertEquals(s.availablePermits, 0);

  s.addPermits(2);
  await drain();
  assertEquals(acquire3.status, "fulfilled");
  assertEquals(acquire3.value?.count, 3);
});

Deno.test("try_acquire_one_unavailable: tryAcquire refuses, then succeeds after a release", () => {
  const s = new Semaphore(1);
  assert(s.tryAcquire(1));
  assertEquals(s.availablePermits, 0);
  assertEquals(s.tryAcquire(1), undefined);
  s.addPermits(1);
  assertEquals(s.availablePermits, 1);
  assert(s.tryAcquire(1));
  s.addPermits(1);
  assertEquals(s.availablePermits, 1);
});

Deno.test("try_acquire_many_unavailable: tryAcquire of many needs them all", () => {
  const s = new Semaphore(5);
  assert(s.tryAcquire(1));
  assertEquals(s.availablePermits, 4);
  assertEquals(s.tryAcquire(5), undefined);
  s.addPermits(1);
  assertEquals(s.availablePermits, 5);
  assert(s.tryAcquire(5));
  s.addPermits(1);
  assertEquals(s.availablePermits, 1);
  s.addPermits(1);
  assertEquals(s.availablePermits, 2);
});

Deno.test("poll_acquire_one_zero_permits: a semaphore of 0 serves its waiter when one is added", async () => {
  const s = new Semaphore(0);
  assertEquals(s.availablePermits, 0);
  const acquire = watch(s.acquire(1));
  await drain();
  assertEquals(acquire.status, "pending");
  s.addPermits(1);
  await drain();
  assertEquals(acquire.status, "fulfilled");
});

Deno.test("max_permits_doesnt_panic: new Semaphore(MAX_PERMITS)", () => {
  assertEquals(new Semaphore(MAX).availablePermits, MAX);
});

Deno.test("validates_max_permits: new Semaphore(MAX_PERMITS + 1) throws RangeError", () => {
  assertThrows(() => new Semaphore(MAX + 1), RangeError);
});

Deno.test("close_semaphore_prevents_acquire: a closed semaphore refuses even with permits free", async () => {
  const s = new Semaphore(5);
  s.close();
  assertEquals(s.availablePermits, 5);
  assert(await rejection(s.acquire(1)) instanceof AcquireError);
  assertEquals(s.availablePermits, 5);
  assert(await rejection(s.acquire(1)) instanceof AcquireError);
  assertEquals(s.availablePermits, 5);
  assertThrows(() => s.tryAcquire(1), AcquireError);
});

Deno.test("close_semaphore_notifies_permit1: close() rejects a waiting acquire", async () => {
  const s = new Semaphore(0);
  const acquire = watch(s.acquire(1));
  await drain();
  assertEquals(acquire.status, "pending");
  s.close();
  await drain();
  assertEquals(acquire.status, "rejected");
  assert(acquire.reason instanceof AcquireError);
});

Deno.test("close_semaphore_notifies_permit2: close() rejects every waiter; releases still count", async () => {
  const s = new Semaphore(2);
  const held1 = await s.acquire(1);
  const held2 = await s.acquire(1);
  const acquire3 = watch(s.acquire(1));
  const acquire4 = watch(s.acquire(1));
  await drain();
  assertEquals([acquire3.status, acquire4.status], ["pending", "pending"]);
  s.close();
  await drain();
  assertEquals([acquire3.status, acquire4.status], ["rejected", "rejected"]);
  assertEquals(s.availablePermits, 0);
  held1.release();
  assertEquals(s.availablePermits, 1);
  assert(await rejection(s.acquire(1)) instanceof AcquireError);
  held2.release();
  assertEquals(s.availablePermits, 2);
});

Deno.test("cancel_acquire_releases_permits: an aborted waiter gives back what it was assigned", async () => {
  const s = new Semaphore(10);
  assert(s.tryAcquire(4));
  assertEquals(s.availablePermits, 6);
  const controller = new AbortController();
  const acquire = watch(s.acquire(8, { signal: controller.signal }));
  await drain();
  assertEquals(acquire.status, "pending");
  assertEquals(s.availablePermits, 0);
  controller.abort();
  assertEquals(s.availablePermits, 6);
  assert(s.tryAcquire(6));
  await drain();
  assertEquals(acquire.status, "rejected");
});

Deno.test("forget_permits_basic: forgetPermits returns how many it removed", () => {
  const s = new Semaphore(10);
  assertEquals(s.forgetPermits(4), 4);
  assertEquals(s.availablePermits, 6);
  assertEquals(s.forgetPermits(10), 6);
  assertEquals(s.availablePermits, 0);
});

Deno.test("update_permits_many_times: a waiter served by added permits leaves the rest free", async () => {
  const s = new Semaphore(5);
  const acquire = watch(s.acquire(7));
  await drain();
  assertEquals(acquire.status, "pending");
  s.addPermits(5);
  await drain();
  assertEquals(acquire.status, "fulfilled");
  assertEquals(s.availablePermits, 3);
  assertEquals(s.forgetPermits(3), 3);
  assertEquals(s.availablePermits, 0);
});

// -- Fairness and wake order --

Deno.test("acquire() serves waiters in the order they asked, each in the next microtasks", async () => {
  const s = new Semaphore(0);
  const order: string[] = [];
  const waiters = ["a", "b", "c"].map((name) =>
    s.acquire().then((permit) => {
      order.push(name);
      return permit;
    })
  );
  s.addPermits(3);
  order.push("released");
  await Promise.all(waiters);
  assertEquals(order, ["released", "a", "b", "c"]);
});

Deno.test("acquire() never lets a later small request pass a waiting large one", async () => {
  const s = new Semaphore(3);
  const held = s.tryAcquire(3)!;
  const big = watch(s.acquire(3));
  const small = watch(s.acquire(1));
  held.split(2)!.release();
  await drain();
  assertEquals([big.status, small.status], ["pending", "pending"]);
  assertEquals(s.tryAcquire(1), undefined);
  held.release();
  await drain();
  assertEquals([big.status, small.status], ["fulfilled", "pending"]);
  big.value!.release();
  await drain();
  assertEquals(small.status, "fulfilled");
  assertEquals(s.availablePermits, 2);
});

Deno.test("acquire(0) resolves at once, even while others wait", async () => {
  const s = new Semaphore(0);
  const waiting = watch(s.acquire(1));
  const permit = await s.acquire(0);
  assertEquals(permit.count, 0);
  await drain();
  assertEquals(waiting.status, "pending");
  s.addPermits(1);
});

Deno.test("close() right after a grant leaves the served waiter its permits (tokio: AcquireError)", async () => {
  // tokio refuses a waiter whose permits were assigned but which has not
  // been polled yet; a weft waiter has resolved by then (tools/tokio_ref's
  // semaphore scenario, kind 2).
  const s = new Semaphore(0);
  const waiting = s.acquire();
  s.addPermits(1);
  s.close();
  const permit = await waiting;
  assertEquals(permit.count, 1);
  permit.release();
  assertEquals(s.availablePermits, 1);
});

// -- Cancellation --

Deno.test("acquire() with an aborted signal rejects with its reason and takes nothing", async () => {
  const s = new Semaphore(1);
  const controller = new AbortController();
  controller.abort("stop");
  assertEquals(await rejection(s.acquire(1, { signal: controller.signal })), "stop");
  assertEquals(s.availablePermits, 1);
});

Deno.test("acquire(): aborting the waiter at the head lets the next ones through", async () => {
  const s = new Semaphore(4);
  const held = s.tryAcquire(4)!;
  const controller = new AbortController();
  const head = watch(s.acquire(3, { signal: controller.signal }));
  const second = watch(s.acquire(1));
  const third = watch(s.acquire(1));
  held.split(2)!.release();
  // The head holds the 2 released permits while it waits for a third.
  assertEquals(s.availablePermits, 0);
  controller.abort("gave up");
  await drain();
  assertEquals(head.status, "rejected");
  assertEquals(head.reason, "gave up");
  assertEquals([second.status, third.status], ["fulfilled", "fulfilled"]);
  assertEquals(s.availablePermits, 0);
  held.release();
  assertEquals(s.availablePermits, 2);
});

Deno.test("acquire(): aborting a waiter in the middle keeps the others' order", async () => {
  const s = new Semaphore(0);
  const controller = new AbortController();
  const order: number[] = [];
  const first = s.acquire().then(() => order.push(1));
  const middle = watch(s.acquire(1, { signal: controller.signal }));
  const last = s.acquire().then(() => order.push(3));
  controller.abort();
  s.addPermits(2);
  await Promise.all([first, last]);
  assertEquals(order, [1, 3]);
  assertEquals(middle.status, "rejected");
  assert(middle.reason instanceof DOMException && middle.reason.name === "AbortError");
});

Deno.test("acquire(): a signal aborted after the permit was granted changes nothing", async () => {
  const s = new Semaphore(0);
  const controller = new AbortController();
  const waiting = s.acquire(1, { signal: controller.signal });
  s.addPermits(1);
  controller.abort();
  const permit = await waiting;
  assertEquals(permit.count, 1);
  permit.release();
  assertEquals(s.availablePermits, 1);
});

Deno.test("acquire() inside a task rejects when the task is aborted, and the next waiter goes on", async () => {
  const s = new Semaphore(0);
  const order: string[] = [];
  const task = spawnTask(async () => {
    using _permit = await s.acquire(2);
    order.push("task");
  });
  const other = s.acquire(1).then((p) => (order.push("other"), p));
  await drain();
  s.addPermits(1);
  // The task's acquire holds the permit at the head.
  assertEquals(s.availablePermits, 0);
  task.abort("cancelled");
  assert(await rejection(task) instanceof Cancelled);
  (await other).release();
  assertEquals(order, ["other"]);
  assertEquals(s.availablePermits, 1);
});

Deno.test("acquire() in a task aborted before the call rejects at once", async () => {
  const s = new Semaphore(0);
  let reason: unknown;
  const task = spawnTask(async ({ signal }) => {
    await new Promise((resolve) => signal.addEventListener("abort", resolve));
    reason = await rejection(s.acquire());
  });
  await drain();
  task.abort("late");
  await rejection(task);
  await drain();
  assertEquals(reason, "late");
  s.addPermits(1);
  assertEquals(s.availablePermits, 1);
});

Deno.test("a permit held with `using` in a task is released when the task is aborted", async () => {
  using clock = TestClock.install();
  const s = new Semaphore(1);
  const task = spawnTask(async () => {
    using _permit = await s.acquire();
    await sleep(1_000);
  });
  await clock.tick(1);
  assertEquals(s.availablePermits, 0);
  task.abort();
  await rejection(task);
  assertEquals(s.availablePermits, 1);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("run() shutdown rejects acquires its tasks left waiting", async () => {
  const s = new Semaphore(0);
  let left: Promise<unknown> | undefined;
  await run(async () => {
    spawnTask(async () => {
      left = rejection(s.acquire());
      await left;
    });
    await sleep(0);
  });
  assert(left !== undefined);
  await left;
  s.addPermits(1);
  assertEquals(s.availablePermits, 1);
});

// -- Permits --

Deno.test("SemaphorePermit: release() twice gives back once", () => {
  const s = new Semaphore(2);
  const permit = s.tryAcquire(2)!;
  permit.release();
  permit.release();
  assertEquals([s.availablePermits, permit.count], [2, 0]);
});

Deno.test("SemaphorePermit: merge of itself changes nothing", () => {
  const s = new Semaphore(2);
  const permit = s.tryAcquire(2)!;
  permit.merge(permit);
  assertEquals(permit.count, 2);
});

Deno.test("SemaphorePermit: permits of a closed semaphore still release", () => {
  const s = new Semaphore(1);
  const permit = s.tryAcquire()!;
  s.close();
  permit[Symbol.dispose]();
  assertEquals(s.availablePermits, 1);
  assert(permit instanceof SemaphorePermit);
});

Deno.test("SemaphorePermit: split() rejects a bad count", () => {
  const permit = new Semaphore(2).tryAcquire(2)!;
  assertThrows(() => permit.split(-1), RangeError, "Cannot split the permit");
  assertThrows(() => permit.split(0.5), RangeError, "Cannot split the permit");
});
