/**
 * Internal: `Barrier` and its state (tokio `sync::Barrier`).
 *
 * Callers of `wait()` queue until `size` of them wait; the one that completes
 * the group is its leader, and the barrier starts its next generation empty.
 * An aborted wait leaves the group (tokio's is not cancel safe: a dropped
 * wait there still counts).
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { checkPermits } from "./batch_semaphore.ts";
import { checkWaitOptions, QueuedWait, WaitList } from "./wait_list.ts";

/**
 * What a barrier's `wait()` resolves with: whether this caller led its
 * group. Exactly one caller per generation leads (the one that completed it),
 * so work to do once per group goes behind `isLeader`.
 *
 * @example The leader of each group reports once
 * ```ts
 * import { Barrier, type BarrierWaitResult } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const barrier = new Barrier(3);
 * let reports = 0;
 * async function worker(): Promise<void> {
 *   const result: BarrierWaitResult = await barrier.wait();
 *   if (result.isLeader) reports++;
 * }
 * // Six callers make two generations of three: one leader each.
 * await Promise.all([worker(), worker(), worker(), worker(), worker(), worker()]);
 * assert.equal(reports, 2);
 * ```
 */
export interface BarrierWaitResult {
  /** Whether this caller completed the group (exactly one per generation). */
  readonly isLeader: boolean;
}

const LEADER: BarrierWaitResult = Object.freeze({ isLeader: true });
const FOLLOWER: BarrierWaitResult = Object.freeze({ isLeader: false });

/** A `wait()` in the current generation. */
class BarrierWait extends QueuedWait<BarrierWaitResult> {
  /** The barrier. */
  readonly state: BarrierState;

  constructor(state: BarrierState) {
    super();
    this.state = state;
  }

  protected detach(): void {
    this.state.waiters.remove(this);
  }
}

/** The shared state of one barrier. */
export class BarrierState {
  /** How many callers make a group (at least 1). */
  readonly size: number;
  /** The callers waiting in the current generation, in arrival order. */
  readonly waiters: WaitList<BarrierWait> = new WaitList();

  constructor(size: number) {
    this.size = Math.max(size, 1);
  }

  /** Waits until the group is complete; the caller completing it leads. */
  wait(options: WaitOptions | undefined): Promise<BarrierWaitResult> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiters.length + 1 >= this.size) {
      for (const wait of this.waiters.takeAll()) wait.resolve(FOLLOWER);
      return Promise.resolve(LEADER);
    }
    const wait = new BarrierWait(this);
    const promise = wait.begin(options);
    if (!wait.done) this.waiters.push(wait);
    return promise;
  }
}

/**
 * Lets `n` tasks wait until all of them have reached the same point
 * (tokio's `sync::Barrier`).
 *
 * - `wait()` resolves for everyone once the `n`th caller arrives; that
 *   caller's result has `isLeader: true`, everyone else's `false`. The
 *   barrier is then empty again and the next `n` callers form the next
 *   generation.
 * - `new Barrier(0)` and `new Barrier(1)` never block; every caller leads.
 * - Aborting a waiting `wait()` (its signal or its task) withdraws that
 *   caller: the group still needs `n` callers. (tokio's `wait` is not
 *   cancel safe: a dropped one still counts there.)
 *
 * @example Three tasks meet
 * ```ts
 * import { Barrier } from "@weft/weft/sync";
 * import { joinAll } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const barrier = new Barrier(3);
 * const results = await joinAll([1, 2, 3].map(() => barrier.wait()));
 * assert.equal(results.filter((r) => r.isLeader).length, 1);
 * ```
 */
export class Barrier {
  /** The waiting callers of this generation. */
  readonly #state: BarrierState;

  /**
   * Creates a barrier for groups of `n`.
   *
   * @param n How many callers make a group.
   * @throws {RangeError} If `n` is negative, fractional or above `Semaphore.MAX_PERMITS`.
   */
  constructor(n: number) {
    this.#state = new BarrierState(checkPermits(n, "create a barrier"));
  }

  /**
   * Waits until `n` callers wait.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise of `{ isLeader }`.
   *
   * @example The last to arrive leads
   * ```ts
   * import { Barrier } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const barrier = new Barrier(2);
   * const first = barrier.wait();
   * const second = await barrier.wait();
   * assert.equal(second.isLeader, true);
   * assert.equal((await first).isLeader, false);
   * ```
   */
  wait(options?: WaitOptions): Promise<BarrierWaitResult> {
    return this.#state.wait(checkWaitOptions(options, "wait at the barrier"));
  }
}
