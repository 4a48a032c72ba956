/**
 * Notify: tokio's own tests (`tokio/tests/sync_notify.rs`,
 * `src/sync/tests/notify.rs`) under their names, then weft's additions.
 *
 * A tokio `Notified` future joins the waiter list when first polled (or
 * `enable()`d); a weft `notified()` joins it when called. tokio's "poll" is
 * therefore the call here, and its `enable()` tests map to the call.
 *
 * tokio tests that cannot map, or map with a change:
 * - `notified_multi_notify_drop_one`, `notified_multi_notify_one_drop`,
 *   `notified_multi_notify_last_drop`: in tokio a waiter that was chosen by
 *   `notify_one` but dropped before it was polled again hands the
 *   notification on. A weft waiter chosen by `notifyOne()` has resolved
 *   already (a promise cannot be taken back), so aborting it afterwards
 *   changes nothing and the next waiter stays pending. Aborting a waiter
 *   before the notification (`notified_drop_notified_notify`) does hand it on.
 * - `notify_in_drop_after_wake`, `test_waker_update`,
 *   `notify_clones_waker_before_lock`, `notify_waiters_handles_panicking_waker`:
 *   custom wakers and panics inside them; wakers are not user-visible.
 * - `test_notify_one_after_enable`'s second `enable()` after completion, and
 *   `test_poll_after_enable`: `enable()` itself does not exist (the call enables).
 * - `watch_test` belongs to the watch channel.
 * - `AssertSend`: auto traits.
 * - `src/sync/tests/loom_notify.rs`: loom model-checks thread interleavings.
 */
import { Notify } from "../../sync.ts";
import { spawnTask } from "../../task.ts";
import { assertEquals } from "../_assert.ts";
import { drain, rejection, watch } from "../_helpers.ts";

// -- tokio: sync_notify.rs --

Deno.test("notify_notified_one: a waiter is woken by notifyOne()", async () => {
  const notify = new Notify();
  const notified = watch(notify.notified());
  notify.notifyOne();
  await drain();
  assertEquals(notified.status, "fulfilled");
});

Deno.test("notify_multi_notified_one: notifyOne() wakes the first waiter only", async () => {
  const notify = new Notify();
  const notified1 = watch(notify.notified());
  const notified2 = watch(notify.notified());
  notify.notifyOne();
  await drain();
  assertEquals([notified1.status, notified2.status], ["fulfilled", "pending"]);
  notify.notifyWaiters();
});

Deno.test("notify_multi_notified_last: notifyLast() wakes the last waiter only", async () => {
  const notify = new Notify();
  const notified1 = watch(notify.notified());
  const notified2 = watch(notify.notified());
  notify.notifyLast();
  await drain();
  assertEquals([notified1.status, notified2.status], ["pending", "fulfilled"]);
  notify.notifyWaiters();
});

Deno.test("notified_one_notify: a pending waiter is woken by notifyOne()", async () => {
  const notify = new Notify();
  const notified = watch(notify.notified());
  await drain();
  assertEquals(notified.status, "pending");
  notify.notifyOne();
  await drain();
  assertEquals(notified.status, "fulfilled");
});

Deno.test("notified_multi_notify: of two pending waiters notifyOne() wakes the first", async () => {
  const notify = new Notify();
  const notified1 = watch(notify.notified());
  const notified2 = watch(notify.notified());
  await drain();
  notify.notifyOne();
  await drain();
  assertEquals([notified1.status, notified2.status], ["fulfilled", "pending"]);
  notify.notifyOne();
});

Deno.test("notify_notified_multi: a stored permit serves one waiter, the next waits", async () => {
  const notify = new Notify();
  notify.notifyOne();
  const notified1 = watch(notify.notified());
  const notified2 = watch(notify.notified());
  await drain();
  assertEquals([notified1.status, notified2.status], ["fulfilled", "pending"]);
  notify.notifyOne();
  await drain();
  assertEquals(notified2.status, "fulfilled");
});

Deno.test("notified_drop_notified_notify: an aborted waiter leaves, the next one is woken", async () => {
  const notify = new Notify();
  const controller = new AbortController();
  const notified1 = watch(notify.notified({ signal: controller.signal }));
  const notified2 = watch(notify.notified());
  await drain();
  controller.abort();
  notify.notifyOne();
  await drain();
  assertEquals([notified1.status, notified2.status], ["rejected", "fulfilled"]);
});

Deno.test("notified_multi_notify_drop_one: (differs) a waiter already notified keeps it when aborted", async () => {
  const notify = new Notify();
  const controller = new AbortController();
  const notified1 = watch(notify.notified({ signal: controller.signal }));
  const notified2 = watch(notify.notified());
  notify.notifyOne();
  controller.abort();
  await drain();
  assertEquals([notified1.status, notified2.status], ["fulfilled", "pending"]);
  notify.notifyOne();
});

