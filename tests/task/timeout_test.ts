/**
 * `timeout` / `timeoutAt` at their deadline: tokio polls the future before
 * the deadline, so work that finishes at the instant the limit is reached
 * wins (tokio's `tests/time_timeout.rs`).
 */
import { assertEquals, assertRejects } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import { Elapsed, sleep, timeout, timeoutAt, yieldNow } from "../../task.ts";
import { TestClock } from "../../testing.ts";

// -- A deadline already reached --

Deno.test("simultaneous_deadline_future_completion", async () => {
  using clock = TestClock.install();
  assertEquals(await timeoutAt(clock.now, async () => {}), undefined);
  // The case as written: an async function that finishes at once.
  // deno-lint-ignore require-await
  assertEquals(await timeout(0, async () => 1), 1);
  assertEquals(await timeout(0, () => 1), 1);
  assertEquals(await timeout(0, Promise.resolve(1)), 1);
});

Deno.test("completed_future_past_deadline", async () => {
  using clock = TestClock.install({ now: 10_000 });
  // deno-lint-ignore require-await
  assertEquals(await timeoutAt(clock.now - 1_000, async () => 1), 1);
});

Deno.test("deadline_now_elapses", async () => {
  using clock = TestClock.install();
  const pending = watch(timeoutAt(clock.now, () => new Promise<void>(() => {})));
  await clock.tick(1);
  assertEquals(pending.status, "rejected");
  assertEquals(pending.reason instanceof Elapsed, true);
});

Deno.test("a reached deadline wins over work that waits for another task first", async () => {
  using _clock = TestClock.install();
  await assertRejects(
    timeout(0, async () => {
      await yieldNow();
      return 1;
    }),
    Elapsed,
  );
});

// -- A deadline reached later --

Deno.test("work that finishes at the instant of the deadline wins", async () => {
  using clock = TestClock.install();
  const result = watch(timeout(100, (signal) => sleep(100, { signal }).then(() => "done")));
  await clock.tick(100);
  assertEquals(result.status, "fulfilled");
  assertEquals(result.value, "done");
});

Deno.test("work that waits for another task at the instant of the deadline elapses", async () => {
  using clock = TestClock.install();
  const result = watch(timeout(100, async (signal) => {
    await sleep(100, { signal });
    await yieldNow();
    return "after a yield";
  }));
  await clock.tick(100);
  assertEquals(result.status, "rejected");
  assertEquals(result.reason instanceof Elapsed, true);
});

Deno.test("work still pending at the instant of the deadline elapses then", async () => {
  using clock = TestClock.install();
  const result = watch(timeout(100, (signal) => sleep(101, { signal }).then(() => "late")));
  await clock.tick(100);
  assertEquals(result.status, "rejected");
  assertEquals(result.reason instanceof Elapsed, true);
  await clock.tick(10);
  assertEquals(clock.pendingTimers, 0);
});
