/**
 * Internal: what a job is (its context, function, options, the job objects a
 * spawn accepts; re-exported by `blocking.ts`), and how a spawn checks one
 * and turns its code into a key that each worker compiles or imports once.
 *
 * @module
 */
import { functionSource, moduleHref, typeName } from "../_worker/code.ts";
import { checkKnown } from "./options.ts";

/**
 * What a job receives as its first argument, in the worker.
 *
 * Cancellation is seen through shared memory: `cancelled()` is an atomic
 * read, cheap enough to call in a hot loop every few thousand iterations.
 *
 * @example Which worker runs the job, and stopping when cancelled
 * ```ts
 * import { BlockingPool } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * await using pool = new BlockingPool({ size: 1 });
 * const seen = await pool.spawn((ctx) => [ctx.worker, ctx.cancelled()]);
 * assert.deepStrictEqual(seen, [0, false]);
 *
 * // A long loop polls cancelled(); abort() turns it true and the job returns.
 * const spinning = pool.spawn((ctx) => {
 *   while (!ctx.cancelled()) ctx.sleepSync(1);
 *   return "stopped";
 * });
 * spinning.abort("enough");
 * await assert.rejects(Promise.resolve(spinning), { name: "Cancelled" });
 * ```
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
   * @param items What the result holds and the job gives up: ArrayBuffers, typed arrays or DataViews (their buffer moves; one over shared memory is left alone), or MessagePorts.
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
 *
 * @example A typed job, defined once and spawned like any function
 * ```ts
 * import { type BlockingFunction, BlockingPool } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * const parseHex: BlockingFunction<[string], number> = (_ctx, text) => Number.parseInt(text, 16);
 *
 * await using pool = new BlockingPool({ size: 1 });
 * assert.equal(await pool.spawn(parseHex, "ff"), 255);
 * ```
 */
export type BlockingFunction<A extends unknown[] = unknown[], R = unknown> = (
  ctx: BlockingContext,
  ...args: A
) => R | PromiseLike<R>;

/**
 * What can be moved between threads rather than copied: an `ArrayBuffer`, a
 * typed array or `DataView` (its whole buffer moves; one over a
 * `SharedArrayBuffer` is shared anyway and is left alone), or a
 * `MessagePort` (a web one, or `node:worker_threads`').
 *
 * The port is named by its shape rather than by the DOM's `MessagePort` or
 * `Transferable`, so that these types check without the DOM library (as in
 * a Node program with only `@types/node`).
 *
 * @example Buffers move, shared memory stays shared
 * ```ts
 * import { BlockingPool, type Movable } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * const raw = new ArrayBuffer(8);
 * const shared = new Int32Array(new SharedArrayBuffer(8));
 * const moving: Movable[] = [bytes, raw, shared];
 *
 * await using pool = new BlockingPool({ size: 1 });
 * const sizes = await pool.spawn(
 *   { fn: (_ctx, ...items: ArrayBufferView[]) => items.map((item) => item.byteLength), transfer: moving },
 *   bytes,
 *   new DataView(raw),
 *   shared,
 * );
 * assert.deepStrictEqual(sizes, [3, 8, 8]);
 * assert.deepStrictEqual([bytes.byteLength, raw.byteLength, shared.byteLength], [0, 0, 8]);
 * ```
 */
export type Movable =
  | ArrayBuffer
  | ArrayBufferView
  | { postMessage(message: unknown): void; start(): void; close(): void };

/** A transfer list as it is posted: the buffers of the views instead of the views. */
export type TransferList = Exclude<Movable, ArrayBufferView>[];

