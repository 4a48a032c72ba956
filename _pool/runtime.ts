/**
 * Internal: the worker side of a blocking pool.
 *
 * As for the thread path (`_thread_runtime.ts`), {@linkcode poolRuntime} is
 * never called on the main thread: its source becomes the worker's code
 * (`new Worker(source, { eval: true })` of `node:worker_threads`), so a pool
 * needs no permission and no file of weft's. It must therefore use nothing
 * from this module's scope; what it shares with the main side (the control
 * block's layout, the message kinds) arrives in its `workerData`.
 *
 * What it does:
 * - runs one job at a time, each message on its jobs port being a job (its
 *   id, code key and the message's form are in the control block): compiles the inline function (cached by key) or
 *   imports the module (cached by URL) and takes the named export, then calls
 *   it with the job's context and arguments, awaiting it if it is async;
 * - posts the result (moving what the job passed to `ctx.transfer`), or the
 *   described error, or a `DataCloneError` when the result cannot be cloned,
 *   on its private answers port, after writing which it is and the job's id
 *   into the control block (what a job posts on `parentPort` is ignored);
 * - with a heap limit, starts each job from `setImmediate` rather than inside
 *   the port's message callback (see `PoolWorkerData.deferRuns`);
 * - `ctx.cancelled()` compares the control block's cancelled id with the
 *   job's own (an `Atomics.load`, no round trip); `sleepSync` waits on the
 *   control block and wakes at once on a cancel; `ctx.signal` (for async
 *   jobs) is aborted by an `Atomics.waitAsync` on the same word, so a cancel
 *   needs no message;
 * - an error outside any job's promise (a floating rejection, a throwing
 *   timer) fails the running job; when no job runs, it is reported on stderr
 *   and the worker exits, to be replaced.
 *
 * @module
 */
import { describeError } from "../_worker/errors.ts";
import { compileFunction, workerHelpersSource } from "../_worker/helpers.ts";
import { checkDuration } from "../_runtime/checks.ts";
import type { PoolMessage, PoolRun, PoolWorkerData } from "./protocol.ts";

/** `node:timers`' setImmediate, a global in the worker. */
declare function setImmediate(fn: (message: PoolMessage) => void, message: PoolMessage): void;

/** A job's function as the runtime calls it. */
type JobFunction = (ctx: unknown, ...args: unknown[]) => unknown;

