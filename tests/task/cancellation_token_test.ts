/**
 * CancellationToken and DropGuard, from tokio-util's
 * `tests/sync_cancellation_token.rs` (test names kept where they map). Where
 * tokio counts wake-ups of a polled future, these tests count settled
 * `cancelled()` promises.
 *
 * tokio-util tests that cannot map to TypeScript:
 * - `cancel_token_owned`, `cancel_token_owned_drop_test`,
 *   `run_until_cancelled_owned_test`: `cancelled_owned` differs from
 *   `cancelled` only in Rust ownership; their behaviour is the same tests'.
 * - `drop_multiple_child_tokens`, `drop_parent_before_child_tokens`: `Drop`
 *   order of tree nodes; tokens here are garbage collected (children are held
 *   weakly through `AbortSignal.any`).
 * - `derives_send_sync`: auto traits.
 * - `cloned_cancellation_tokens_are_considered_equal` and the other
 *   `Eq`/`Hash` tests: a token is shared by reference, not cloned.
 */
import { CancellationToken, DropGuard, sleep, spawnTask } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, rejection, watch } from "../_helpers.ts";

/** How many of `promises` have settled, after pending reactions ran. */
async function settledCount(promises: ReturnType<typeof watch>[]): Promise<number> {
  await drain();
  return promises.filter((p) => p.status !== "pending").length;
}

// -- tokio-util's sync_cancellation_token.rs --

Deno.test("cancel_token", async () => {
  const token = new CancellationToken();
  assertEquals(token.isCancelled, false);
  const wait1 = watch(token.cancelled());
  assertEquals(await settledCount([wait1]), 0);
  const wait2 = watch(token.cancelled());
  token.cancel();
  assertEquals(token.isCancelled, true);
  assertEquals(await settledCount([wait1, wait2]), 2);
  assertEquals([wait1.status, wait2.status], ["fulfilled", "fulfilled"]);
});

Deno.test("cancel_child_token_through_parent", async () => {
  const token = new CancellationToken();
  const child = token.childToken();
  assertEquals(child.isCancelled, false);
  const childWait = watch(child.cancelled());
  const parentWait = watch(token.cancelled());
  assertEquals(await settledCount([childWait, parentWait]), 0);
  token.cancel();
  assertEquals([token.isCancelled, child.isCancelled], [true, true]);
  assertEquals(await settledCount([childWait, parentWait]), 2);
});

Deno.test("cancel_grandchild_token_through_parent_if_child_was_dropped", async () => {
  const token = new CancellationToken();
  let intermediate: CancellationToken | null = token.childToken();
  const child = intermediate.childToken();
  intermediate = null;
  assertEquals(child.isCancelled, false);
  const childWait = watch(child.cancelled());
  const parentWait = watch(token.cancelled());
  assertEquals(await settledCount([childWait, parentWait]), 0);
  token.cancel();
  assertEquals([token.isCancelled, child.isCancelled, intermediate], [true, true, null]);
  assertEquals(await settledCount([childWait, parentWait]), 2);
});

Deno.test("cancel_child_token_without_parent", async () => {
  const token = new CancellationToken();
  const child1 = token.childToken();
  const childWait = watch(child1.cancelled());
  const parentWait = watch(token.cancelled());
  assertEquals(await settledCount([childWait, parentWait]), 0);
  child1.cancel();
  assertEquals([token.isCancelled, child1.isCancelled], [false, true]);
  assertEquals([await settledCount([childWait]), await settledCount([parentWait])], [1, 0]);

  const child2 = token.childToken();
  const child2Wait = watch(child2.cancelled());
  assertEquals(await settledCount([child2Wait, parentWait]), 0);
  token.cancel();
  assertEquals([token.isCancelled, child2.isCancelled], [true, true]);
  assertEquals(await settledCount([child2Wait, parentWait]), 2);
});

Deno.test("create_child_token_after_parent_was_cancelled", async () => {
  const token = new CancellationToken();
  token.cancel("early");
  const child = token.childToken();
  assertEquals(child.isCancelled, true);
  assertEquals(child.signal.reason, "early");
  const childWait = watch(child.cancelled());
  const parentWait = watch(token.cancelled());
  assertEquals(await settledCount([childWait, parentWait]), 2);
});

Deno.test("cancel_only_all_descendants", async () => {
  const parent = new CancellationToken();
  const token = parent.childToken();
  const sibling = parent.childToken();
  const child1 = token.childToken();
  const child2 = token.childToken();
  const grandchild = child1.childToken();
  const grandchild2 = child1.childToken();
  const greatGrandchild = grandchild.childToken();
  const all = [
    parent,
    token,
    sibling,
    child1,
    child2,
    grandchild,
    grandchild2,
    greatGrandchild,
  ];
  assertEquals(all.map((t) => t.isCancelled), Array(8).fill(false));
  const waits = all.map((t) => watch(t.cancelled()));
  assertEquals(await settledCount(waits), 0);

  token.cancel();

  assertEquals(await settledCount(waits), 6);
  assertEquals(all.map((t) => t.isCancelled), [false, true, false, true, true, true, true, true]);
  assertEquals(waits.map((w) => w.status !== "pending"), all.map((t) => t.isCancelled));
});

