/**
 * Threads that feed async code: the book's
 * `thread::spawn(move || { ... tx.send(x) ... thread::sleep(d) ... })`, with a
 * Worker as the thread (one `node:worker_threads` Worker per thread, which
 * Deno runs as its own isolate on its own OS thread) and a weft channel
 * between it and the main thread.
 *
 * - {@linkcode spawnThread} moves a channel's `Sender` into a new thread; the
 *   main thread reads the `Receiver` with `await` (`recv()`, `for await`,
 *   `Stream.from(rx)`). After the move the main side's sender refuses use.
 * - In the thread, `tx.send(v)` is synchronous and `thread.sleepSync(ms)`
 *   blocks the thread for real (`Atomics.wait`), as `thread::sleep` does.
 * - Closing the receiver (`rx.close()`, leaving a `for await` loop, a
 *   stream's `take(n)`) stops the thread through shared memory, without a
 *   round trip: its next `send` throws `SendError`, and a `sleepSync` in
 *   progress returns at once. Stopping is cooperative: a thread that neither
 *   sends nor sleeps is not interrupted by it; `terminate()` ends it at once,
 *   even in a synchronous loop (`node:worker_threads`' `terminate()` does
 *   that in Deno, where a web `Worker`'s does not).
 * - Values cross in send order; nothing the thread sent before it ended is
 *   lost. Numbers go through shared memory (a ring of 65,536 slots the main
 *   thread reads in chunks, without a message while values keep coming);
 *   other values by structured clone, in batched messages. A value that
 *   cannot be cloned makes that `send` throw a `DataCloneError` in the
 *   thread; the stream goes on. When the main thread has not read the ring
 *   for a while (it is busy) and the ring is full, `send` waits for room.
 * - Values reach an idle main thread at once. While it is busy they are
 *   handed over in chunks (numbers at least every 64 sends, other values
 *   about every millisecond of sending), and always when the thread awaits,
 *   sleeps or ends: a thread that sends, then computes for long without any
 *   of these, holds its last values until then.
 * - When the thread's function returns, its sender closes: the receiver
 *   yields every value, then ends. When it throws (or its module cannot be
 *   loaded), the receiver yields every value sent before, then rejects with
 *   the error, rebuilt with the same class name, `name`, `message` and
 *   `stack`; `join()` rejects with it too.
 * - Under weft's `TestClock` (installed when the thread is spawned),
 *   `sleepSync` and `Date.now()` in the thread follow the main thread's
 *   virtual time: a sleeping thread wakes at its virtual deadline, ordered
 *   with task sleeps, and the clock moves past an instant only once every
 *   thread due at it has run until its next `sleepSync` (or its end) and its
 *   values have arrived. A thread that runs without ever sleeping holds the
 *   clock at its instant, as a busy thread would hold a paused tokio clock.
 * - The process lives as long as a thread runs (Deno waits for a live
 *   Worker). Inside `run()`, threads are terminated when `main` settles;
 *   outside, end them by reading their receiver to the end, closing it, or
 *   `terminate()`.
 *
 * Faults in the thread's code never reach the main side: a thread that calls
 * `Deno.exit()` or `process.exit()` fails with {@linkcode ThreadExited}
 * after the receiver has yielded every value it sent; what the thread posts
 * itself (`postMessage`) is ignored, as weft's runtime talks to the main
 * side on a port of its own; the ring's indices are checked, so a thread
 * that writes into weft's shared memory fails its stream with a clear error;
 * with `resourceLimits`, a thread that runs out of heap fails with
 * {@linkcode ThreadExited} instead of aborting the process.
 *
 * No permission is needed for an inline function: the worker runs weft's
 * worker-side runtime and the function from source, and shares the
 * process's environment (starting it reads no variable). Inline functions are
 * not a sandbox: the thread runs with every permission of the process.
 *
 * @example A thread sends, async code receives (listing 17-42's shape)
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<number>();
 * spawnThread((tx) => {
 *   for (let i = 1; i <= 3; i++) tx.send(i);
 * }, tx);
 * const received: number[] = [];
 * for await (const value of rx) received.push(value);
 * assert.deepStrictEqual(received, [1, 2, 3]);
 * ```
 *
 * @module
 */
import { Thread } from "./_thread/main.ts";
import { joinUntil } from "./_runtime/outcome.ts";
import { functionSource, moduleHref, typeName } from "./_worker/code.ts";
import { checkLimits, type ResourceLimits } from "./_worker/limits.ts";
import { BoundedSender, type Sender, SendError } from "./channel.ts";
import type { WaitOptions } from "./task.ts";

export { SendError };
export type { ResourceLimits, Sender, WaitOptions };

