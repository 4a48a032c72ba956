/**
 * Internal: one job of a pool, from spawn to settlement: its id, code,
 * arguments, state and handle, and the copy of its arguments taken when it
 * does not start at once.
 *
 * @module
 */
import type { Scope } from "../_runtime/task_state.ts";
import type { Slot } from "./slot.ts";
import type { Dispatch } from "./worker.ts";
import type { BlockingHandle } from "./handle.ts";
import type { SpawnSite } from "../_worker/errors.ts";
import type { TransferList } from "./job_spec.ts";

/** The job waits for room in the queue. */
export const WAITING = 0;
/** The job is in a deque. */
export const QUEUED = 1;
/** The job runs on a worker. */
export const RUNNING = 2;
/** The job has settled. */
export const ENDED = 3;

/** The last job id given; ids stay in 1..2^31-1 (0 in a control block means "none"). */
let lastId = 0;

function nextId(): number {
  lastId = lastId === 0x7fffffff ? 1 : lastId + 1;
  return lastId;
}

/** One job, from spawn to settlement. */
export class Job implements Dispatch {
  /** Its id (> 0). */
  readonly id: number = nextId();
  /** The key of its code. */
  readonly key: number;
  /** The inline function's source, or undefined. */
  readonly source: string | undefined;
  /** The module's URL, or undefined. */
  readonly url: string | undefined;
  /** The module export's name, or undefined. */
  readonly exportName: string | undefined;
  /** Arguments; dropped once posted. */
  args: unknown[];
  /** What to move; dropped once posted. */
  transfer: TransferList;
  /** WAITING, QUEUED, RUNNING or ENDED. */
  state = WAITING;
  /** The slot whose deque holds it, or that runs it. */
  slot: Slot | null = null;
  /** The run() it was spawned in, if any. */
  scope: Scope | null = null;
  /** Its handle, until it settles. */
  listener: BlockingHandle<unknown> | null = null;
  /** Its claim word's index while it is prefetched to a worker, else -1. */
  claim = -1;
  /** A cancelled job its worker had started: end that worker when its turn comes. */
  abandon = false;
  /** Where it was spawned (its stack names the caller), added to its error. */
  readonly site: SpawnSite | undefined;

  /** Makes a job; `code` says what to run. */
  constructor(
    code: { key: number; source?: string; url?: string; exportName?: string },
    args: unknown[],
    transfer: TransferList,
    site?: SpawnSite,
  ) {
    this.site = site;
    this.key = code.key;
    this.source = code.source;
    this.url = code.url;
    this.exportName = code.exportName;
    this.args = args;
    this.transfer = transfer;
  }
}

/**
 * A copy of the job's arguments taken at spawn, for a job that does not
 * start at once: later changes by the caller do not reach it, and what it
 * transfers is moved now (detached on the caller's side), as Rust moves a
 * closure's captures into `spawn_blocking`.
 *
 * @throws {DOMException} A `DataCloneError` if they cannot be cloned.
 */
export function snapshot(job: Job): Job {
  if (job.transfer.length === 0 && job.args.every(isPrimitive)) return job;
  const copy = structuredClone({ args: job.args, transfer: job.transfer }, {
    transfer: job.transfer as Transferable[],
  });
  job.args = copy.args;
  job.transfer = copy.transfer;
  return job;
}

/** Whether `value` needs no copy: a primitive structured clone accepts (not a symbol). */
function isPrimitive(value: unknown): boolean {
  const type = typeof value;
  return value === null || (type !== "object" && type !== "function" && type !== "symbol");
}

/** V8's stack capture, where there is one (Deno, Node, Bun). */
const capture = (Error as { captureStackTrace?: (target: object, above?: unknown) => void })
  .captureStackTrace;

/**
 * Where a job is being spawned: the frames below `above` (the spawn method),
 * which name the caller (or `spawnBlocking` and its caller), captured on a
 * small object. The stack is formatted only if a rebuilt error reads it.
 *
 * Measured on Deno 2.9.6: a capture costs 2-4 µs whatever
 * `Error.stackTraceLimit` says (even 0: with the inspector's uncaught-error
 * traces on, V8 walks as many frames as they want), and holding one per job
 * in flight is most of the GC's work in a burst of tiny jobs: the site is
 * about half of the main thread's time per tiny job. On a small object and
 * cut at the spawn method, it costs a little less than an `Error`.
 */
export function spawnSite(above: unknown): SpawnSite {
  if (capture === undefined) return new Error("spawned here");
  const site: { stack?: string } = {};
  capture(site, above);
  return site;
}
