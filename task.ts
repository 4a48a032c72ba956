/**
 * The task path: `run`, `spawnTask`, `sleep`, `yieldNow`, `join`, `joinAll`,
 * `race` and `timeout`, trpl's async toolkit for TypeScript.
 *
 * Tasks are cheap (a promise and a small record; sleeps share one host timer)
 * and cancellable: aborting a task fires its `AbortSignal` and rejects every
 * weft wait it is blocked on (`sleep`, `recv`, a bounded `send`) at once. Time
 * is read through `globalThis.setTimeout` and `Date.now()` at call time, so fake
 * clocks control it.
 *
 * @example Spawn a task and await its handle
 * ```ts
 * import { run, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const total = await run(async () => {
 *   const handle = spawnTask(async () => {
 *     await sleep(1);
 *     return 40;
 *   });
 *   return (await handle) + 2;
 * });
 * assert.deepStrictEqual(total, 42);
 * ```
 *
 * @module
 */
import { spawnTask } from "./_task/join_handle.ts";
import { setSpawner } from "./_task/join_set.ts";

export { Cancelled, Elapsed } from "./_task/errors.ts";
export { JoinHandle, run, spawnTask, type TaskContext } from "./_task/join_handle.ts";
export { sleep, sleepUntil, yieldNow } from "./_task/sleep.ts";
export { type Awaited_, join, joinAll } from "./_task/join.ts";
export { type Cancellable, race, select, type Selected } from "./_task/select.ts";
export { timeout, timeoutAt } from "./_task/timeout.ts";
export { AbortHandle, type JoinResult } from "./_task/abort_handle.ts";
export { JoinSet } from "./_task/join_set.ts";
export { CancellationToken, DropGuard } from "./_task/cancellation_token.ts";
export type { Settled } from "./_task/race.ts";
export type { WaitOptions } from "./_runtime/task_state.ts";

setSpawner(spawnTask);
