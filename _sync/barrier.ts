/**
 * Internal: the state of a `Barrier` (tokio `sync::Barrier`).
 *
 * Callers of `wait()` queue until `size` of them wait; the one that completes
 * the group is its leader, and the barrier starts its next generation empty.
 * An aborted wait leaves the group (tokio's is not cancel safe: a dropped
 * wait there still counts).
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { QueuedWait, WaitList } from "./wait_list.ts";

/** What a barrier's `wait()` resolves with. */
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
