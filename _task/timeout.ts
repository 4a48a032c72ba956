/**
 * Internal: `timeout` and `timeoutAt`, a future under a time limit.
 * Re-exported by `task.ts`.
 *
 * @module
 */
import { resumeAfterYield } from "../_runtime/scheduler.ts";
import { checkDuration } from "../_runtime/checks.ts";
import { now } from "../_runtime/timer.ts";
import { checkDeadline } from "./deadline.ts";
import { Elapsed } from "./errors.ts";
import { checkFuture, launch as startFuture } from "./race.ts";
import type { Cancellable } from "./select.ts";
import { sleep } from "./sleep.ts";

/**
 * Settles like `future` if it finishes within `ms`, else rejects with
 * {@linkcode Elapsed} and cancels `future` when it can (as in `race`).
 * As tokio polls the future before its deadline, a future that finishes at
 * the instant the limit is reached wins, and `timeout(0, f)` settles like `f`
 * when `f` finishes at once (without waiting for a timer or another task).
 * A function's value that comes after the deadline is dropped: disposed if it
 * is `Disposable` (a permit acquired too late goes back to its semaphore).
 *
 * @typeParam T The future's result.
 * @param ms The time limit in milliseconds.
 * @param future A promise, task handle, or function given a signal.
 * @returns The future's result.
 * @throws {RangeError} If `ms` is negative, NaN or infinite.
 *
 * @example A slow operation times out
 * ```ts
 * import { Elapsed, sleep, timeout } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const error = await timeout(5, (signal) => sleep(1_000, { signal })).catch((e) => e);
 * assert.ok(error instanceof Elapsed);
 * ```
 */
export function timeout<T>(ms: number, future: Cancellable<T>): Promise<T> {
  checkDuration(ms, "set a timeout");
  checkFuture(future, "set a timeout");
  const timer = new AbortController();
  // tokio polls the future before the deadline: work that finishes at the
  // instant the deadline is reached (at once, for a deadline already reached)
  // wins. Elapsed is decided after that instant's ready work, in the turn of
  // tasks that yielded (queued before any yield of the work itself).
  let expire = (): void => {};
  let fail = (_reason: unknown): void => {};
  if (ms === 0) resumeAfterYield(() => expire());
  else {
    sleep(ms, { signal: timer.signal }).then(
      () => resumeAfterYield(() => expire()),
      // The sleep failed by itself: the task it runs in was cancelled.
      (reason) => timer.signal.aborted || fail(reason),
    );
  }
  const work = startFuture(future as Cancellable<T>);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (finished: boolean): boolean => {
      if (settled) return false;
      settled = true;
      timer.abort();
      // Work that finished in time keeps its signal (it may guard what it returned).
      if (!finished) work.cancel(new Elapsed());
      return true;
    };
    expire = () => {
      if (settle(false)) {
        reject(new Elapsed(`Cannot wait longer: the ${ms} ms timeout has elapsed`));
      }
    };
    fail = (reason) => settle(false) && reject(reason);
    work.promise.then(
      (value) => settle(true) ? resolve(value) : work.discard(value as T),
      (error) => settle(true) && reject(error),
    );
  });
}

/**
 * Settles like `future` if it finishes before `deadline` (a `Date.now()`-scale
 * timestamp in milliseconds), else rejects with {@linkcode Elapsed} and
 * cancels `future` when it can, tokio's `timeout_at`: `timeout()` with an
 * instant instead of a duration.
 *
 * @typeParam T The future's result.
 * @param deadline The instant, in `Date.now()` milliseconds.
 * @param future A promise, task handle, or function given a signal.
 * @returns The future's result.
 * @throws {RangeError} If `deadline` is NaN, infinite or not a number.
 *
 * @example One deadline for several steps
 * ```ts
 * import { Elapsed, sleep, timeoutAt } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const deadline = Date.now() + 20;
 * assert.equal(await timeoutAt(deadline, sleep(1).then(() => "first")), "first");
 * const error = await timeoutAt(deadline, (signal) => sleep(1_000, { signal })).catch((e) => e);
 * assert.ok(error instanceof Elapsed);
 * ```
 */
export function timeoutAt<T>(deadline: number, future: Cancellable<T>): Promise<T> {
  checkDeadline(deadline, "set a timeout");
  return timeout(Math.max(0, Math.ceil(deadline) - now()), future);
}
