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
 *   other deque: one long job does not hold short ones behind it.
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
 *   and terminates the workers, even one spinning in synchronous code or
 *   blocked in `Atomics.wait`: the pool's workers are `node:worker_threads`
 *   workers, whose `terminate()` stops them (measured on Deno 2.9.6). A web
 *   `Worker`'s `terminate()` does not: such a worker runs on until its code
 *   returns, and the process cannot exit before (forever, for a loop that
 *   never ends).
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
import { Job, PoolCore, type PoolErrors } from "./_pool/scheduler.ts";
import { checkLimits, type ResourceLimits } from "./_worker/limits.ts";
import { Outcome } from "./_runtime/outcome.ts";
import { functionSource, moduleHref, typeName } from "./_worker/code.ts";
import { Cancelled, type WaitOptions } from "./task.ts";

export type { ResourceLimits, WaitOptions };

/**
 * What a job receives as its first argument, in the worker.
 *
 * Cancellation is seen through shared memory: `cancelled()` is an atomic
 * read, cheap enough to call in a hot loop every few thousand iterations.
 */
export interface BlockingContext {
  /** The index of the worker (its deque) running the job, from 0. */
  readonly worker: number;
  /** Whether the job has been cancelled (aborted, or its pool shut down). */
  cancelled(): boolean;
  /**
   * Throws if the job has been cancelled: a way to unwind. The handle has
   * already rejected with `Cancelled`; what the job throws then is dropped.
   *
   * @throws {Error} An error named `"Cancelled"` once the job is cancelled.
   */
  throwIfCancelled(): void;
  /**
   * Blocks the worker for `ms` milliseconds (real time); returns at once
   * when the job is cancelled.
   *
   * @param ms How long, in ms (>= 0).
   * @throws {RangeError} If `ms` is negative, NaN or infinite.
   */
  sleepSync(ms: number): void;
  /**
   * Moves `items` to the main thread with the result instead of copying
   * them; they are detached in the worker once the job returns.
   *
   * @param items What the result holds and the job gives up: ArrayBuffers, typed arrays or DataViews (their buffer moves; one over shared memory is left alone), or other transferables.
   */
  transfer(...items: Movable[]): void;
  /**
   * Aborted when the job is cancelled, once the worker's event loop runs
   * (for async jobs; synchronous code reads `cancelled()`).
   */
  readonly signal: AbortSignal;
}

/**
 * A job's code: called in a worker with its context and the arguments given
 * to the spawn; it may be async.
 *
 * @typeParam A The arguments after `ctx`.
 * @typeParam R The result.
 */
export type BlockingFunction<A extends unknown[] = unknown[], R = unknown> = (
  ctx: BlockingContext,
  ...args: A
) => R | PromiseLike<R>;

/**
 * What can be moved between threads rather than copied: an `ArrayBuffer`, a
 * typed array or `DataView` (its whole buffer moves; one over a
 * `SharedArrayBuffer` is shared anyway and is left alone), or another
 * transferable object (a `MessagePort`, ...).
 */
export type Movable = Transferable | ArrayBufferView;

/** Options of one job, beside its code. */
export interface JobOptions {
  /**
   * Values among the arguments to move to the worker rather than copy. They
   * are detached on the caller's side at the spawn.
   * @default {[]}
   */
  transfer?: Movable[];
  /** Aborts the job, as `handle.abort(signal.reason)`. */
  signal?: AbortSignal;
}

/**
 * An inline job with options. The function must be self-contained: it is
 * sent as source, so it cannot use variables or imports of the module around
 * it (pass data as arguments), and `this` is not bound.
 *
 * @typeParam A The arguments after `ctx`.
 * @typeParam R The result.
 */
export interface InlineJob<A extends unknown[] = unknown[], R = unknown> extends JobOptions {
  /** The function. */
  fn: BlockingFunction<A, R>;
}

/**
 * A job that is a module's export, called as `fn(ctx, ...args)`. Each worker
 * imports the module once, on its first job from it.
 */
export interface ModuleJob extends JobOptions {
  /** The module: a `URL` or an absolute URL string (`import.meta.resolve("./x.ts")`). */
  module: URL | string;
  /**
   * The export's name.
   * @default {"default"}
   */
  export?: string;
}

