/**
 * Compute-bound work on a pool of worker threads, tokio's `spawn_blocking`:
 * {@linkcode spawnBlocking} runs a function on a worker and returns a
 * {@linkcode BlockingHandle} that is awaited and aborted like `spawnTask`'s
 * `JoinHandle`, so threads and async code meet as in the book's chapter 17.6.
 *
 * The work is either an inline, self-contained function (sent as source) or
 * the export of a module (`{ module: url, export: "name" }`). It is called
 * as `fn(ctx, ...args)`, where `ctx` is its {@linkcode BlockingContext}.
 *
 * - Scheduling: each worker has a deque of jobs, kept on the main thread. A
 *   new job goes to an idle worker, else starts a worker (lazily, up to the
 *   pool's size), else joins the shortest deque. A worker that finishes takes
 *   the front of its own deque, or else steals from the back of the longest
 *   other deque: one long job does not hold short ones behind it. The front
 *   of a busy worker's deque is sent to it ahead of time (taken back if
 *   stolen or cancelled before it starts), and jobs spawned together travel
 *   together, so that tiny jobs cost little more than a hand-written
 *   `postMessage` each way.
 * - Backpressure: with `maxQueued`, jobs beyond the limit wait before they
 *   are queued (`whenFull: "wait"`, the handle is returned at once), or the
 *   spawn throws {@linkcode QueueFull} (`whenFull: "reject"`).
 *   {@linkcode BlockingPool.ready} lets a producer wait for room.
 * - Values: arguments and results cross by structured clone; arguments named
 *   in `transfer` (and results given to `ctx.transfer`) are moved, not copied.
 *   A job that does not start at once gets a copy of its arguments taken at
 *   the spawn (its transfers are moved then).
 * - Errors: the job's error is rebuilt on the main thread with the same class
 *   name, `name`, `message`, `stack` and `cause`. A module or export that does
 *   not exist, a result that cannot be cloned (a `DataCloneError`), a worker
 *   that exits under its job ({@linkcode WorkerExited}): each rejects that
 *   job's handle only; the pool replaces dead workers and goes on.
 * - Cancellation is cooperative for a running job: `abort(reason)` rejects
 *   the handle with `Cancelled` at once and sets a shared-memory flag that
 *   the job reads with `ctx.cancelled()` / `ctx.throwIfCancelled()`; its
 *   worker is busy until it returns, but no longer holds the process open,
 *   and the end of the `run()` it was spawned in (or the pool's shutdown)
 *   terminates it. A job not yet started is dropped from its deque.
 * - Shutdown (`shutdown()`, `await using`, and, for the jobs spawned in it,
 *   the end of a `run()`) rejects every unfinished handle with `Cancelled`
 *   and terminates the workers. The pool's workers are `node:worker_threads`
 *   workers: once terminated, even one spinning in synchronous code or
 *   blocked in `Atomics.wait` no longer keeps the process alive (a web
 *   `Worker` would, for ever). Deno 2.9 cannot interrupt synchronous code,
 *   though: a job spinning in a loop that never yields keeps a core busy
 *   until it yields or the process exits (`tools/probe_terminate.ts`).
 * - Process lifetime: a worker with a job holds the process open; an idle
 *   one does not, and is ended after `idleTimeout` ms. A script that awaits
 *   its jobs exits by itself, even if an aborted job still spins.
 * - Faults: a job's own messages (`parentPort.postMessage`) never pass for
 *   an answer (answers travel on a port private to weft's runtime, tagged
 *   with the job's id); with `resourceLimits`, a job that runs out of heap
 *   rejects with {@linkcode WorkerExited} and the pool goes on. Workers
 *   share the process's environment (`SHARE_ENV`): starting one reads no
 *   variable, so no permission prompt. Inline functions are not a sandbox:
 *   a job runs with the process's permissions.
 * - Time: jobs run in real time (a `TestClock` does not reach into them, as
 *   it does into `spawnThread`'s `sleepSync`); the idle timeout is set with
 *   the `setTimeout` of the moment, so a fake clock drives it.
 *
 * No permission is needed for inline functions and `data:` modules; a
 * module's URL needs the permission that loading it needs (`--allow-read`
 * for a local file).
 *
 * @example Hash on a worker, await the handle
 * ```ts
 * import { run } from "@weft/weft/task";
 * import { type BlockingContext, spawnBlocking } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * // Self-contained: it is sent to the worker as source.
 * function fnv1a(_ctx: BlockingContext, text: string): number {
 *   let h = 0x811c9dc5;
 *   for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
 *   return h >>> 0;
 * }
 *
 * const hash = await run(() => spawnBlocking(fnv1a, "frame 1"));
 * assert.equal(hash, 0xb86e21f9);
 * ```
 *
 * @module
 */
