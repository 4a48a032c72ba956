/**
 * Internal: what a pool's scheduler (`scheduler.ts`) is made with, the
 * settings `options.ts` checks and the error factories `errors.ts` supplies,
 * and the counters it keeps.
 *
 * @module
 */
import type { ResourceLimits } from "../_worker/limits.ts";

/** The errors the scheduler makes, supplied by `errors.ts` (they are public classes). */
export interface PoolErrors {
  /** The reason a job of a `run()` that has finished is cancelled with. */
  runEnded(): unknown;
  /** The error of a job whose worker exited under it. */
  workerExited(code: number, cause: unknown): Error;
}

/** The scheduler's settings, already checked. */
export interface PoolSettings {
  /** Workers at most. */
  size: number;
  /** Ms an idle worker lives (Infinity: until shutdown). */
  idleTimeout: number;
  /** Jobs in deques at most. */
  maxQueued: number;
  /** Each worker's resource limits, if any. */
  resourceLimits: ResourceLimits | undefined;
}

/** Counters of a pool's life. */
export interface PoolCounters {
  /** Jobs that returned or threw on a worker. */
  completed: number;
  /** Jobs a worker took from another worker's deque. */
  stolen: number;
  /** Workers started. */
  started: number;
}