/**
 * Options of one job, beside its code.
 *
 * @example Move a buffer to the worker instead of copying it
 * ```ts
 * import { BlockingPool, type JobOptions } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * const samples = new Float64Array([1, 2, 3, 4]);
 * const options: JobOptions = { transfer: [samples.buffer] };
 *
 * await using pool = new BlockingPool({ size: 1 });
 * const mean = await pool.spawn({
 *   fn: (_ctx, xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length,
 *   ...options,
 * }, samples);
 * assert.equal(mean, 2.5);
 * assert.equal(samples.buffer.byteLength, 0); // detached on this side
 * ```
 */
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
 *
 * @example A job with a signal that cancels it
 * ```ts
 * import { BlockingPool, type InlineJob } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * const controller = new AbortController();
 * const job: InlineJob<[number], string> = {
 *   fn: (ctx, ms) => {
 *     ctx.sleepSync(ms); // returns at once when the job is cancelled
 *     return ctx.cancelled() ? "cancelled" : "done";
 *   },
 *   signal: controller.signal,
 * };
 *
 * await using pool = new BlockingPool({ size: 1 });
 * assert.equal(await pool.spawn({ fn: job.fn }, 1), "done");
 * const handle = pool.spawn(job, 60_000);
 * controller.abort(new Error("user left"));
 * await assert.rejects(Promise.resolve(handle), { name: "Cancelled" });
 * ```
 */
export interface InlineJob<A extends unknown[] = unknown[], R = unknown> extends JobOptions {
  /** The function. */
  fn: BlockingFunction<A, R>;
}

/**
 * A job that is a module's export, called as `fn(ctx, ...args)`. Each worker
 * imports the module once, on its first job from it.
 *
 * @example A module's default export, then a named one
 * ```ts
 * import { BlockingPool, type ModuleJob } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * const module = "data:text/javascript," +
 *   "export default (ctx, n) => n * 2; export const negate = (ctx, n) => -n;";
 * const double: ModuleJob = { module };
 * const negate: ModuleJob = { module, export: "negate" };
 *
 * await using pool = new BlockingPool({ size: 1 });
 * assert.equal(await pool.spawn(double, 21), 42);
 * assert.equal(await pool.spawn(negate, 21), -21);
 * ```
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
 *
 * @example The three kinds of job, spawned alike
 * ```ts
 * import { type BlockingJob, BlockingPool } from "@weft/weft/blocking";
 * import assert from "node:assert/strict";
 *
 * const jobs: BlockingJob<[number], number>[] = [
 *   (_ctx, n) => n + 1,
 *   { fn: (_ctx, n) => n + 2 },
 *   { module: "data:text/javascript,export const add3 = (ctx, n) => n + 3;", export: "add3" },
 * ];
 *
 * await using pool = new BlockingPool({ size: 1 });
 * const results = await Promise.all(jobs.map((job) => pool.spawn(job, 10)));
 * assert.deepStrictEqual(results, [11, 12, 13]);
 * ```
 */
export type BlockingJob<A extends unknown[] = unknown[], R = unknown> =
  | BlockingFunction<A, R>
  | InlineJob<A, R>
  | ModuleJob;

/** A checked job: its code, key and options. */
export interface JobSpec {
  code: { key: number; source?: string; url?: string; exportName?: string };
  transfer: TransferList;
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

export function jobSpec(job: unknown): JobSpec {
  if (typeof job === "function") return functionSpec(job);
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

/** Nothing to move (shared: never written to). */
const NOTHING: TransferList = Object.freeze([]) as unknown as TransferList;

/** The spec of each function spawned bare, so that spawning it again costs a lookup. */
const functionSpecs = new WeakMap<object, JobSpec>();

function functionSpec(fn: object): JobSpec {
  let spec = functionSpecs.get(fn);
  if (spec === undefined) {
    spec = { code: inlineCode(fn), transfer: NOTHING, signal: undefined };
    functionSpecs.set(fn, spec);
  }
  return spec;
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

function checkTransfer(transfer: unknown): TransferList {
  if (transfer === undefined) return [];
  if (!Array.isArray(transfer)) {
    throw new TypeError("Cannot spawn the job: transfer must be an array");
  }
  const moved: TransferList = [];
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

/** The keys of an inline job. */
const INLINE_KEYS = ["fn", "transfer", "signal"];
/** The keys of a module job. */
const MODULE_KEYS = ["module", "export", "transfer", "signal"];