/**
 * What {@linkcode spawnBlocking} and {@linkcode BlockingPool.spawn} run: a
 * self-contained function, an {@linkcode InlineJob} or a {@linkcode ModuleJob}.
 *
 * @typeParam A The arguments after `ctx`.
 * @typeParam R The result.
 */
export type BlockingJob<A extends unknown[] = unknown[], R = unknown> =
  | BlockingFunction<A, R>
  | InlineJob<A, R>
  | ModuleJob;

/** Options of {@linkcode BlockingPool}. */
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

/** A snapshot of a pool's state and counters, from {@linkcode BlockingPool.stats}. */
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
 * const spinning = pool.spawn(() => {
 *   for (;;); // never returns, never looks at ctx.cancelled()
 * });
 * await pool.shutdown();
 * const error = await spinning.then(() => null, (e) => e);
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

/** Makes handles; set by BlockingHandle's static block. */
let makeHandle: <T>(job: Job, core: PoolCore, signal: AbortSignal | undefined) => BlockingHandle<T>;

/**
 * A job on a pool, as {@linkcode spawnBlocking} returns it: awaitable and
 * abortable like `spawnTask`'s `JoinHandle`.
 *
 * - It resolves with the job's result (a structured clone, or what the job
 *   moved with `ctx.transfer`).
 * - It rejects with:
 *   - the job's error, rebuilt (same class name, `name`, `message`,
 *     `stack`, `cause` and own fields), or the value it threw;
 *   - the loader's error (a `TypeError` in Deno) if the job's module cannot
 *     be loaded, a `TypeError` if it has no such export;
 *   - a `DOMException` named `DataCloneError` if the result cannot be cloned;
 *   - {@linkcode WorkerExited} if the worker exited under the job;
 *   - `Cancelled` (from the task module) if the job was cancelled: its
 *     `reason` is the reason given to `abort()`, a {@linkcode PoolShutDown}
 *     when its pool was shut down, or a `Cancelled` when the `run()` it was
 *     spawned in finished.
 * - `abort(reason)` rejects it with `Cancelled` at once: a job not yet
 *   started never runs; a running one sees `ctx.cancelled()` turn true and
 *   its result is dropped.
 * - `using` disposal aborts it. A job that fails while nothing awaits its
 *   handle is reported on stderr.
 *
 * @typeParam T The job's result.
 *
 * @example Abort a job that has not started
 * ```ts
 * import { BlockingPool } from "@weft/weft/blocking";
 * import { Cancelled } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * await using pool = new BlockingPool({ size: 1 });
 * const first = pool.spawn((ctx) => ctx.sleepSync(60_000));
 * const second = pool.spawn(() => "never runs");
 * second.abort("not needed");
 * const error = await second.then(() => null, (e) => e);
 * assert.ok(error instanceof Cancelled && error.reason === "not needed");
 * first.abort();
 * ```
 */
export class BlockingHandle<T> implements PromiseLike<T>, Disposable {
  static {
    makeHandle = <T>(job: Job, core: PoolCore, signal: AbortSignal | undefined) =>
      new BlockingHandle<T>(job, core, signal);
  }

  /** The job. */
  readonly #job: Job;
  /** Its pool. */
  readonly #core: PoolCore;
  /** The spawn's signal, while it is listened to. */
  #signal: AbortSignal | undefined;
  /** The job's result or error, settled once. */
  readonly #outcome: Outcome<T> = new Outcome<T>();
  /** Created when somebody reads `signal`. */
  #controller: AbortController | null = null;
  /** The spawn's signal's listener. */
  readonly #onAbort = (): void => this.abort(this.#signal?.reason);

  private constructor(job: Job, core: PoolCore, signal: AbortSignal | undefined) {
    this.#job = job;
    this.#core = core;
    job.listener = { jobSettled: (ok, outcome, report) => this.#finish(ok, outcome, report) };
    if (signal === undefined) return;
    this.#signal = signal;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Aborted when the job is cancelled, with the cancel's reason. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      const outcome = this.#outcome.value;
      if (outcome instanceof Cancelled) this.#controller.abort(outcome.reason);
    }
    return this.#controller.signal;
  }

