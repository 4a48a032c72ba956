/**
 * Internal: the main-thread side of one blocking-pool worker.
 *
 * The worker is a `node:worker_threads` Worker rather than a web `Worker`:
 * measured on Deno 2.9, a web Worker's `terminate()` leaves a worker that
 * spins in synchronous code (or blocks in `Atomics.wait`) running, and the
 * process cannot exit until it returns; after `node:worker_threads`'
 * `terminate()` the process can exit (the spinning code itself runs on until
 * it yields: Deno 2.9 cannot interrupt it). Its `unref()` also lets an idle worker stay alive without
 * holding the process open. Both are what a pool needs: shutdown must end a
 * job that never returns, and idle workers must not keep a script alive.
 *
 * Every worker is unref'd from the start; while any job runs, one shared
 * keep-alive interval (from `node:timers`, which fake clocks leave alone) is
 * ref'd instead. Toggling it costs a tenth of toggling a worker's ref, which
 * matters when jobs are tiny; it is cleared when the last worker exits, so
 * no timer outlives the pools.
 *
 * - `run(job)` posts the job the worker runs next (on its jobs port, with
 *   its code the first time this worker sees it: alone, through the control
 *   block, when the worker has read every earlier message, else in the
 *   batch) and holds the process open until the owner calls `idle()`;
 *   `prefetch(job)` adds a job to run after it, with a claim word, and
 *   `revoke(job)` takes such a job back unless the worker has started it.
 *   Jobs posted in the same task go in one message (see `protocol.ts`).
 * - The worker's answers are results or errors' descriptions, one or a
 *   batch per message, their ids read from the answers ring.
 * - `cancel(id)` stores the id in the control block (what the job's
 *   `cancelled()` reads) and wakes what waits on it: a `sleepSync`, or the
 *   watch behind an async job's `signal`.
 * - The worker's exit (`terminate()`, or the job ending it) is reported once;
 *   `exited` resolves then.
 *
 * @module
 */
import { clearInterval, setInterval } from "node:timers";
import { receiveMessageOnPort, SHARE_ENV, Worker as NodeWorker } from "node:worker_threads";
import { withResolvers } from "../_runtime/promise.ts";
import type { ResourceLimits } from "../_worker/limits.ts";
import { POOL_LAYOUT, type PoolMessage, type PoolWorkerData } from "./protocol.ts";
import { poolRuntimeSource } from "./runtime.ts";
import type { TransferList } from "./job_spec.ts";

/** What a worker tells its owner. */
export interface WorkerEvents {
  /** The outcome of job `id`: its result (`ok`) or its error's description. */
  message(worker: PoolWorker, id: number, ok: boolean, message: unknown): void;
  /** The worker exited (`code`), with the error it reported, if any. */
  exit(worker: PoolWorker, code: number, error: unknown): void;
}

/** A job as the worker posts it. */
export interface Dispatch {
  /** The job's id (> 0). */
  id: number;
  /** The key of its code. */
  key: number;
  /** The inline function's source, or undefined. */
  source: string | undefined;
  /** The module's URL, or undefined. */
  url: string | undefined;
  /** The module export's name, or undefined. */
  exportName: string | undefined;
  /** The arguments. */
  args: unknown[];
  /** What to move rather than copy. */
  transfer: TransferList;
  /** Its claim word's index while it is posted in a batch, else -1. */
  claim: number;
}

/** Whether `value` needs no copy: a primitive structured clone accepts (not a symbol). */
function isPrimitive(value: unknown): boolean {
  const type = typeof value;
  return value === null || (type !== "object" && type !== "function" && type !== "symbol");
}

/** Workers started and not yet exited. */
let live = 0;
/** Settled when `live` drops to 0. */
let allExited: PromiseWithResolvers<void> | null = null;
/** The worker source, made once. */
let source: string | undefined;
/** Workers running a job. */
let busy = 0;
/** Ref'd while a job runs anywhere, so that the process waits for it. */
let keepAlive: ReturnType<typeof setInterval> | null = null;

