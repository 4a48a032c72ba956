/**
 * Internal: the core of `race` and `select` (tokio's `select!` with
 * `biased;`).
 *
 * Every future is started first (functions are called with a fresh signal),
 * then each is subscribed to with `then`, in argument order, directly on the
 * future (never through `Promise.resolve`, which would add turns for a
 * thenable): futures that are already settled have their reactions queued in
 * that order, so among them the first in argument order wins. The first to
 * settle decides; every other one is cancelled (an `abort()` method is called,
 * a function's signal is aborted); a plain promise is left to finish
 * unobserved.
 *
 * @module
 */

/** A started future and how to cancel it. */
export interface Launched<T> {
  /** Settles like the future. */
  readonly promise: PromiseLike<T>;
  /** Cancels the future with `reason` (does nothing for a plain promise). */
  cancel(reason: unknown): void;
  /** Drops a value that came after the race was decided (see {@linkcode dropLate}). */
  discard(value: T): void;
}

/** What `race` and `select` accept: an awaitable (maybe abortable) or a function given a signal. */
export type Future<T> =
  | PromiseLike<T>
  | (PromiseLike<T> & { abort(reason?: unknown): void })
  | ((signal: AbortSignal) => PromiseLike<T> | T);

/**
 * The value a future of `race` or `select` settles with (a function's, once awaited).
 *
 * @typeParam F The future: a promise, a task handle, or a function given a signal.
 *
 * @example The type of a function's result, awaited
 * ```ts
 * import { race, type Settled, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const lookup = (signal: AbortSignal) => sleep(1, { signal }).then(() => "weft");
 * const slow = (signal: AbortSignal) => sleep(1_000, { signal }).then(() => "too late");
 * const name: Settled<typeof lookup> = await race(lookup, slow);
 * assert.equal(name, "weft");
 * ```
 */
export type Settled<F> = F extends (signal: AbortSignal) => infer R ? Awaited<R> : Awaited<F>;

/** Throws a TypeError unless `future` is a function or a thenable. */
export function checkFuture(future: unknown, action: string): void {
  if (typeof future === "function") return;
  if (typeof future !== "object" || future === null) throw notAFuture(action);
  if (typeof (future as PromiseLike<unknown>).then !== "function") throw notAFuture(action);
}

function notAFuture(action: string): TypeError {
  return new TypeError(`Cannot ${action}: expected a promise, a JoinHandle or a function`);
}

/** Starts `future` (checked already). */
export function launch<T>(future: Future<T>): Launched<T> {
  if (typeof future === "function") return launchFunction(future);
  const abort = (future as { abort?: unknown }).abort;
  if (typeof abort === "function") {
    return { promise: future, cancel: (reason) => abort.call(future, reason), discard: keep };
  }
  return { promise: future, cancel: () => {}, discard: keep };
}

function launchFunction<T>(fn: (signal: AbortSignal) => PromiseLike<T> | T): Launched<T> {
  const controller = new AbortController();
  let result: PromiseLike<T> | T;
  try {
    result = fn(controller.signal);
  } catch (error) {
    result = Promise.reject(error);
  }
  const promise = isThenable(result) ? result : Promise.resolve(result);
  return {
    promise: promise as PromiseLike<T>,
    cancel: (reason) => controller.abort(reason),
    discard: dropLate,
  };
}

/** Leaves a late value alone: whoever holds the promise may still use it. */
function keep(): void {}

/**
 * Drops a late value of a function future, as Rust drops the losing branch of
 * `select!`: nobody else can reach it, so a `Disposable` one (a semaphore
 * permit, a mutex guard) is disposed instead of leaking what it holds.
 */
export function dropLate(value: unknown): void {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return;
  const dispose = (value as Partial<Disposable>)[Symbol.dispose];
  if (typeof dispose === "function") dispose.call(value);
}

/** Whether `value` has a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function";
}

/** The winner of a race: its position and its value. */
export interface Won<T> {
  /** Its position among the futures. */
  readonly index: number;
  /** What it resolved with. */
  readonly value: T;
}

/**
 * Races started futures: resolves with the first to fulfil (or rejects with
 * the first to fail) and cancels every other one with `loserReason()`. When
 * `signal` aborts first, every future is cancelled with its reason and the
 * race rejects with it.
 */
export function raceLaunched<T>(
  futures: readonly Launched<T>[],
  loserReason: () => unknown,
  signal?: AbortSignal,
): Promise<Won<T>> {
  return new Promise<Won<T>>((resolve, reject) => {
    let decided = false;
    const onAbort = () => decide(-1, () => reject(signal!.reason), () => signal!.reason);
    const decide = (winner: number, settle: () => void, reasonOf: () => unknown) => {
      if (decided) return;
      decided = true;
      signal?.removeEventListener("abort", onAbort);
      const reason = reasonOf();
      futures.forEach((future, i) => {
        if (i !== winner) future.cancel(reason);
      });
      settle();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort);
    futures.forEach((future, index) => {
      future.promise.then(
        (value) => {
          if (decided) future.discard(value);
          else decide(index, () => resolve({ index, value }), loserReason);
        },
        (error) => decide(index, () => reject(error), loserReason),
      );
    });
  });
}