import { Job, spawnSite } from "./_pool/job.ts";
import { PoolCore } from "./_pool/scheduler.ts";
import { type BlockingJob, jobSpec } from "./_pool/job_spec.ts";
import { checkPoolOptions } from "./_pool/options.ts";
import { POOL_ERRORS, PoolShutDown, QueueFull } from "./_pool/errors.ts";
import { type BlockingHandle, newHandle, settleHandle } from "./_pool/handle.ts";
import type { ResourceLimits } from "./_worker/limits.ts";
import type { WaitOptions } from "./task.ts";

export type { ResourceLimits, WaitOptions };
export type {
  BlockingContext,
  BlockingFunction,
  BlockingJob,
  InlineJob,
  JobOptions,
  ModuleJob,
  Movable,
} from "./_pool/job_spec.ts";
export { PoolShutDown, QueueFull, WorkerExited } from "./_pool/errors.ts";
export { BlockingHandle } from "./_pool/handle.ts";

/**
 * Options of {@linkcode BlockingPool}.
 *
 * @example One worker, no queue, refuse when busy
 * ```ts
 * import { BlockingPool, type BlockingPoolOptions, QueueFull } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * const options: BlockingPoolOptions = { size: 1, maxQueued: 0, whenFull: "reject" };
 * await using pool = new BlockingPool(options);
 * const busy = pool.spawn((ctx) => ctx.sleepSync(60_000));
 * assert.throws(() => pool.spawn(() => "no room"), QueueFull);
 * busy.abort();
 * assert.equal(pool.size, 1);
 * ```
 */
export interface BlockingPoolOptions {
  /**
   * Workers at most (they start one by one, as jobs need them).
   * @default {navigator.hardwareConcurrency}
   */
  size?: number;
  /**
   * Ms a worker may stay idle before it is ended (`Infinity`: until shutdown).
   * @default {10_000}
   */
  idleTimeout?: number;
  /**
   * Jobs that may wait in the deques (not counting running ones); `0` means
   * a job is taken only when a worker is free for it.
   * @default {Infinity}
   */
  maxQueued?: number;
  /**
   * What a spawn does when `maxQueued` jobs are queued: `"wait"` returns the
   * handle at once and queues the job when there is room, in spawn order;
   * `"reject"` throws {@linkcode QueueFull}.
   * @default {"wait"}
   */
  whenFull?: "wait" | "reject";
  /**
   * Limits of each worker's resources, in MB, as `node:worker_threads`
   * takes them (`maxOldGenerationSizeMb` is the heap limit). A job that
   * reaches a limit ends its worker: its handle rejects with
   * {@linkcode WorkerExited} (the message says it ran out of memory) and the
   * pool goes on with a new worker. Without limits, a job that exhausts
   * the heap aborts the whole process.
   * @default {undefined}
   */
  resourceLimits?: ResourceLimits;
}

/**
 * A snapshot of a pool's state and counters, from {@linkcode BlockingPool.stats}.
 *
 * @example Counters after three jobs on one worker
 * ```ts
 * import { BlockingPool, type BlockingPoolStats } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * await using pool = new BlockingPool({ size: 1 });
 * await Promise.all([1, 2, 3].map((n) => pool.spawn((_ctx, x: number) => x * x, n)));
 * const stats: BlockingPoolStats = pool.stats;
 * assert.deepStrictEqual(stats, {
 *   workers: 1, // still alive, idle until its idleTimeout
 *   running: 0,
 *   queued: 0,
 *   waiting: 0,
 *   completed: 3,
 *   stolen: 0,
 *   started: 1,
 * });
 * ```
 */
export interface BlockingPoolStats {
  /** Workers alive. */
  workers: number;
  /** Jobs running (a cancelled job counts until it returns). */
  running: number;
  /** Jobs in the deques, not started. */
  queued: number;
  /** Jobs waiting for room in the queue (`whenFull: "wait"`). */
  waiting: number;
  /** Jobs that returned or threw on a worker. */
  completed: number;
  /** Jobs a worker took from another worker's deque. */
  stolen: number;
  /** Workers started so far. */
  started: number;
}

/** The shared pool behind spawnBlocking, made on first use. */
let shared: BlockingPool | null = null;

