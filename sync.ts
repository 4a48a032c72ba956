/**
 * tokio's synchronisation primitives (`tokio::sync`) for weft's tasks: a
 * fair counting {@linkcode Semaphore}, an async {@linkcode Mutex} and
 * {@linkcode RwLock}, {@linkcode Notify} and {@linkcode Barrier}.
 *
 * What they share:
 * - Waiters are served in the order they started waiting (strict FIFO, as
 *   tokio's intrusive waiter lists). A waiter that is served resolves in the
 *   next microtasks, in that order; the code that released keeps running
 *   until its next `await`.
 * - Every call that can wait takes `{ signal }`. Aborting the signal, or the
 *   weft task the call was made in, withdraws the waiter at once: it rejects
 *   with the abort reason as it is and never takes anything afterwards
 *   (permits it was assigned while it waited go to the waiters behind it).
 * - Whatever is held (a permit, a guard) is `Disposable`: `using permit =
 *   await semaphore.acquire()` releases it when the block ends, on every path.
 * - Bad arguments throw at the call: `RangeError` for a permit count that is
 *   negative, fractional or above `Semaphore.MAX_PERMITS`, `TypeError` for
 *   options that are not an options bag.
 *
 * @example At most two requests in flight
 * ```ts
 * import { Semaphore } from "@weft/weft/sync";
 * import { joinAll, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(2);
 * let inFlight = 0;
 * let most = 0;
 * async function fetchPage(page: number): Promise<number> {
 *   using _permit = await semaphore.acquire();
 *   most = Math.max(most, ++inFlight);
 *   await sleep(5);
 *   inFlight--;
 *   return page;
 * }
 * const pages = await joinAll([1, 2, 3, 4, 5].map(fetchPage));
 * assert.deepStrictEqual(pages, [1, 2, 3, 4, 5]);
 * assert.equal(most, 2);
 * ```
 *
 * @module
 */
export { AcquireError, Semaphore, SemaphorePermit } from "./_sync/semaphore.ts";
export { Mutex, MutexGuard } from "./_sync/mutex.ts";
export { RwLock, type RwLockOptions, RwLockReadGuard, RwLockWriteGuard } from "./_sync/rwlock.ts";
export { Notify } from "./_sync/notify.ts";
export { Barrier, type BarrierWaitResult } from "./_sync/barrier.ts";
export type { WaitOptions } from "./task.ts";
