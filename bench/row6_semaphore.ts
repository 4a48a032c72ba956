/**
 * Row 6: a semaphore, acquire then release, N times.
 *
 * - Uncontended: one async loop, 4 permits, `await acquire()` then release.
 * - Contended: 16 async loops share 4 permits, N acquisitions in all; each
 *   holds its permit across one `await` (so 12 loops wait at any moment).
 *   Every contender counts the critical sections it ran and the most that
 *   ran at once: the check is N, or -1 if more than 4 held permits at once.
 *
 * Peers: async-mutex's `Semaphore` (`acquire()` -> `[value, release]`) and
 * p-limit (`limit(fn)`), the two npm answers to "at most 4 at a time".
 *
 * @module
 */
import { Semaphore as AsyncMutexSemaphore } from "npm:async-mutex@0.5.0";
import pLimit from "npm:p-limit@7.3.3";
import { Semaphore } from "../sync.ts";
import { spawnTask } from "../task.ts";
import { type Contender, timed } from "./_harness.ts";

/** Permits of every semaphore in this row. */
export const PERMITS = 4;
/** Loops sharing the permits in the contended case. */
export const LOOPS = 16;

/** Runs `LOOPS` loops of `n / LOOPS` critical sections each; returns the check value. */
async function contended(
  n: number,
  section: (enter: () => void, leave: () => void) => Promise<void>,
  spawn: (loop: () => Promise<void>) => PromiseLike<void> = (loop) => loop(),
): Promise<number> {
  let inside = 0;
  let most = 0;
  let done = 0;
  const enter = () => {
    if (++inside > most) most = inside;
  };
  const leave = () => {
    inside--;
    done++;
  };
  const per = Math.floor(n / LOOPS);
  const loops = Array.from({ length: LOOPS }, () =>
    spawn(async () => {
      for (let i = 0; i < per; i++) await section(enter, leave);
    }));
  await Promise.all(loops);
  return most <= PERMITS ? done : -1;
}

/** The uncontended contenders for `n` acquisitions. */
export function uncontendedContenders(n: number): Contender[] {
  return [
    timed("one await per iteration (the floor)", "baseline", n, n, async () => {
      let done = 0;
      for (let i = 0; i < n; i++) {
        await null;
        done++;
      }
      return done;
    }),
    timed("async-mutex 0.5 Semaphore: acquire, release()", "peer", n, n, async () => {
      const sem = new AsyncMutexSemaphore(PERMITS);
      let done = 0;
      for (let i = 0; i < n; i++) {
        const [, release] = await sem.acquire();
        done++;
        release();
      }
      return done;
    }),
    timed("async-mutex 0.5 Semaphore.runExclusive", "peer", n, n, async () => {
      const sem = new AsyncMutexSemaphore(PERMITS);
      let done = 0;
      for (let i = 0; i < n; i++) await sem.runExclusive(() => done++);
      return done;
    }),
    timed("p-limit 7: await limit(fn)", "peer", n, n, async () => {
      const limit = pLimit(PERMITS);
      let done = 0;
      for (let i = 0; i < n; i++) await limit(() => done++);
      return done;
    }),
    timed("weft: acquire, permit.release()", "weft", n, n, async () => {
      const sem = new Semaphore(PERMITS);
      let done = 0;
      for (let i = 0; i < n; i++) {
        const permit = await sem.acquire();
        done++;
        permit.release();
      }
      return done;
    }),
    // Deno compiles `using` into a helper that costs more than the semaphore.
    timed("weft: using permit = await acquire()", "weft", n, n, async () => {
      const sem = new Semaphore(PERMITS);
      let done = 0;
      for (let i = 0; i < n; i++) {
        using _permit = await sem.acquire();
        done++;
      }
      return done;
    }),
  ];
}

/** The contended contenders for `n` acquisitions in all. */
export function contendedContenders(n: number): Contender[] {
  const total = Math.floor(n / LOOPS) * LOOPS;
  return [
    timed("async-mutex 0.5 Semaphore: acquire, release()", "peer", total, total, () => {
      const sem = new AsyncMutexSemaphore(PERMITS);
      return contended(n, async (enter, leave) => {
        const [, release] = await sem.acquire();
        enter();
        await null;
        leave();
        release();
      });
    }),
    timed("async-mutex 0.5 Semaphore.runExclusive", "peer", total, total, () => {
      const sem = new AsyncMutexSemaphore(PERMITS);
      return contended(n, (enter, leave) =>
        sem.runExclusive(async () => {
          enter();
          await null;
          leave();
        }));
    }),
    timed("p-limit 7: await limit(fn)", "peer", total, total, () => {
      const limit = pLimit(PERMITS);
      return contended(n, (enter, leave) =>
        limit(async () => {
          enter();
          await null;
          leave();
        }));
    }),
    timed("weft: acquire, permit.release()", "weft", total, total, () => {
      const sem = new Semaphore(PERMITS);
      return contended(n, async (enter, leave) => {
        const permit = await sem.acquire();
        enter();
        await null;
        leave();
        permit.release();
      });
    }),
    timed("weft: the same in 16 spawnTask tasks", "weft", total, total, () => {
      const sem = new Semaphore(PERMITS);
      return contended(n, async (enter, leave) => {
        const permit = await sem.acquire();
        enter();
        await null;
        leave();
        permit.release();
      }, spawnTask);
    }),
  ];
}
