/**
 * Internal: what the main thread and a blocking pool's worker share, and the
 * messages they exchange.
 *
 * Each worker has a control block (a `SharedArrayBuffer` read and written
 * with `Atomics`). Its layout travels in the worker's start data, so the
 * worker-side runtime (shipped as source) holds no copy of it.
 *
 * - Jobs go to the worker in order: the job it is to run now, and behind it
 *   (prefetched, so that a worker with tiny jobs never waits for the main
 *   thread) a prefix of its deque. Every job posted in a batch has a claim
 *   word holding its id: the worker swaps it for `-id` before it starts the
 *   job, and the main side swaps it for 0 to take the job back (stolen by
 *   another worker, or cancelled before it started). Whoever swaps first
 *   wins, so a job runs once or never.
 * - A job posted alone to a worker that has read every earlier message (a
 *   round trip's case) skips the batch: its id, code key and arguments' form
 *   are in the control block (SINGLE, KEY, FORM), its message is its only
 *   argument, its arguments array, or nothing, since structured clone of even
 *   a one-element array costs microseconds.
 * - Answers go back on the worker's private answers port. Before it posts
 *   one, the worker writes the job's id (negated for a failure) into the
 *   next word of the answers ring, and 0 into the next word of the counts
 *   ring: the message is the job's result, or its error's description. The
 *   results of tiny jobs run back to back (primitive values, nothing moved)
 *   go together: one message holding their values, the count of them in
 *   the counts ring, their ids in the answers ring. The main side reads both
 *   rings in the same order, and drops an answer whose id is not the job it
 *   awaits.
 * - A cancel of a started job is a control-block write (CANCEL) and a notify.
 *
 * @module
 */

/** Indexes of the control block's `Int32Array` words, and their values. */
export const POOL_LAYOUT = {
  /** The id of the last job cancelled on this worker (0: none). */
  CANCEL: 0,
  /** Bumped by the main side on every cancel; a `sleepSync` and a job's `signal` wait on it. */
  SIGNAL: 1,
  /** The id of the job posted alone, until the worker reads its message (0: the message is a batch). */
  SINGLE: 2,
  /** The key of that job's code. */
  KEY: 3,
  /** What that job's message holds: NO_ARGS, ONE_ARG, ARGS or CODE. */
  FORM: 4,
  /** Messages the worker has read (the main side counts those it posted). */
  READ: 5,
  /** The first word of the claim words (CAP of them). */
  CLAIMS: 8,
  /** The first word of the answers ring (CAP of them). */
  ANSWERS: 8 + 128,
  /** The first word of the ring of answer messages' counts (CAP of them). */
  COUNTS: 8 + 2 * 128,
  /** Words of the claim table and of each ring; bounds the jobs in flight on a worker. */
  CAP: 128,
  /** FORM: no arguments (the message is `undefined`). */
  NO_ARGS: 0,
  /** FORM: the message is the only argument. */
  ONE_ARG: 1,
  /** FORM: the message is the arguments array. */
  ARGS: 2,
  /** FORM: the message is a {@linkcode PoolCode} and the arguments. */
  CODE: 3,
  /** Bytes of the control block. */
  BYTES: 4 * (8 + 3 * 128),
} as const;

/**
 * What the main side posts to a worker: a job posted alone (see SINGLE), or
 * a batch: a flat array of jobs, each `id, claim, key, argc, ...args`, where
 * `claim` is its claim word's index (-1: none, the job is the worker's
 * current one) and `key` is negated when a {@linkcode PoolCode} follows it
 * (the first time this worker sees that code).
 */
export type PoolMessage = unknown;

/** A job's code, sent the first time a worker sees it. */
export interface PoolCode {
  /** The inline function's source, or undefined. */
  source: string | undefined;
  /** The module's URL, or undefined. */
  url: string | undefined;
  /** The module export's name, or undefined. */
  exportName: string | undefined;
}

/** A job posted alone with its code (FORM is CODE). */
export interface PoolRun extends PoolCode {
  /** The arguments. */
  args: unknown[];
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
