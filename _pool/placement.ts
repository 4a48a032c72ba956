/**
 * Internal: where a pool's scheduler (`scheduler.ts`) puts a job, and the
 * state the job takes there.
 *
 * - A new job goes to a free slot: an idle worker first, else a slot whose
 *   worker is not started yet (started lazily, up to the pool's size).
 * - Else it is queued at the back of the shortest deque.
 * - A worker whose own deque is empty steals from the back of the longest
 *   other deque, skipping a deque whose jobs its worker has all started.
 * - A job taken to run gives up its arguments; a settled one too, and its
 *   handle learns its outcome.
 *
 * @module
 */
import { settleHandle } from "./handle.ts";
import { ENDED, type Job, RUNNING } from "./job.ts";
import type { PoolCounters } from "./settings.ts";
import type { Slot } from "./slot.ts";

const EMPTY: never[] = [];

/** A free slot: an idle worker first, else one not started; null if none. */
export function freeSlot(slots: readonly Slot[]): Slot | null {
  let unstarted: Slot | null = null;
  for (const slot of slots) {
    if (slot.job !== null) continue;
    if (slot.worker !== null) return slot;
    unstarted ??= slot;
  }
  return unstarted;
}

/** The slot with the shortest deque (the first of them). */
export function shortestDeque(slots: readonly Slot[]): Slot {
  let target = slots[0]!;
  for (const slot of slots) if (slot.deque.length < target.deque.length) target = slot;
  return target;
}

/**
 * The back of the longest deque other than `thief`'s, unless its worker has
 * started it (then the next longest), counted as stolen; undefined when
 * there is none.
 */
export function steal(
  slots: readonly Slot[],
  thief: Slot,
  counters: PoolCounters,
): Job | undefined {
  let skipped: Slot[] | null = null;
  for (;;) {
    let victim: Slot | null = null;
    for (const slot of slots) {
      if (slot === thief || slot.deque.length === 0 || skipped?.includes(slot)) continue;
      if (victim === null || slot.deque.length > victim.deque.length) victim = slot;
    }
    if (victim === null) return undefined;
    const job = victim.steal();
    if (job !== null) {
      counters.stolen++;
      return job;
    }
    // Its worker has started every job of that deque: the next longest.
    (skipped ??= []).push(victim);
  }
}

/** `job` is `slot`'s running job now (its worker has it). */
export function take(slot: Slot, job: Job): void {
  job.args = EMPTY;
  job.transfer = EMPTY;
  job.state = RUNNING;
  job.slot = slot;
  slot.job = job;
}

/** `job` has ended with `outcome` (`ok`: its result); its handle, if any, settles. */
export function settle(job: Job, ok: boolean, outcome: unknown, report: boolean): void {
  job.state = ENDED;
  job.args = EMPTY;
  job.transfer = EMPTY;
  const listener = job.listener;
  job.listener = null;
  if (listener !== null) settleHandle(listener, ok, outcome, report);
}