/**
 * The sender a thread's function receives: the thread's end of the channel.
 *
 * @typeParam T The values sent.
 *
 * @example Close early: the receiver ends while the thread works on
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread, type ThreadSender } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * const thread = spawnThread((tx: ThreadSender<string>) => {
 *   tx.send("header");
 *   tx.close();
 *   return tx.isClosed; // the rest of its work needs no channel
 * }, tx);
 * assert.deepStrictEqual(await Array.fromAsync(rx), ["header"]);
 * assert.equal(await thread.join(), true);
 * ```
 */
export interface ThreadSender<T> extends Disposable {
  /**
   * Sends `value` to the main thread's receiver; never waits.
   *
   * @param value A structured-cloneable value; it is copied at the call.
   * @throws {SendError} If the receiver is closed (the thread should stop) or this sender is closed.
   * @throws {DOMException} A `DataCloneError` if `value` cannot be cloned; nothing is sent.
   */
  send(value: T): void;
  /** Whether `send` would throw `SendError`: the receiver or this sender is closed. */
  readonly isClosed: boolean;
  /** Closes the sender early (Rust's `drop(tx)`): the receiver ends once it has every value. */
  close(): void;
}

/**
 * What a thread's function receives besides its sender.
 *
 * @example A producer that stops when the receiver closes
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread, type ThreadContext } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<number>();
 * const thread = spawnThread((tx, thread: ThreadContext) => {
 *   try {
 *     for (let i = 0;; i++) {
 *       tx.send(i);
 *       thread.sleepSync(1);
 *     }
 *   } catch (error) {
 *     if (error instanceof thread.SendError) return `stopped: ${thread.stopped}`;
 *     throw error;
 *   }
 * }, tx);
 * assert.equal(await rx.recv(), 0);
 * assert.equal(await rx.recv(), 1);
 * rx.close();
 * assert.equal(await thread.join(), "stopped: true");
 * ```
 */
export interface ThreadContext {
  /**
   * Blocks the thread for `ms` milliseconds, Rust's `thread::sleep`. Values
   * sent so far are delivered first. It returns at once when the thread is
   * asked to stop (the receiver closed). Under a `TestClock` it waits for the
   * main thread's virtual time instead.
   *
   * @param ms How long, in ms (>= 0).
   * @throws {RangeError} If `ms` is negative, NaN or infinite.
   */
  sleepSync(ms: number): void;
  /** Whether the thread has been asked to stop (its receiver closed, or `stop()`). */
  readonly stopped: boolean;
  /**
   * The class of the errors `send` throws once the receiver is closed; an
   * inline function cannot import weft's, so it tests `error instanceof
   * thread.SendError`.
   */
  readonly SendError: typeof SendError;
}

/**
 * A thread's code: called in the worker with its sender, the thread context
 * and the extra `args`. It may be async; the thread ends when it returns (or
 * its promise settles).
 *
 * @typeParam T The values sent.
 * @typeParam A The extra arguments.
 * @typeParam R The result, handed to `join()` by structured clone.
 *
 * @example A typed thread function: values, arguments and result
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread, type ThreadFunction } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const countdown: ThreadFunction<number, [number], string> = (tx, _thread, from) => {
 *   for (let n = from; n > 0; n--) tx.send(n);
 *   return "liftoff";
 * };
 * const [tx, rx] = channel<number>();
 * const thread = spawnThread(countdown, tx, { args: [3] });
 * assert.deepStrictEqual(await Array.fromAsync(rx), [3, 2, 1]);
 * assert.equal(await thread.join(), "liftoff");
 * ```
 */
export type ThreadFunction<T, A extends unknown[] = [], R = void> = (
  tx: ThreadSender<T>,
  thread: ThreadContext,
  ...args: A
) => R | Promise<R>;

/**
 * Options of {@linkcode spawnThread}.
 *
 * @typeParam A The extra arguments.
 *
 * @example Give an inline function its data
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread, type SpawnThreadOptions } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const options: SpawnThreadOptions<[string[]]> = { args: [["a", "bb"]], name: "lengths" };
 * const [tx, rx] = channel<number>();
 * spawnThread((tx, _thread, words: string[]) => {
 *   for (const word of words) tx.send(word.length);
 * }, tx, options);
 * assert.deepStrictEqual(await Array.fromAsync(rx), [1, 2]);
 *
 * // Options are checked before a worker starts.
 * const [tx2] = channel<number>();
 * assert.throws(() => spawnThread(() => {}, tx2, { argv: [] } as never), TypeError);
 * ```
 */
export interface SpawnThreadOptions<A extends unknown[]> {
  /**
   * Extra arguments for the thread's function, after `(tx, thread)`; they
   * are structured-cloned (the way to give an inline function data).
   * @default {[]}
   */
  args?: A;
  /**
   * The worker's name, shown in its errors.
   * @default {"weft-thread"}
   */
  name?: string;
  /**
   * Limits of the thread's resources, in MB, as `node:worker_threads` takes
   * them (`maxOldGenerationSizeMb` is the heap limit). A thread that reaches
   * one fails with {@linkcode ThreadExited}; the main side goes on. Without
   * limits, a thread that exhausts the heap aborts the whole process.
   * @default {undefined}
   */
  resourceLimits?: ResourceLimits;
}