  /** Whether the job has settled (returned, thrown, or been cancelled). */
  get isFinished(): boolean {
    return this.#outcome.settled;
  }

  /**
   * Cancels the job with `reason`; does nothing once it has settled.
   *
   * @param reason Kept as the `reason` of the `Cancelled` error.
   */
  abort(reason?: unknown): void {
    if (this.#outcome.settled) return;
    this.#core.cancel(this.#job, reason, false);
  }

  /** Aborts the job, as `abort()`. */
  [Symbol.dispose](): void {
    this.abort();
  }

  /**
   * Settles like the job: resolved with its result, or rejected.
   *
   * @typeParam R1 What `onFulfilled` returns.
   * @typeParam R2 What `onRejected` returns.
   * @param onFulfilled Called with the result.
   * @param onRejected Called with the error.
   * @returns A promise for what the callback returns.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#outcome.observe().then(onFulfilled, onRejected);
  }

  #finish(ok: boolean, outcome: unknown, report: boolean): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#signal = undefined;
    if (outcome instanceof Cancelled) this.#controller?.abort(outcome.reason);
    this.#outcome.settle(ok, outcome, report ? UNOBSERVED : undefined);
  }
}

/** What the report of a failure nobody awaited says. */
const UNOBSERVED = "a blocking job failed and nothing awaited its handle";

/** The shared pool behind spawnBlocking, made on first use. */
let shared: BlockingPool | null = null;

/** Errors the scheduler makes. */
const ERRORS: PoolErrors = {
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
    if (typeof options !== "object" || options === null) {
      throw new TypeError("Cannot create the pool: options must be an object");
    }
    checkKnown(options, POOL_OPTIONS, "create the pool", "options");
    this.#size = checkCount(options.size ?? defaultSize(), 1, "size");
    if (this.#size > MAX_SIZE) {
      throw new RangeError(
        `Cannot create the pool: size must be at most ${MAX_SIZE}, got ${this.#size}`,
      );
    }
    this.#maxQueued = checkCount(options.maxQueued ?? Infinity, 0, "maxQueued");
    this.#whenFull = checkWhenFull(options.whenFull ?? "wait");
    const idleTimeout = checkIdleTimeout(options.idleTimeout ?? 10_000);
    const resourceLimits = checkLimits(options.resourceLimits, "create the pool");
    const settings = { size: this.#size, idleTimeout, maxQueued: this.#maxQueued, resourceLimits };
    this.#core = new PoolCore(settings, ERRORS);
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
    const created = new Job(spec.code, args, spec.transfer, new Error("spawned here"));
    const handle = makeHandle<R>(created, this.#core, spec.signal);
    if (spec.signal?.aborted) {
      this.#core.cancel(created, spec.signal.reason, false);
      return handle;
    }
    try {
      this.#core.submit(created);
    } catch (error) {
      // The handle is dropped: it settles unobserved, and lets go of the signal.
      created.listener?.jobSettled(false, error, false);
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
   * see `ctx.cancelled()` and their workers are terminated, even those
   * spinning in synchronous code. Later spawns throw. Calling it again
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

/** A checked job: its code, key and options. */
interface JobSpec {
  code: { key: number; source?: string; url?: string; exportName?: string };
  transfer: Transferable[];
  signal: AbortSignal | undefined;
}

/** Keys of the code seen so far: a worker compiles or imports each once. */
const codeKeys = new Map<string, number>();

function codeKey(text: string): number {
  let key = codeKeys.get(text);
  if (key === undefined) {
    key = codeKeys.size + 1;
    codeKeys.set(text, key);
  }
  return key;
}

function jobSpec(job: unknown): JobSpec {
  if (typeof job === "function") return { code: inlineCode(job), transfer: [], signal: undefined };
  if (typeof job !== "object" || job === null) {
    throw new TypeError(
      `Cannot spawn the job: expected a function, { fn } or { module, export }, got ${
        job === null ? "null" : typeof job
      }`,
    );
  }
  const spec = job as Partial<InlineJob & ModuleJob>;
  const hasFn = spec.fn !== undefined;
  if (hasFn === (spec.module !== undefined)) {
    throw new TypeError("Cannot spawn the job: give either fn or module, not both or neither");
  }
  checkKnown(spec, hasFn ? INLINE_KEYS : MODULE_KEYS, "spawn the job", "job");
  const code = hasFn ? inlineCode(spec.fn) : moduleCode(spec.module, spec.export);
  return { code, transfer: checkTransfer(spec.transfer), signal: checkSignal(spec.signal) };
}

/** The code of each function seen, so that spawning it again costs a lookup. */
const functionCode = new WeakMap<object, JobSpec["code"]>();

function inlineCode(fn: unknown): JobSpec["code"] {
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot spawn the job: fn must be a function, got ${typeof fn}`);
  }
  let code = functionCode.get(fn);
  if (code === undefined) {
    code = checkedSource(fn);
    functionCode.set(fn, code);
  }
  return code;
}

function checkedSource(fn: object): JobSpec["code"] {
  const source = functionSource(fn, "spawn the job");
  return { key: codeKey(`f:${source}`), source };
}

function moduleCode(module: unknown, name: unknown = "default"): JobSpec["code"] {
  const url = moduleHref(module);
  if (url === undefined) {
    throw new TypeError(
      `Cannot spawn the job: module must be a URL or an absolute URL string, got ${
        typeName(module)
      }`,
    );
  }
  if (typeof name !== "string") {
    throw new TypeError(`Cannot spawn the job: export must be a string, got ${typeName(name)}`);
  }
  return { key: codeKey(`m:${url}\n${name}`), url, exportName: name };
}

function checkTransfer(transfer: unknown): Transferable[] {
  if (transfer === undefined) return [];
  if (!Array.isArray(transfer)) {
    throw new TypeError("Cannot spawn the job: transfer must be an array");
  }
  const moved: Transferable[] = [];
  for (const item of transfer as Movable[]) {
    if (!ArrayBuffer.isView(item)) moved.push(item);
    else if (!(item.buffer instanceof SharedArrayBuffer)) moved.push(item.buffer);
  }
  return moved;
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new TypeError("Cannot spawn the job: signal must be an AbortSignal");
}

function defaultSize(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof cores === "number" && cores >= 1 ? Math.floor(cores) : 1;
}

function checkCount(value: unknown, min: number, name: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot create the pool: ${name} must be a number, got ${typeof value}`);
  }
  const whole = Number.isInteger(value) || (name === "maxQueued" && value === Infinity);
  if (!whole || value < min) {
    throw new RangeError(
      `Cannot create the pool: ${name} must be a whole number >= ${min}, got ${value}`,
    );
  }
  return value;
}

function checkIdleTimeout(value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot create the pool: idleTimeout must be a number, got ${typeof value}`,
    );
  }
  // Above 2^31 - 1 ms a timer fires at once: such a timeout means "never".
  if (Number.isNaN(value) || value < 0 || (value > MAX_TIMER_MS && value !== Infinity)) {
    throw new RangeError(
      `Cannot create the pool: idleTimeout must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, or Infinity, got ${value}`,
    );
  }
  return value;
}

/** The most workers a pool may have (far beyond any machine's cores). */
const MAX_SIZE = 1024;
/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The keys of an inline job. */
const INLINE_KEYS = ["fn", "transfer", "signal"];
/** The keys of a module job. */
const MODULE_KEYS = ["module", "export", "transfer", "signal"];
/** The options a pool understands. */
const POOL_OPTIONS = ["size", "idleTimeout", "maxQueued", "whenFull", "resourceLimits"];

/** Refuses keys of `object` that are not in `known` (a misspelt option is not ignored). */
function checkKnown(object: object, known: readonly string[], action: string, what: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `Cannot ${action}: unknown ${what} key ${JSON.stringify(key)} (known: ${known.join(", ")})`,
      );
    }
  }
}

function checkWhenFull(value: unknown): "wait" | "reject" {
  if (value === "wait" || value === "reject") return value;
  throw new TypeError(
    `Cannot create the pool: whenFull must be "wait" or "reject", got ${JSON.stringify(value)}`,
  );
}