/** Holds the process open until the matching `letGo()`. */
export function hold(): void {
  if (busy++ > 0) return;
  keepAlive ??= setInterval(() => {}, 2 ** 30);
  keepAlive.ref();
}

/** Ends one `hold()`. */
export function letGo(): void {
  if (--busy === 0) keepAlive?.unref();
}

/** How many pool workers are alive (for leak checks in tests). */
export function liveWorkers(): number {
  return live;
}

/** Resolves once every pool worker has exited. */
export function workersExited(): Promise<void> {
  if (live === 0) return Promise.resolve();
  allExited ??= withResolvers<void>();
  return allExited.promise;
}

/** The last worker exited: the keep-alive goes, `workersExited()` resolves. */
function lastExited(): void {
  if (keepAlive !== null) clearInterval(keepAlive);
  keepAlive = null;
  allExited?.resolve();
  allExited = null;
}

/** One worker of a pool, seen from the main thread. */
export class PoolWorker {
  /** The index of its slot in the pool. */
  readonly index: number;
  /** The worker thread. */
  readonly #worker: NodeWorker;
  /** The control block. */
  readonly #control: Int32Array;
  /** The port jobs are posted on (see `PoolWorkerData.jobs`). */
  readonly #jobs: MessagePort;
  /** The port answers arrive on (see `PoolWorkerData.answers`). */
  readonly #answers: MessagePort;
  /** Keys of the code this worker has been sent. */
  readonly #known = new Set<number>();
  /** The batch being gathered, posted at the end of the current task (a microtask). */
  #batch: unknown[] = [];
  /** What the batch moves. */
  #moving: TransferList = [];
  /** Whether a flush of the batch is scheduled. */
  #flushing = false;
  /** Messages posted (the worker counts those it has read in READ). */
  #posted = 0;
  /** Answers read from the ring. */
  #read = 0;
  /** Answer messages read. */
  #messages = 0;
  /** Free claim words. */
  readonly #claims: number[] = Array.from({ length: POOL_LAYOUT.CAP }, (_, i) => i);
  /** Posts the batch; bound once. */
  readonly #flush = (): void => this.#post();
  /** Whether it holds the process open (it has a job). */
  #holding = false;
  /** Whether it has exited. */
  #exited = false;
  /** Whether its exit is being handled. */
  #exiting = false;
  /** The error it reported before exiting, if any. */
  #error: unknown = undefined;
  /** Settled when it exits. */
  readonly #exit = withResolvers<void>();