/**
 * The error a {@linkcode ThreadHandle} (and the thread's receiver, if still
 * open) fails with when the thread was terminated: by `terminate()`, or
 * because the `run()` it was spawned in finished.
 *
 * @example Recognise a terminated thread
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread, ThreadTerminated } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<number>();
 * const thread = spawnThread((tx, { sleepSync }) => sleepSync(60_000), tx);
 * thread.terminate();
 * await assert.rejects(thread.join(), ThreadTerminated);
 * await assert.rejects(rx.recv(), ThreadTerminated);
 * ```
 */
export class ThreadTerminated extends Error {
  /** Creates the error; `message` says why the thread was terminated. */
  constructor(message = "Cannot join: the thread was terminated") {
    super(message);
    this.name = "ThreadTerminated";
  }
}

/** Makes a thread's handle; set by ThreadHandle's static block (its constructor is private). */
let makeThreadHandle: <R>(thread: Thread) => ThreadHandle<R>;

/**
 * The error a {@linkcode ThreadHandle} (and the thread's receiver, if still
 * open) fails with when the thread's worker exited before the function
 * returned: it called `Deno.exit()` or `process.exit()`, or reached its heap
 * limit (`resourceLimits`). The receiver first yields every value the thread
 * handed over (`send` returned) before an exit; at a heap limit, values not
 * yet handed over are lost, and this error says so.
 *
 * @example A thread that exits
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread, ThreadExited } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<number>();
 * const thread = spawnThread((tx) => {
 *   tx.send(1);
 *   Deno.exit(3);
 * }, tx);
 * assert.equal(await rx.recv(), 1);
 * await assert.rejects(rx.recv(), ThreadExited);
 * const error = await thread.join().catch((e) => e);
 * assert.ok(error instanceof ThreadExited && error.code === 3);
 * ```
 */
export class ThreadExited extends Error {
  /** The worker's exit code. */
  readonly code: number;
  /** Creates the error for a worker that exited with `code`; `message` says why, if known. */
  constructor(code: number, cause?: unknown, message?: string) {
    super(message ?? `Cannot join: the thread exited before returning (code ${code})`, { cause });
    this.name = "ThreadExited";
    this.code = code;
  }
}

/**
 * A running thread, as returned by {@linkcode spawnThread}: Rust's
 * `JoinHandle` of `thread::spawn`.
 *
 * - `join()` resolves with what the function returned (cloned), or rejects
 *   with its error.
 * - `stop()` asks the thread to stop, as closing its receiver does.
 * - `terminate()` ends the worker: `join()` and the receiver (if still open)
 *   reject at once with {@linkcode ThreadTerminated} and the process no longer
 *   waits for the thread. Deno 2.9 cannot interrupt synchronous code: a
 *   thread spinning in a loop that never yields keeps running (and a core
 *   busy) until it yields or the process exits. Values the thread had sent
 *   but the main thread had not yet received are dropped.
 * - `await using` disposal stops the thread and waits for it to end.
 * - A thread that fails while nothing awaits `join()` and no receiver is left
 *   to see the error is reported on stderr (a `SendError` after the receiver
 *   closed is the normal way to stop and is not reported).
 *
 * @typeParam R The thread's result.
 *
 * @example Join a thread for its result
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * const thread = spawnThread((tx, _thread, count: number) => {
 *   for (let i = 0; i < count; i++) tx.send(`#${i}`);
 *   return count;
 * }, tx, { args: [2] });
 * assert.deepStrictEqual(await Array.fromAsync(rx), ["#0", "#1"]);
 * assert.equal(await thread.join(), 2);
 * ```
 */
export class ThreadHandle<R = void> implements AsyncDisposable {
  static {
    makeThreadHandle = <R>(thread: Thread) => new ThreadHandle<R>(thread);
  }

  /** The main-side state of the thread. */
  readonly #thread: Thread;

  private constructor(thread: Thread) {
    this.#thread = thread;
  }

