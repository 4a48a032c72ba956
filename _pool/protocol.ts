/**
 * Internal: what the main thread and a blocking pool's worker share, and the
 * messages they exchange.
 *
 * Each worker has a small control block (a `SharedArrayBuffer` read and
 * written with `Atomics`): the id of the job the main side has cancelled,
 * which the job's `cancelled()` compares with its own id, a counter the main
 * side bumps to wake a job blocked in `sleepSync`, and the words that make
 * the messages small (the posted job's id and code key, the kind of the
 * worker's answer). Like the thread
 * path's, the layout travels in the worker's start data, so the worker-side
 * runtime (shipped as source) holds no copy of it.
 *
 * @module
 */

/** Indexes of the control block's `Int32Array` words, and their values. */
export const POOL_LAYOUT = {
  /** The id of the last job cancelled on this worker (0: none). */
  CANCEL: 0,
  /** Bumped by the main side on every cancel; a `sleepSync` and a job's `signal` wait on it. */
  SIGNAL: 1,
  /** The id of the job the main side is posting (one at a time per worker). */
  JOB: 2,
  /** The key of that job's code. */
  KEY: 3,
  /** What the main side's message holds: NO_ARGS, ONE_ARG, ARGS or CODE. */
  FORM: 4,
  /** What the worker's message holds: DONE or FAIL, written before it posts. */
  STATUS: 5,
  /** The id of the job the worker's message answers, written before it posts. */
  ANSWER: 6,
  /** FORM: no arguments (the message is `undefined`). */
  NO_ARGS: 0,
  /** FORM: the message is the only argument. */
  ONE_ARG: 1,
  /** FORM: the message is the arguments array. */
  ARGS: 2,
  /** FORM: the message is a {@linkcode PoolRun}: the arguments and the code. */
  CODE: 3,
  /** STATUS: the message is the job's result. */
  DONE: 1,
  /** STATUS: the message describes the job's error (an `ErrorDescription`). */
  FAIL: 2,
  /** Bytes of the control block. */
  BYTES: 28,
} as const;

/**
 * What the main side posts to a worker: only jobs to run (a job's id, code
 * key and FORM are in the control block; a cancel is a control-block write
 * and a notify). A job's message is as small as it can be,
 * since structured clone of even a one-element array costs microseconds:
 * nothing, its only argument, its arguments array, or (the first time the
 * worker runs this code) a {@linkcode PoolRun}.
 *
 * The worker posts back the result, or an `ErrorDescription`, as STATUS says,
 * on its private answers port (never `parentPort`, which a job's own code
 * can post on: what arrives there is ignored), after writing the answered
 * job's id into ANSWER; an answer for another job than the one running is
 * dropped. A worker that fails outside any job reports it on stderr and
 * exits, and is replaced.
 */
export type PoolMessage = unknown;

/** A job posted with its code. */
export interface PoolRun {
  /** The arguments. */
  args: unknown[];
  /** The inline function's source, or undefined. */
  source: string | undefined;
  /** The module's URL, or undefined. */
  url: string | undefined;
  /** The module export's name, or undefined. */
  exportName: string | undefined;
}

/** What a pool worker receives as its `workerData`. */
export interface PoolWorkerData {
  /** The control block. */
  control: SharedArrayBuffer;
  /** Its layout. */
  layout: typeof POOL_LAYOUT;
  /** The worker's index in its pool (its deque), shown to jobs as `ctx.worker`. */
  index: number;
  /**
   * The port jobs arrive on. A web `MessagePort`, not the worker's own
   * `postMessage`: in Deno 2.9, `node:worker_threads`' `postMessage` from the
   * main thread copies a typed array element by element (a 250 KB frame
   * takes ~60 ms, moved or not), a web port in ~1 ms. Answers go back
   * through the answers port.
   */
  jobs: MessagePort;
  /**
   * The port answers go back on: private to the runtime (it removes both
   * ports from `workerData` before any job runs), so nothing a job posts
   * can pass for an answer.
   */
  answers: MessagePort;
  /**
   * Whether a job starts from a task of its own (`setImmediate`) rather than
   * inside the port's message callback: set with a heap limit, since in Deno
   * 2.9 a worker that reaches its limit inside a message callback hangs
   * instead of exiting.
   */
  deferRuns: boolean;
}