/**
 * A pool of worker threads for compute-bound jobs, with a deque per worker
 * and work stealing (see the module doc for scheduling, backpressure,
 * cancellation and shutdown). {@linkcode spawnBlocking} uses a shared one;
 * make your own for another size or queue limit.
 *
 * @example A pool of two, shut down by `await using`
 * ```ts
 * import { BlockingPool } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * await using pool = new BlockingPool({ size: 2 });
 * const squares = await Promise.all(
 *   [1, 2, 3, 4].map((n) => pool.spawn((_ctx, x: number) => x * x, n)),
 * );
 * assert.deepStrictEqual(squares, [1, 4, 9, 16]);
 * assert.ok(pool.stats.workers <= 2);
 * ```
 */
export class BlockingPool implements AsyncDisposable {
  /** The scheduler. */
  readonly #core: PoolCore;
  /** The size. */
  readonly #size: number;
  /** The queue limit. */
  readonly #maxQueued: number;
  /** What a spawn does on a full queue. */
  readonly #whenFull: "wait" | "reject";

  /**
   * The pool {@linkcode spawnBlocking} uses, made on first use with the
   * default options; once it is shut down, the next use makes a new one.
   *
   * @returns The shared pool.
   */
  static get shared(): BlockingPool {
    if (shared === null || shared.closed) shared = new BlockingPool();
    return shared;
  }

  /**
   * Makes a pool; no worker starts until a job needs one.
   *
   * @param options Size, idle timeout, queue limit and what a full queue does.
   * @throws {RangeError} If `size` is not a whole number >= 1, `maxQueued` not a whole number >= 0 (or `Infinity`), or `idleTimeout` negative or NaN.
   * @throws {TypeError} If an option has the wrong type, or `whenFull` is not `"wait"` or `"reject"`.
   */
  constructor(options: BlockingPoolOptions = {}) {
    const settings = checkPoolOptions(options);
    this.#size = settings.size;
    this.#maxQueued = settings.maxQueued;
    this.#whenFull = settings.whenFull;
    this.#core = new PoolCore(settings, POOL_ERRORS);
  }

  /** The most workers the pool runs at once. */
  get size(): number {
    return this.#size;
  }

  /** Whether the pool has been shut down (it then refuses work). */
  get closed(): boolean {
    return this.#core.closed;
  }

  /** The pool's state and counters now. */
  get stats(): BlockingPoolStats {
    const core = this.#core;
    return {
      workers: core.workers,
      running: core.running,
      queued: core.queued,
      waiting: core.waiting,
      ...core.counters,
    };
  }