  /**
   * Waits for the thread to end.
   *
   * @param options `signal` to stop waiting (the thread keeps running); the promise then rejects with `signal.reason`.
   * @returns The function's result, structured-cloned.
   * @throws The thread's error (as a rejection), rebuilt on the main thread; {@linkcode ThreadTerminated} if it was terminated.
   */
  join(options?: WaitOptions): Promise<R> {
    return joinUntil(this.#thread.join() as Promise<R>, options?.signal);
  }

  /** Asks the thread to stop: its `send` throws `SendError`, its `sleepSync` returns at once. */
  stop(): void {
    this.#thread.stop();
  }

  /** Ends the worker now, even mid-loop; `join()` rejects with {@linkcode ThreadTerminated}. Harmless once ended. */
  terminate(): void {
    this.#thread.terminate("Cannot join: the thread was terminated");
  }

  /** Whether the thread has ended (returned, failed or been terminated). */
  get isFinished(): boolean {
    return this.#thread.isFinished;
  }

  /** Stops the thread (as `stop()`) and waits until it has ended; never rejects. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#thread.stop();
    return this.#thread.ended();
  }
}

/**
 * Starts a thread (a `node:worker_threads` Worker) and moves `tx` into it, Rust's
 * `thread::spawn(move || ...)`.
 *
 * The thread's code is either:
 * - an inline function, sent as source (`Function.prototype.toString`): it
 *   must be self-contained. It cannot use variables or imports of the
 *   enclosing module (pass data through `options.args`, structured-cloned;
 *   use `thread.SendError` rather than an imported `SendError`), and `this`
 *   is not bound. No permission is needed.
 * - a module URL (`URL` or absolute URL string) whose default export is the
 *   function: `export default function (tx, thread, ...args) { ... }` (type it
 *   with {@linkcode ThreadFunction}). Loading it needs the permission its URL
 *   needs (`--allow-read` for a local file); a module that cannot be loaded
 *   makes `join()` and the receiver reject with the loader's error.
 *
 * A thread spawned inside `run()` is terminated when the run's main function
 * settles, as tokio's runtime ends with `main`.
 *
 * @typeParam T The values sent.
 * @typeParam A The extra arguments.
 * @typeParam R The thread's result.
 * @param thread The function, or the URL of a module whose default export it is.
 * @param tx The sender to move into the thread; the main side can no longer use it.
 * @param options Extra arguments and the worker's name.
 * @returns The thread's handle.
 * @throws {TypeError} If `thread` is not a function with readable source nor an absolute URL, if `tx` is not an open unbounded `Sender` (or was already moved), or if `args` cannot be cloned.
 *
 * @example A thread sends a value a second apart; async code prints them
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnThread } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<number>();
 * spawnThread((tx, { sleepSync }) => {
 *   for (let i = 1; i <= 3; i++) {
 *     tx.send(i);
 *     sleepSync(1);
 *   }
 * }, tx);
 * assert.throws(() => tx.send(0), /moved into a thread/);
 * const received: number[] = [];
 * for await (const value of rx) received.push(value);
 * assert.deepStrictEqual(received, [1, 2, 3]);
 * ```
 */
export function spawnThread<T, A extends unknown[] = [], R = void>(
  thread: ThreadFunction<T, A, R> | URL | string,
  tx: Sender<T>,
  options: SpawnThreadOptions<A> = {},
): ThreadHandle<R> {
  const code = threadCode(thread);
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `Cannot spawn the thread: options must be an object, got ${typeName(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!THREAD_OPTIONS.includes(key)) {
      throw new TypeError(
        `Cannot spawn the thread: unknown options key ${JSON.stringify(key)} (known: ${
          THREAD_OPTIONS.join(", ")
        })`,
      );
    }
  }
  if (tx instanceof BoundedSender) {
    throw new TypeError(
      "Cannot spawn the thread: only an unbounded channel's Sender can be moved into a thread",
    );
  }
  const args = options.args ?? [];
  if (!Array.isArray(args)) {
    throw new TypeError("Cannot spawn the thread: options.args must be an array");
  }
  const name = options.name ?? "weft-thread";
  if (typeof name !== "string") {
    throw new TypeError("Cannot spawn the thread: options.name must be a string");
  }
  const start = {
    ...code,
    args,
    name,
    terminated: (why: string) => new ThreadTerminated(why),
    site: new Error("spawned here"),
    exited: (code: number, cause: unknown, outOfMemory: boolean) =>
      new ThreadExited(
        code,
        cause,
        outOfMemory
          ? `Cannot join: the thread ran out of memory (resourceLimits), code ${code}`
          : undefined,
      ),
    resourceLimits: checkLimits(options.resourceLimits, "spawn the thread"),
  };
  return makeThreadHandle<R>(new Thread(start, tx));
}

/** The options `spawnThread` understands. */
const THREAD_OPTIONS = ["args", "name", "resourceLimits"];

function threadCode(thread: unknown): { source: string | undefined; url: string | undefined } {
  if (typeof thread === "function") {
    return { source: functionSource(thread, "spawn the thread"), url: undefined };
  }
  const url = moduleHref(thread);
  if (url !== undefined) return { source: undefined, url };
  throw new TypeError(
    `Cannot spawn the thread: expected a function or an absolute module URL, got ${
      typeName(thread)
    }`,
  );
}