Deno.test("run_until_cancelled_test", async () => {
  {
    const token = new CancellationToken();
    const result = watch(token.runUntilCancelled(new Promise(() => {})));
    assertEquals(await settledCount([result]), 0);
    token.cancel();
    assertEquals(await settledCount([result]), 1);
    assertEquals(result.value, undefined);
  }
  {
    const token = new CancellationToken();
    let send!: () => void;
    const rx = new Promise<void>((resolve) => (send = resolve));
    const result = watch(token.runUntilCancelled(rx.then(() => 42)));
    assertEquals(await settledCount([result]), 0);
    send();
    assertEquals(await settledCount([result]), 1);
    assertEquals(result.value, 42);
  }
  // A token already cancelled never starts the future.
  {
    const token = new CancellationToken();
    token.cancel();
    let started = false;
    const result = await token.runUntilCancelled(() => {
      started = true;
      return Promise.resolve(1);
    });
    assertEquals([result, started], [undefined, false]);
  }
});

// -- Signals and reasons --

Deno.test("signal aborts with the reason given to cancel(), reaching descendants", () => {
  const token = new CancellationToken();
  const child = token.childToken();
  const seen: unknown[] = [];
  child.signal.addEventListener("abort", () => seen.push(child.signal.reason));
  token.cancel("shutdown");
  token.cancel("again");
  assertEquals([token.signal.reason, seen], ["shutdown", ["shutdown"]]);
});

Deno.test("cancel() without a reason aborts the signal with an AbortError", () => {
  const token = new CancellationToken();
  token.cancel();
  assert(token.signal.reason instanceof DOMException);
  assertEquals(token.signal.reason.name, "AbortError");
});

Deno.test("the signal cancels weft waits that take { signal }", async () => {
  using clock = TestClock.install();
  const token = new CancellationToken();
  const slept = watch(sleep(1000, { signal: token.signal }));
  await clock.tick(10);
  token.cancel("stop");
  await clock.settle();
  assertEquals([slept.status, slept.reason, clock.pendingTimers], ["rejected", "stop", 0]);
});

Deno.test("runUntilCancelled() aborts a function's signal when the token is cancelled", async () => {
  using clock = TestClock.install();
  const token = new CancellationToken();
  let seen: unknown;
  const result = watch(token.runUntilCancelled(async (signal) => {
    try {
      await sleep(1000, { signal });
    } catch (reason) {
      seen = reason;
    }
    return "late";
  }));
  await clock.tick(5);
  token.cancel("stop");
  await clock.settle();
  assertEquals([result.value, seen, clock.pendingTimers], [undefined, "stop", 0]);
});

Deno.test("runUntilCancelled() rejects with the future's error", async () => {
  const token = new CancellationToken();
  const failure = new Error("boom");
  assertEquals(await rejection(token.runUntilCancelled(Promise.reject(failure))), failure);
});

// -- Waiting --

Deno.test("cancelled({ signal }) stops waiting with the signal's reason", async () => {
  const token = new CancellationToken();
  const controller = new AbortController();
  const waiting = watch(token.cancelled({ signal: controller.signal }));
  controller.abort("bored");
  await drain();
  assertEquals([waiting.status, waiting.reason], ["rejected", "bored"]);
  assertEquals(await rejection(token.cancelled({ signal: controller.signal })), "bored");
});

Deno.test("cancelled() in a task rejects when the task is aborted", async () => {
  const token = new CancellationToken();
  let seen: unknown;
  const task = spawnTask(() => token.cancelled().catch((reason) => (seen = reason)));
  await drain();
  task.abort("task gone");
  await drain();
  assertEquals([seen, token.isCancelled], ["task gone", false]);
});

// -- Drop guards --

Deno.test("dropGuard() cancels the token when the block is left", () => {
  const token = new CancellationToken();
  try {
    using _guard = token.dropGuard();
    throw new Error("leave");
  } catch {
    // The guard has run.
  }
  assertEquals(token.isCancelled, true);
});

Deno.test("a disarmed DropGuard leaves the token alone and cannot be disarmed twice", () => {
  const token = new CancellationToken();
  const guard = token.dropGuard();
  assert(guard.disarm() === token);
  assertThrows(() => guard.disarm(), TypeError, "Cannot disarm");
  guard[Symbol.dispose]();
  assertEquals(token.isCancelled, false);
});

// -- Bad input --

Deno.test("CancellationToken rejects bad arguments at the call", () => {
  assertThrows(() => new CancellationToken({} as never), TypeError, "Cannot make a child token");
  assertThrows(() => new DropGuard({} as never), TypeError, "Cannot make a drop guard");
  const token = new CancellationToken();
  assertThrows(() => token.runUntilCancelled(42 as never), TypeError, "Cannot run until cancelled");
});
