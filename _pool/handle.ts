/**
 * Internal: the handle of a pool's job, re-exported by `blocking.ts`.
 *
 * @module
 */
import type { Job } from "./job.ts";
import type { PoolCore } from "./scheduler.ts";
import { Outcome } from "../_runtime/outcome.ts";
import { Cancelled } from "../task.ts";

/** Settles a handle; set by BlockingHandle's static block. */
let finishHandle: (
  handle: BlockingHandle<unknown>,
  ok: boolean,
  outcome: unknown,
  report: boolean,
) => void;

/**
 * Settles `handle` like its job: `ok` with its result, or failed with
 * `outcome`; `report` if a failure nobody awaits should be reported.
 */
export function settleHandle(
  handle: BlockingHandle<unknown>,
  ok: boolean,
  outcome: unknown,
  report: boolean,
): void {
  finishHandle(handle, ok, outcome, report);
}

/** Makes handles; set by BlockingHandle's static block. */
let makeHandle: <T>(job: Job, core: PoolCore, signal: AbortSignal | undefined) => BlockingHandle<T>;

/**
 * Makes the handle of `job`, submitted to `core`; `signal` aborts it.
 *
 * @typeParam T The job's result.
 */
export function newHandle<T>(
  job: Job,
  core: PoolCore,
  signal: AbortSignal | undefined,
): BlockingHandle<T> {
  return makeHandle<T>(job, core, signal);
}

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
    finishHandle = (handle, ok, outcome, report) => handle.#finish(ok, outcome, report);
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
  /** The spawn's signal's listener, if it has a signal. */
  #onAbort: (() => void) | null = null;

  private constructor(job: Job, core: PoolCore, signal: AbortSignal | undefined) {
    this.#job = job;
    this.#core = core;
    job.listener = this as BlockingHandle<unknown>;
    if (signal === undefined) return;
    this.#signal = signal;
    this.#onAbort = () => this.abort(this.#signal?.reason);
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
    if (this.#onAbort !== null) this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#signal = undefined;
    if (outcome instanceof Cancelled) this.#controller?.abort(outcome.reason);
    this.#outcome.settle(ok, outcome, report ? UNOBSERVED : undefined);
  }
}

/** What the report of a failure nobody awaited says. */
const UNOBSERVED = "a blocking job failed and nothing awaited its handle";
