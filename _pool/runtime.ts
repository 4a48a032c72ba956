/**
 * Internal: the worker side of a blocking pool.
 *
 * As for the thread path (`_thread/runtime.ts`), {@linkcode poolRuntime} is
 * never called on the main thread: its source becomes the worker's code
 * (`new Worker(source, { eval: true })` of `node:worker_threads`), so a pool
 * needs no permission and no file of weft's. It must therefore use nothing
 * from this module's scope; what it shares with the main side (the control
 * block's layout, the message kinds) arrives in its `workerData`.
 *
 * What it does:
 * - runs the jobs of its jobs port's messages (one job alone, or a batch;
 *   see `protocol.ts`) one at a time, in order, skipping a prefetched job
 *   that the main side took back (its claim word no longer holds its id):
 *   compiles the inline function (cached by key) or imports the module
 *   (cached by URL) and takes the named export, then calls it with the
 *   job's context and arguments, awaiting it if it is async;
 * - posts the result (moving what the job passed to `ctx.transfer`), or the
 *   described error, or a `DataCloneError` when the result cannot be cloned,
 *   on its private answers port, after writing the job's id into the
 *   answers ring (what a job posts on `parentPort` is ignored). The
 *   primitive results of jobs of the same code run back to back go
 *   together, held at most 1 ms or 64 results, and never across the start
 *   of a job of other code or of code not seen to take under 50 µs: a quick
 *   job's result does not wait for a slow job after it. A job that ends the
 *   worker (`process.exit`, `Deno.exit`) first sends the results held;
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
import type { PoolCode, PoolMessage, PoolRun, PoolWorkerData } from "./protocol.ts";

/** `node:timers`' setImmediate, a global in the worker. */
declare function setImmediate(fn: (job: unknown) => void, job: unknown): void;