  /**
   * Runs `job(ctx, ...args)` on a worker of this pool (see
   * {@linkcode spawnBlocking}).
   *
   * @typeParam A The job's arguments after `ctx`.
   * @typeParam R The job's result.
   * @param job A self-contained function, `{ fn, ...options }`, or `{ module, export, ...options }`.
   * @param args Arguments, structured-cloned (or moved, if named in `transfer`).
   * @returns The job's handle.
   * @throws {TypeError} If `job` is not a function with readable source nor a valid job object, or `args` cannot be cloned.
   * @throws {QueueFull} If the queue is full and the pool was made with `whenFull: "reject"`.
   * @throws {PoolShutDown} If the pool has been shut down.
   *
   * @example Move a buffer in, move the result out
   * ```ts
   * import { BlockingPool } from "@weft/weft/blocking";
   * import assert from "node:assert/strict";
   *
   * await using pool = new BlockingPool({ size: 1 });
   * const frame = new Uint8Array(1024).fill(7);
   * const inverted = await pool.spawn({
   *   fn: (ctx, pixels: Uint8Array) => {
   *     for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i]!;
   *     ctx.transfer(pixels);
   *     return pixels;
   *   },
   *   transfer: [frame],
   * }, frame);
   * assert.equal(frame.byteLength, 0); // moved to the worker
   * assert.equal(inverted[0], 248);
   * ```
   */
  spawn<A extends unknown[], R>(job: BlockingJob<A, R>, ...args: A): BlockingHandle<R> {
    const spec = jobSpec(job);
    if (this.#core.closed) throw new PoolShutDown("Cannot spawn the job: the pool is shut down");
    if (this.#whenFull === "reject" && !this.#core.hasRoom()) {
      throw new QueueFull(this.#maxQueued);
    }
    const created = new Job(spec.code, args, spec.transfer, spawnSite(SPAWN));
    const handle = newHandle<R>(created, this.#core, spec.signal);
    if (spec.signal?.aborted) {
      this.#core.cancel(created, spec.signal.reason, false);
      return handle;
    }
    try {
      this.#core.submit(created);
    } catch (error) {
      // The handle is dropped: it settles unobserved, and lets go of the signal.
      if (created.listener !== null) settleHandle(created.listener, false, error, false);
      throw new TypeError("Cannot spawn the job: its arguments cannot be cloned", {
        cause: error,
      });
    }
    return handle;
  }

  /**
   * Waits until a job spawned now would be queued without waiting: a
   * producer's backpressure.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves when there is room.
   * @throws {PoolShutDown} (as a rejection) If the pool is or gets shut down.
   *
   * @example Produce no faster than the pool consumes
   * ```ts
   * import { BlockingPool } from "@weft/weft/blocking";
   * import assert from "node:assert/strict";
   *
   * await using pool = new BlockingPool({ size: 2, maxQueued: 2 });
   * const handles = [];
   * for (let i = 0; i < 10; i++) {
   *   await pool.ready();
   *   handles.push(pool.spawn((_ctx, n: number) => n + 1, i));
   *   assert.ok(pool.stats.queued <= 2);
   * }
   * assert.equal((await Promise.all(handles)).length, 10);
   * ```
   */
  ready(options?: WaitOptions): Promise<void> {
    if (this.#core.closed) {
      return Promise.reject(new PoolShutDown("Cannot wait for room: the pool is shut down"));
    }
    return this.#core.ready(options?.signal);
  }

  /**
   * Shuts the pool down: every job not finished is cancelled (its handle
   * rejects with `Cancelled`, reason {@linkcode PoolShutDown}), running ones
   * see `ctx.cancelled()` and their workers are terminated (one spinning in
   * synchronous code no longer holds the process, but runs on until it
   * yields: Deno 2.9 cannot interrupt it). Later spawns throw. Calling it again
   * returns the same promise.
   *
   * @returns A promise that resolves once every worker has exited.
   *
   * @example Shut a pool down by hand
   * ```ts
   * import { BlockingPool } from "@weft/weft/blocking";
   * import assert from "node:assert/strict";
   *
   * const pool = new BlockingPool();
   * assert.equal(await pool.spawn(() => "done"), "done");
   * await pool.shutdown();
   * assert.deepStrictEqual([pool.closed, pool.stats.workers], [true, 0]);
   * ```
   */
  shutdown(): Promise<void> {
    return this.#core.shutdown(new PoolShutDown());
  }

  /** Shuts the pool down, as `shutdown()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/**
 * Runs compute-bound work on the shared {@linkcode BlockingPool}, tokio's
 * `spawn_blocking`: `job(ctx, ...args)` runs on a worker thread and the
 * returned {@linkcode BlockingHandle} settles with its result.
 *
 * The job is one of:
 * - a self-contained function, sent as source: it cannot use variables or
 *   imports of the enclosing module (pass data as `args`), nor `this`;
 * - `{ fn, transfer?, signal? }`: the same, with options;
 * - `{ module, export?, transfer?, signal? }`: the export (default:
 *   `"default"`) of the module at `module`, an absolute URL (type the result
 *   with `spawnBlocking<[Args], Result>(...)`).
 *
 * Inside a `run()`, the job belongs to the run: when the run's main settles,
 * the job (if unfinished) is cancelled and its worker terminated, and the
 * pool's idle workers are ended.
 *
 * @typeParam A The job's arguments after `ctx`.
 * @typeParam R The job's result.
 * @param job The function, or a job object.
 * @param args Arguments, structured-cloned (or moved, if named in `transfer`).
 * @returns The job's handle: await it, abort it, or dispose it.
 * @throws {TypeError} If `job` is not a function with readable source nor a valid job object, or `args` cannot be cloned.
 *
 * @example A module's export as the job
 * ```ts
 * import { run } from "@weft/weft/task";
 * import { spawnBlocking } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * const module = "data:text/javascript,export function sum(ctx, xs) { return xs.reduce((a, b) => a + b, 0); }";
 * const total = await run(() =>
 *   spawnBlocking<[number[]], number>({ module, export: "sum" }, [1, 2, 3])
 * );
 * assert.equal(total, 6);
 * ```
 */
export function spawnBlocking<A extends unknown[], R>(
  job: BlockingJob<A, R>,
  ...args: A
): BlockingHandle<R> {
  return BlockingPool.shared.spawn(job, ...args);
}

/** The spawn method: a job's site is the frames below it. */
const SPAWN = BlockingPool.prototype.spawn;
