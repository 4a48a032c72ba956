/**
 * Internal: the pool's errors, re-exported by `blocking.ts`, and the ones the
 * scheduler makes for a job whose run ended or whose worker exited.
 *
 * @module
 */
import type { PoolErrors } from "./settings.ts";
import { Cancelled } from "../task.ts";

/**
 * Thrown by a spawn on a pool whose queue is full, with `whenFull: "reject"`.
 *
 * @example Refuse work when the queue is full
 * ```ts
 * import { BlockingPool, QueueFull } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * await using pool = new BlockingPool({ size: 1, maxQueued: 0, whenFull: "reject" });
 * const running = pool.spawn((ctx) => ctx.sleepSync(60_000));
 * assert.throws(() => pool.spawn(() => 1), QueueFull);
 * running.abort();
 * ```
 */
export class QueueFull extends Error {
  /** The pool's `maxQueued`. */
  readonly maxQueued: number;
  /** Creates the error for a pool that queues at most `maxQueued` jobs. */
  constructor(maxQueued: number) {
    super(`Cannot spawn the job: the pool's queue is full (maxQueued: ${maxQueued})`);
    this.name = "QueueFull";
    this.maxQueued = maxQueued;
  }
}

/**
 * Why a pool refuses work once shut down; also the `reason` of the
 * `Cancelled` error that the handles of unfinished jobs reject with.
 *
 * @example A job running at shutdown is cancelled
 * ```ts
 * import { BlockingPool, PoolShutDown } from "@weft/weft/blocking";
 * import { Cancelled } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const pool = new BlockingPool({ size: 1 });
 * const stuck = pool.spawn(() => {
 *   // Blocks for ever and never looks at ctx.cancelled().
 *   Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
 * });
 * await pool.shutdown();
 * const error = await stuck.then(() => null, (e) => e);
 * assert.ok(error instanceof Cancelled && error.reason instanceof PoolShutDown);
 * assert.throws(() => pool.spawn(() => 1), PoolShutDown);
 * ```
 */
export class PoolShutDown extends Error {
  /** Creates the error; `message` says what could not be done. */
  constructor(message = "Cannot finish the job: the pool was shut down") {
    super(message);
    this.name = "PoolShutDown";
  }
}

/**
 * The error of a job whose worker exited under it (the job called
 * `process.exit()`, or the worker crashed). The pool starts another worker.
 *
 * @example A job that ends its worker
 * ```ts
 * import { BlockingPool, WorkerExited } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * await using pool = new BlockingPool({ size: 1 });
 * const error = await pool.spawn(() => Deno.exit(3)).then(() => null, (e) => e);
 * assert.ok(error instanceof WorkerExited && error.code === 3);
 * assert.equal(await pool.spawn(() => "still serving"), "still serving");
 * ```
 */
export class WorkerExited extends Error {
  /** The worker's exit code. */
  readonly code: number;
  /** Creates the error for a worker that exited with `code`; `message` says why, if known. */
  constructor(code: number, cause?: unknown, message?: string) {
    super(message ?? `Cannot finish the job: its worker exited (code ${code})`, { cause });
    this.name = "WorkerExited";
    this.code = code;
  }
}

/** Errors the scheduler makes. */
export const POOL_ERRORS: PoolErrors = {
  runEnded: () => new Cancelled("the run() it belonged to has finished"),
  workerExited: (code, cause) =>
    new WorkerExited(
      code,
      cause,
      outOfMemory(cause)
        ? `Cannot finish the job: its worker ran out of memory (resourceLimits), code ${code}`
        : undefined,
    ),
};

/** Whether a worker's exit error says it reached its heap limit. */
function outOfMemory(cause: unknown): boolean {
  const error = cause as { code?: unknown; message?: unknown } | null;
  return error?.code === "ERR_WORKER_OUT_OF_MEMORY" ||
    (typeof error?.message === "string" && error.message.includes("memory limit"));
}
