/**
 * Internal: waiting for time: `sleep`, `sleepUntil` and `yieldNow`.
 * Re-exported by `task.ts`.
 *
 * @module
 */
import { resumeAfterYield } from "../_runtime/scheduler.ts";
import { deadlineAfter } from "../_runtime/poll.ts";
import { checkDuration } from "../_runtime/checks.ts";
import type { WaitOptions } from "../_runtime/task_state.ts";
import { now } from "../_runtime/timer.ts";
import { immediateSleep, sleepUntilDeadline } from "../_runtime/sleep.ts";
import { checkDeadline } from "./deadline.ts";

/**
 * Waits `ms` milliseconds, trpl's `sleep`.
 *
 * `sleep(0)` completes without a timer, as tokio's does. A fractional duration
 * is rounded up to whole milliseconds. Inside a task, aborting the task rejects
 * the sleep at once with the abort reason; `signal` does the same with
 * `signal.reason`.
 *
 * @param ms How long to wait, in milliseconds.
 * @param options `signal` to cancel the wait.
 * @returns A promise that resolves after `ms`.
 * @throws {RangeError} If `ms` is negative, NaN or infinite.
 *
 * @example Sleep under a signal
 * ```ts
 * import { sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const controller = new AbortController();
 * const pending = sleep(60_000, { signal: controller.signal });
 * controller.abort("stop");
 * assert.deepStrictEqual(await pending.catch((reason) => reason), "stop");
 * ```
 */
export function sleep(ms: number, options?: WaitOptions): Promise<void> {
  checkDuration(ms, "sleep");
  const signal = options?.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms === 0) return immediateSleep();
  return sleepUntilDeadline(deadlineAfter(ms), options);
}

/**
 * Lets every other ready task run, then resumes, trpl's `yield_now`.
 *
 * It waits for one macrotask: every pending microtask (every task resumed
 * before it) runs first. It is not clamped to 4 ms as a nested
 * `setTimeout(0)` is, and fake clocks do not hold it.
 *
 * @returns A promise that resolves once other ready work has run.
 *
 * @example Let a spawned task go first
 * ```ts
 * import { spawnTask, yieldNow } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const order: string[] = [];
 * const handle = spawnTask(() => {
 *   order.push("task");
 * });
 * await yieldNow();
 * order.push("main");
 * await handle;
 * assert.deepStrictEqual(order, ["task", "main"]);
 * ```
 */
export function yieldNow(): Promise<void> {
  // As tokio's deferred wake: after the tasks ready now, before woken consumers are polled again.
  return new Promise((resolve) => resumeAfterYield(resolve));
}

/**
 * Waits until `deadline`, a `Date.now()`-scale timestamp in milliseconds,
 * tokio's `sleep_until`. A deadline already reached completes at once, as
 * `sleep(0)` does; a fractional one is rounded up to a whole millisecond.
 *
 * @param deadline When to wake, in `Date.now()` milliseconds.
 * @param options `signal` to cancel the wait (rejects with `signal.reason`).
 * @returns A promise that resolves at `deadline`.
 * @throws {RangeError} If `deadline` is NaN, infinite or not a number.
 *
 * @example Wake at an instant
 * ```ts
 * import { sleepUntil } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * let woke = -1;
 * const done = sleepUntil(Date.now() + 30).then(() => (woke = clock.elapsed));
 * await clock.tick(100);
 * await done;
 * assert.equal(woke, 30);
 * ```
 */
export function sleepUntil(deadline: number, options?: WaitOptions): Promise<void> {
  checkDeadline(deadline, "sleep");
  return sleep(Math.max(0, Math.ceil(deadline) - now()), options);
}