  /** Starts the worker for deque `index`, with `limits` if any. */
  constructor(index: number, events: WorkerEvents, limits?: ResourceLimits) {
    this.index = index;
    const control = new SharedArrayBuffer(POOL_LAYOUT.BYTES);
    this.#control = new Int32Array(control);
    const jobs = new MessageChannel();
    const answers = new MessageChannel();
    this.#jobs = jobs.port1;
    this.#answers = answers.port1;
    const workerData: PoolWorkerData = {
      control,
      layout: POOL_LAYOUT,
      index,
      jobs: jobs.port2,
      answers: answers.port2,
      deferRuns: limits !== undefined,
    };
    source ??= poolRuntimeSource();
    // A web MessagePort is a node transferable in Deno; only the types differ.
    const transferList = [jobs.port2, answers.port2] as never;
    this.#worker = new NodeWorker(source, {
      eval: true,
      workerData,
      transferList,
      // The worker shares the process's environment: no copy of it is made at
      // the start (a copy reads every variable, a permission prompt on a TTY).
      env: SHARE_ENV,
      ...(limits === undefined ? {} : { resourceLimits: limits }),
    });
    this.#worker.unref();
    live++;
    // Only the runtime's answers port is listened to: what a job posts on
    // `parentPort` is dropped. The port does not hold the process open
    // (a job does, through the keep-alive).
    this.#answers.onmessage = (event: MessageEvent) => this.#answer(events, event.data);
    (this.#answers as unknown as { unref(): void }).unref();
    this.#worker.on("error", (error: unknown) => {
      this.#error ??= error;
    });
    this.#worker.on("exit", (code: number) => this.#onExit(events, code));
  }

  /** Whether the worker has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Whether the worker has exited and its last answers are being read: it takes no job. */
  get exiting(): boolean {
    return this.#exiting;
  }

  /** Reads one answer message: a result or an error's description, or a batch of results. */
  #answer(events: WorkerEvents, data: unknown): void {
    const control = this.#control;
    const count = Atomics.load(control, POOL_LAYOUT.COUNTS + (this.#messages++ % POOL_LAYOUT.CAP));
    if (count === 0) {
      const id = Atomics.load(control, POOL_LAYOUT.ANSWERS + (this.#read++ % POOL_LAYOUT.CAP));
      return events.message(this, id < 0 ? -id : id, id > 0, data);
    }
    // A batch of results (a worker's tiny jobs run back to back).
    const values = data as unknown[];
    for (let i = 0; i < count; i++) {
      const id = Atomics.load(control, POOL_LAYOUT.ANSWERS + (this.#read++ % POOL_LAYOUT.CAP));
      if (this.#exited) return;
      events.message(this, id, true, values[i]);
    }
  }

  /** Resolves when the worker has exited. */
  get exit(): Promise<void> {
    return this.#exit.promise;
  }

  /** Whether the worker can take another prefetched job (a claim word is free). */
  get hasRoom(): boolean {
    return this.#claims.length > 0;
  }

  /**
   * Posts `job` as the one this worker runs next, once what it was posted
   * before is done; its code goes along the first time. Alone (no batch)
   * when the worker has read every earlier message, as a round trip does.
   *
   * @throws {DOMException} A `DataCloneError` if the arguments cannot be cloned.
   */
  run(job: Dispatch): void {
    if (
      this.#batch.length === 0 && Atomics.load(this.#control, POOL_LAYOUT.READ) === this.#posted
    ) {
      this.#alone(job);
    } else {
      // Checked now: a batch is posted later, and one job's bad arguments must not sink it.
      if (!job.args.every(isPrimitive)) structuredClone(job.args);
      this.#add(job, -1);
    }
    this.busy();
  }

  /** The worker has a job: it holds the process open until `idle()`. */
  busy(): void {
    if (this.#holding) return;
    this.#holding = true;
    hold();
  }

  /**
   * Posts `job` to run after those posted before, unless taken back first
   * with {@linkcode PoolWorker.revoke}. The caller checks `hasRoom`.
   */
  prefetch(job: Dispatch): void {
    const claim = this.#claims.pop()!;
    job.claim = claim;
    Atomics.store(this.#control, POOL_LAYOUT.CLAIMS + claim, job.id);
    this.#add(job, claim);
  }

  /**
   * Takes a prefetched `job` back before the worker starts it (its claim
   * word is then free); false if the worker has started it (or run it)
   * already: it keeps its claim word until its answer, so that it is never
   * taken for a job that was not posted.
   */
  revoke(job: Dispatch): boolean {
    const at = POOL_LAYOUT.CLAIMS + job.claim;
    if (Atomics.compareExchange(this.#control, at, job.id, 0) !== job.id) return false;
    this.release(job);
    return true;
  }

  /** Frees the claim word of a prefetched `job`, started or taken back. */
  release(job: Dispatch): void {
    if (job.claim < 0) return;
    this.#claims.push(job.claim);
    job.claim = -1;
  }

  #alone(job: Dispatch): void {
    const control = this.#control;
    let form: number = POOL_LAYOUT.CODE;
    let message: PoolMessage;
    if (!this.#known.has(job.key)) {
      message = { args: job.args, source: job.source, url: job.url, exportName: job.exportName };
    } else if (job.args.length === 0) {
      form = POOL_LAYOUT.NO_ARGS;
    } else if (job.args.length === 1) {
      form = POOL_LAYOUT.ONE_ARG;
      message = job.args[0];
    } else {
      form = POOL_LAYOUT.ARGS;
      message = job.args;
    }
    control[POOL_LAYOUT.KEY] = job.key;
    control[POOL_LAYOUT.FORM] = form;
    Atomics.store(control, POOL_LAYOUT.SINGLE, job.id);
    try {
      this.#jobs.postMessage(message, job.transfer as Transferable[]);
    } catch (error) {
      Atomics.store(control, POOL_LAYOUT.SINGLE, 0);
      throw error;
    }
    this.#posted++;
    this.#known.add(job.key);
  }

  /**
   * Adds `job` to the batch: `id, claim, key, argc, ...args`, the key
   * negated and followed by the code the first time.
   *
   * @throws {DOMException} A `DataCloneError` if the arguments cannot be cloned (checked now, if it moves something).
   */
  #add(job: Dispatch, claim: number): void {
    if (job.transfer.length > 0) {
      // A job that moves something goes in a batch of its own, posted now:
      // what it moves must not be detached before its turn.
      this.#post();
      this.#push(job, claim);
      this.#moving = job.transfer;
      try {
        this.#post();
      } catch (error) {
        this.release(job);
        throw error;
      }
      return;
    }
    this.#push(job, claim);
    if (this.#flushing) return;
    this.#flushing = true;
    queueMicrotask(this.#flush);
  }

  #push(job: Dispatch, claim: number): void {
    const batch = this.#batch;
    const known = this.#known.has(job.key);
    batch.push(job.id, claim, known ? job.key : -job.key);
    if (!known) {
      batch.push({ source: job.source, url: job.url, exportName: job.exportName });
      this.#known.add(job.key);
    }
    const args = job.args;
    batch.push(args.length);
    for (let i = 0; i < args.length; i++) batch.push(args[i]);
  }

  /** Posts the batch gathered so far, if any. */
  #post(): void {
    this.#flushing = false;
    const batch = this.#batch;
    if (batch.length === 0 || this.#exited) return;
    const moving = this.#moving;
    this.#batch = [];
    this.#moving = [];
    this.#jobs.postMessage(batch, moving as Transferable[]);
    this.#posted++;
  }

  /** Tells job `id` (running here) that it is cancelled. */
  cancel(id: number): void {
    const control = this.#control;
    Atomics.store(control, POOL_LAYOUT.CANCEL, id);
    Atomics.add(control, POOL_LAYOUT.SIGNAL, 1);
    Atomics.notify(control, POOL_LAYOUT.SIGNAL);
  }

  /** The worker has no job: it no longer holds the process open. */
  idle(): void {
    if (!this.#holding) return;
    this.#holding = false;
    letGo();
  }

  /** Ends the worker, even one running synchronous code; resolves once it has exited. */
  terminate(): Promise<void> {
    if (!this.#exited) this.#worker.terminate().catch(() => {});
    return this.#exit.promise;
  }

  #onExit(events: WorkerEvents, code: number): void {
    if (this.#exited) return;
    // Answers the worker posted before it ended (a job that exits it first
    // sends the results held back) are read before the exit is reported.
    this.#exiting = true;
    for (;;) {
      let received: { message: unknown } | undefined;
      try {
        received = receiveMessageOnPort(this.#answers as never) as typeof received;
      } catch {
        break; // A runtime that cannot read a web port this way: the exit fails the job.
      }
      if (received === undefined) break;
      this.#answer(events, received.message);
    }
    this.#exited = true;
    this.#jobs.close();
    this.#answers.close();
    this.idle();
    live--;
    this.#exit.resolve();
    if (live === 0) lastExited();
    events.exit(this, code, this.#error);
  }
}