/** The worker-side runtime; see the module doc. Self-contained by design. */
export function poolRuntime(data: PoolWorkerData): void {
  const L = data.layout;
  const control = new Int32Array(data.control);
  const functions = new Map<number, JobFunction>();
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  // The running job: its id, what it moves back, its signal's controller,
  // and whether an async wait watches the control block for its cancel.
  let current = 0;
  let transfers: Transferable[] = [];
  let controller: AbortController | null = null;
  let watching = false;
  /** The id of the job being answered. */
  let answering = 0;
  // Both ports are the runtime's alone: a job reading `workerData` finds neither.
  const jobs = data.jobs;
  const answers = data.answers;
  delete (data as Partial<PoolWorkerData>).jobs;
  delete (data as Partial<PoolWorkerData>).answers;

  function cancelledError(): Error {
    const error = new Error("Cannot go on: the job was cancelled");
    error.name = "Cancelled";
    return error;
  }

  function isCancelled(id: number): boolean {
    return Atomics.load(control, L.CANCEL) === id;
  }

  function makeContext(id: number): unknown {
    return {
      worker: data.index,
      cancelled(): boolean {
        return isCancelled(id);
      },
      throwIfCancelled(): void {
        if (isCancelled(id)) throw cancelledError();
      },
      sleepSync(ms: number): void {
        const deadline = performance.now() + checkDuration(ms, "sleep");
        for (;;) {
          const seen = Atomics.load(control, L.SIGNAL);
          if (isCancelled(id)) return;
          const left = deadline - performance.now();
          if (left <= 0) return;
          Atomics.wait(control, L.SIGNAL, seen, left);
        }
      },
      transfer(...items: (Transferable | ArrayBufferView)[]): void {
        if (current !== id) return;
        for (const item of items) {
          if (!ArrayBuffer.isView(item)) transfers.push(item);
          else if (!(item.buffer instanceof SharedArrayBuffer)) transfers.push(item.buffer);
        }
      },
      get signal(): AbortSignal {
        if (current !== id) return AbortSignal.abort(cancelledError());
        if (controller === null) {
          controller = new AbortController();
          watch(id, controller);
        }
        return controller.signal;
      },
    };
  }

  /** Aborts `aborter` when job `id` is cancelled, woken by the main side's notify. */
  function watch(id: number, aborter: AbortController): void {
    watching = false;
    if (current !== id || aborter.signal.aborted) return;
    const seen = Atomics.load(control, L.SIGNAL);
    if (isCancelled(id)) return aborter.abort(cancelledError());
    const wait = Atomics.waitAsync(control, L.SIGNAL, seen);
    if (!wait.async) return watch(id, aborter);
    watching = true;
    wait.value.then(() => watch(id, aborter));
  }

  async function load(url: string, name: string): Promise<JobFunction> {
    let module = modules.get(url);
    if (module === undefined) {
      module = import(url);
      modules.set(url, module);
      // A module that failed to load is tried again by the next job.
      module.catch(() => modules.delete(url));
    }
    const fn = (await module)[name];
    if (typeof fn !== "function") {
      throw new TypeError(`Cannot run the job: ${url} has no export "${name}" that is a function`);
    }
    return fn as JobFunction;
  }

  function lookup(key: number, code: PoolRun | null): JobFunction | Promise<JobFunction> {
    const known = functions.get(key);
    if (known !== undefined) return known;
    if (code === null) throw new Error(`Cannot run the job: its code (key ${key}) was not sent`);
    if (code.source !== undefined) {
      const fn = compileFunction<JobFunction>(code.source, "weft-blocking-job.js");
      functions.set(key, fn);
      return fn;
    }
    return load(code.url!, code.exportName!).then((fn) => {
      functions.set(key, fn);
      return fn;
    });
  }

  function post(status: number, message: unknown, moving?: Transferable[]): void {
    Atomics.store(control, L.STATUS, status);
    Atomics.store(control, L.ANSWER, answering);
    answers.postMessage(message, moving ?? []);
  }

  function end(ok: boolean, outcome: unknown): void {
    const moving = transfers;
    answering = current;
    current = 0;
    transfers = [];
    controller = null;
    // Wakes this job's watch, so no wait outlives its job.
    if (watching) Atomics.notify(control, L.SIGNAL);
    if (!ok) return post(L.FAIL, describeError(outcome));
    try {
      post(L.DONE, outcome, moving);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const clone = new DOMException(`Cannot return from the job: ${why}`, "DataCloneError");
      post(L.FAIL, describeError(clone));
    }
  }

  function argsOf(form: number, message: PoolMessage): unknown[] {
    if (form === L.ONE_ARG) return [message];
    if (form === L.ARGS) return message as unknown[];
    if (form === L.CODE) return (message as PoolRun).args;
    return [];
  }

  async function run(message: PoolMessage): Promise<void> {
    const id = Atomics.load(control, L.JOB);
    const key = Atomics.load(control, L.KEY);
    const form = Atomics.load(control, L.FORM);
    const code = form === L.CODE ? message as PoolRun : null;
    current = id;
    let outcome: unknown;
    try {
      let fn = lookup(key, code);
      if (typeof fn !== "function") fn = await fn;
      outcome = fn(makeContext(id), ...argsOf(form, message));
      if (typeof (outcome as PromiseLike<unknown> | null)?.then === "function") {
        outcome = await outcome;
      }
    } catch (error) {
      if (current === id) end(false, error);
      return;
    }
    if (current === id) end(true, outcome);
  }

  function fault(error: unknown): void {
    if (current !== 0) return end(false, error);
    console.error("weft: a blocking pool worker failed outside a job:", error);
    (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(70);
  }

  // Node's workers have no global addEventListener: process events instead.
  const proc = (globalThis as { process?: { on(event: string, f: (e: unknown) => void): void } })
    .process;
  if (typeof globalThis.addEventListener !== "function" && proc !== undefined) {
    proc.on("unhandledRejection", fault);
    proc.on("uncaughtException", fault);
  } else {
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      fault(event.reason);
    });
    globalThis.addEventListener("error", (event) => {
      event.preventDefault();
      fault(event.error ?? new Error(event.message));
    });
  }
  jobs.onmessage = data.deferRuns
    ? (event: MessageEvent<PoolMessage>) => setImmediate(run, event.data)
    : (event: MessageEvent<PoolMessage>) => run(event.data);
}

/**
 * The worker's source: it takes `workerData` from `node:worker_threads` and
 * hands it to the runtime.
 */
export function poolRuntimeSource(): string {
  return `const { workerData } = require("node:worker_threads");\n${workerHelpersSource()}(${poolRuntime.toString()})(workerData);\n//# sourceURL=weft-pool-runtime.js\n`;
}