/** A job posted alone, as the inbox keeps it. */
interface Single {
  id: number;
  key: number;
  args: unknown[];
}

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
  /** The code of each key, as sent. */
  const codes = new Map<number, PoolCode>();
  /** Answers posted (the next one's ring word is this modulo CAP). */
  let written = 0;
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

  function lookup(key: number): JobFunction | Promise<JobFunction> {
    const known = functions.get(key);
    if (known !== undefined) return known;
    const code = codes.get(key);
    if (code === undefined) {
      throw new Error(`Cannot run the job: its code (key ${key}) was not sent`);
    }
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

  // Results held back to go together: their ids, values, and when the first ended.
  const heldIds: number[] = [];
  let heldValues: unknown[] = [];
  let heldSince = 0;
  /** How long each code's last job took (ms): a code seen to be quick lets results wait for it. */
  const took = new Map<number, number>();
  /** Answer messages posted (the next one's counts word is this modulo CAP). */
  let messages = 0;

  /** Posts the results held back, in one message. */
  function flush(): void {
    const count = heldIds.length;
    if (count === 0) return;
    if (count === 1) {
      // One result goes bare: a round trip's case, where an array would cost its clone.
      Atomics.store(control, L.ANSWERS + (written % L.CAP), heldIds[0]!);
      Atomics.store(control, L.COUNTS + (messages % L.CAP), 0);
      const value = heldValues[0];
      heldIds.length = 0;
      heldValues.length = 0;
      answers.postMessage(value);
      written++;
      messages++;
      return;
    }
    for (let i = 0; i < count; i++) {
      Atomics.store(control, L.ANSWERS + ((written + i) % L.CAP), heldIds[i]!);
    }
    Atomics.store(control, L.COUNTS + (messages % L.CAP), count);
    const values = heldValues;
    heldIds.length = 0;
    heldValues = [];
    answers.postMessage(values);
    written += count;
    messages++;
  }

  /** The code of the job run last. */
  let lastKey = 0;

  /**
   * Whether the held results must go now, before the job of `key` starts:
   * they are many or have waited 1 ms, or that job runs other code than the
   * one before it, or code not seen to be quick. (A job that ends its worker
   * takes the results held back with it: only a run of the same quick code
   * holds any.)
   */
  function mustFlush(key: number): boolean {
    if (heldIds.length === 0) return false;
    if (heldIds.length >= 64 || performance.now() - heldSince >= 1) return true;
    if (key !== lastKey) return true;
    const last = took.get(key);
    return last === undefined || last >= 0.05;
  }

  /** Posts job `id`'s answer, after writing its id (negated for a failure) into the ring. */
  function post(id: number, ok: boolean, message: unknown, moving: Transferable[]): void {
    if (ok && moving.length === 0 && isPrimitive(message)) {
      if (heldIds.length === 0) heldSince = performance.now();
      heldIds.push(id);
      heldValues.push(message);
      return;
    }
    flush();
    Atomics.store(control, L.COUNTS + (messages % L.CAP), 0);
    const at = L.ANSWERS + (written % L.CAP);
    Atomics.store(control, at, ok ? id : -id);
    try {
      answers.postMessage(message, moving);
    } catch (error) {
      if (!ok) throw error;
      const why = error instanceof Error ? error.message : String(error);
      const clone = new DOMException(`Cannot return from the job: ${why}`, "DataCloneError");
      Atomics.store(control, at, -id);
      answers.postMessage(describeError(clone));
    }
    written++;
    messages++;
  }

  function isPrimitive(value: unknown): boolean {
    const type = typeof value;
    return value === null || (type !== "object" && type !== "function" && type !== "symbol");
  }

  function end(ok: boolean, outcome: unknown): void {
    const moving = transfers;
    const id = current;
    current = 0;
    transfers = [];
    controller = null;
    // Wakes this job's watch, so no wait outlives its job.
    if (watching) Atomics.notify(control, L.SIGNAL);
    if (ok) post(id, true, outcome, moving);
    else post(id, false, describeError(outcome), []);
    // A job that ended later than its call (async, or failed by a fault): the next one's turn.
    if (!pumping) pump();
  }

  /**
   * Runs job `id`: it ends now, or later (it awaits its code's module, or is
   * async), when `end()` runs the next.
   */
  function run(id: number, key: number, args: unknown[]): void {
    current = id;
    let outcome: unknown;
    const started = performance.now();
    try {
      const fn = lookup(key);
      if (typeof fn !== "function") {
        finish(id, fn.then((f) => f(makeContext(id), ...args)));
        return;
      }
      outcome = fn(makeContext(id), ...args);
      took.set(key, performance.now() - started);
      if (typeof (outcome as PromiseLike<unknown> | null)?.then === "function") {
        took.set(key, Infinity);
        finish(id, outcome as PromiseLike<unknown>);
        return;
      }
    } catch (error) {
      if (current === id) end(false, error);
      return;
    }
    if (current === id) end(true, outcome);
  }

  async function finish(id: number, pending: PromiseLike<unknown>): Promise<void> {
    let outcome: unknown;
    try {
      outcome = await pending;
    } catch (error) {
      if (current === id) end(false, error);
      return;
    }
    if (current === id) end(true, outcome);
  }

  // Messages not yet run through: batches (arrays) and jobs posted alone.
  const inbox: (unknown[] | Single)[] = [];
  /** The next entry of `inbox[0]`, when it is a batch. */
  let cursor = 0;
  /** Whether `pump` is on the stack. */
  let pumping = false;
  /** Whether a job's start is deferred to `setImmediate`. */
  let deferring = false;

  /** Runs the inbox's jobs in order, until it is empty or a job does not end at once. */
  function pump(): void {
    if (pumping) return;
    pumping = true;
    try {
      drain();
    } finally {
      pumping = false;
    }
  }

  function drain(): void {
    while (current === 0 && !deferring && inbox.length > 0) {
      step();
    }
    // Nothing more to run now (or a job goes on later): what is held goes.
    flush();
  }

  /** Takes the inbox's next job and runs it, unless it was taken back. */
  function step(): void {
    const head = inbox[0]!;
    let id: number;
    let key: number;
    let args: unknown[];
    if (!Array.isArray(head)) {
      inbox.shift();
      ({ id, key, args } = head);
    } else {
      id = head[cursor] as number;
      const claim = head[cursor + 1] as number;
      key = head[cursor + 2] as number;
      let at = cursor + 3;
      if (key < 0) {
        key = -key;
        codes.set(key, head[at++] as PoolCode);
      }
      const argc = head[at++] as number;
      args = argc === 0 ? [] : head.slice(at, at + argc);
      cursor = at + argc;
      if (cursor >= head.length) {
        inbox.shift();
        cursor = 0;
      }
      // Taken back by the main side (stolen, or cancelled before it started).
      if (claim >= 0 && Atomics.compareExchange(control, L.CLAIMS + claim, id, -id) !== id) {
        return;
      }
    }
    if (mustFlush(key)) flush();
    lastKey = key;
    if (data.deferRuns) {
      deferring = true;
      setImmediate(deferred, [id, key, args]);
      return;
    }
    run(id, key, args);
  }

  function deferred(job: unknown): void {
    const [id, key, args] = job as [number, number, unknown[]];
    deferring = false;
    run(id, key, args);
    pump();
  }

  function receive(message: PoolMessage): void {
    const single = Atomics.exchange(control, L.SINGLE, 0);
    if (single === 0) {
      Atomics.add(control, L.READ, 1);
      inbox.push(message as unknown[]);
      return pump();
    }
    const key = Atomics.load(control, L.KEY);
    const form = Atomics.load(control, L.FORM);
    // Read before READ moves on: the main side may then post another job alone.
    Atomics.add(control, L.READ, 1);
    let args: unknown[] = [];
    if (form === L.ONE_ARG) args = [message];
    else if (form === L.ARGS) args = message as unknown[];
    else if (form === L.CODE) {
      const run = message as PoolRun;
      codes.set(key, run);
      args = run.args;
    }
    inbox.push({ id: single, key, args });
    pump();
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
  jobs.onmessage = (event: MessageEvent<PoolMessage>) => receive(event.data);
  // A job that ends its worker first sends the results held back, so that
  // only its own handle fails.
  const exits = [globalThis.process, (globalThis as { Deno?: object }).Deno];
  for (const owner of exits as ({ exit?: (...args: unknown[]) => unknown } | undefined)[]) {
    const exit = owner?.exit;
    if (typeof exit !== "function") continue;
    try {
      owner!.exit = function (this: unknown, ...args: unknown[]): unknown {
        flush();
        return exit.apply(this, args);
      };
    } catch {
      // A runtime whose exit cannot be wrapped: held results may go with the worker.
    }
  }
}

/**
 * The worker's source: it takes `workerData` from `node:worker_threads` and
 * hands it to the runtime.
 */
export function poolRuntimeSource(): string {
  return `const { workerData } = require("node:worker_threads");\n${workerHelpersSource()}(${poolRuntime.toString()})(workerData);\n//# sourceURL=weft-pool-runtime.js\n`;
}