Deno.test("notify_one_after_dropped_all: notifyWaiters() then notifyOne() leaves a permit", async () => {
  const notify = new Notify();
  const notified1 = watch(notify.notified());
  await drain();
  assertEquals(notified1.status, "pending");
  notify.notifyWaiters();
  notify.notifyOne();
  const notified2 = watch(notify.notified());
  await drain();
  assertEquals([notified1.status, notified2.status], ["fulfilled", "fulfilled"]);
});

Deno.test("test_notify_one_not_enabled: notifyOne() right after notified() wakes it", async () => {
  const notify = new Notify();
  const future = watch(notify.notified());
  notify.notifyOne();
  await drain();
  assertEquals(future.status, "fulfilled");
});

Deno.test("test_notify_one_after_enable: a waiter queued at the call takes notifyOne()", async () => {
  const notify = new Notify();
  const future = watch(notify.notified());
  notify.notifyOne();
  const later = watch(notify.notified());
  await drain();
  assertEquals([future.status, later.status], ["fulfilled", "pending"]);
  notify.notifyWaiters();
});

Deno.test("test_enable_after_poll: a waiter that already waits has not consumed a permit", async () => {
  const notify = new Notify();
  const future = watch(notify.notified());
  await drain();
  assertEquals(future.status, "pending");
  notify.notifyOne();
  await drain();
  assertEquals(future.status, "fulfilled");
});

Deno.test("test_enable_consumes_permit: the first notified() takes the stored permit", async () => {
  const notify = new Notify();
  notify.notifyOne();
  const future1 = watch(notify.notified());
  const future2 = watch(notify.notified());
  await drain();
  assertEquals([future1.status, future2.status], ["fulfilled", "pending"]);
  notify.notifyOne();
});

Deno.test("unpolled_future_completed_by_notify_waiters_preserves_notify_one_permit", async () => {
  const notify = new Notify();
  const notified1 = watch(notify.notified());
  notify.notifyWaiters();
  notify.notifyOne();
  const notified2 = watch(notify.notified());
  await drain();
  assertEquals([notified1.status, notified2.status], ["fulfilled", "fulfilled"]);
});

// -- tokio: src/sync/tests/notify.rs --

Deno.test("notify_simple: notifyWaiters() wakes every waiter", async () => {
  const notify = new Notify();
  const fut1 = watch(notify.notified());
  const fut2 = watch(notify.notified());
  await drain();
  assertEquals([fut1.status, fut2.status], ["pending", "pending"]);
  notify.notifyWaiters();
  await drain();
  assertEquals([fut1.status, fut2.status], ["fulfilled", "fulfilled"]);
});

// -- Permits and order --

Deno.test("notifyOne() stores at most one permit", async () => {
  const notify = new Notify();
  notify.notifyOne();
  notify.notifyOne();
  const first = watch(notify.notified());
  const second = watch(notify.notified());
  await drain();
  assertEquals([first.status, second.status], ["fulfilled", "pending"]);
  notify.notifyOne();
});

Deno.test("notifyWaiters() stores nothing for a later waiter, keeps a stored permit", async () => {
  const notify = new Notify();
  notify.notifyWaiters();
  const later = watch(notify.notified());
  await drain();
  assertEquals(later.status, "pending");
  notify.notifyOne();
  await drain();
  assertEquals(later.status, "fulfilled");
  notify.notifyOne();
  notify.notifyWaiters();
  const withPermit = watch(notify.notified());
  await drain();
  assertEquals(withPermit.status, "fulfilled");
});

Deno.test("notifyWaiters() wakes oldest first, each in the next microtasks", async () => {
  const notify = new Notify();
  const order: string[] = [];
  const waits = [1, 2, 3].map((n) => notify.notified().then(() => order.push(`woken ${n}`)));
  notify.notifyWaiters();
  order.push("notified");
  await Promise.all(waits);
  assertEquals(order, ["notified", "woken 1", "woken 2", "woken 3"]);
});

Deno.test("notifyWaiters() does not wake a waiter that starts while it runs", async () => {
  const notify = new Notify();
  let second: ReturnType<typeof watch<void>> | undefined;
  const first = notify.notified().then(() => {
    second = watch(notify.notified());
  });
  notify.notifyWaiters();
  await first;
  await drain();
  assertEquals(second?.status, "pending");
  notify.notifyOne();
});

// -- Cancellation --

Deno.test("notified() with an aborted signal rejects and takes no permit", async () => {
  const notify = new Notify();
  notify.notifyOne();
  const controller = new AbortController();
  controller.abort("no");
  assertEquals(await rejection(notify.notified({ signal: controller.signal })), "no");
  const next = watch(notify.notified());
  await drain();
  assertEquals(next.status, "fulfilled");
});

Deno.test("notified() inside an aborted task rejects; notifyOne() then stores a permit", async () => {
  const notify = new Notify();
  let reason: unknown;
  const task = spawnTask(async () => {
    reason = await rejection(notify.notified());
  });
  await drain();
  task.abort("stop");
  await drain();
  assertEquals(reason, "stop");
  notify.notifyOne();
  const next = watch(notify.notified());
  await drain();
  assertEquals(next.status, "fulfilled");
});
