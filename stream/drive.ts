/**
 * Internal: the consuming side of a stream, what `Stream`'s consumers share
 * (`toArray`, `forEach`, `fold`, `any`, ... and `next()`).
 *
 * - `drive` pulls a pipeline to its end through a `Consumer`, handing each
 *   item to a callback that may go on (`undefined`), stop ({@linkcode STOP})
 *   or return a promise to wait for first. Whatever way it ends (done,
 *   stopped, failed, aborted), it closes the pipeline and settles once the
 *   pipeline's cleanups have.
 * - `pullOnce` takes one item and leaves the pipeline open at its end.
 * - `ended` turns a pull's result into what `Stream.next()` resolves with.
 *
 * @module
 */
import { Consumer } from "../_runtime/consumer.ts";
import { DONE, PENDING, type Source } from "../_runtime/poll.ts";
import type { WaitOptions } from "../_runtime/task_state.ts";

/** What a `drive` callback returns to stop the drive. */
export const STOP: unique symbol = Symbol("stop");

/** A `drive` callback that takes every item and does nothing with it. */
export function ignore(): undefined {
  return undefined;
}

/** Pulls `cursor` to its end, handing each item to `onItem`; closes it on every path. */
export async function drive<T>(
  cursor: Consumer<T>,
  signal: AbortSignal | undefined,
  onItem: (item: T) => unknown,
): Promise<void> {
  if (signal?.aborted) {
    cursor.close();
    throw signal.reason;
  }
  const abort = () => cursor.close();
  signal?.addEventListener("abort", abort);
  // What the last item's callback asked for: go on, stop, or wait for a promise.
  let stop = false;
  let awaiting: PromiseLike<unknown> | null = null;
  const sink = (item: T): boolean => {
    const outcome = onItem(item);
    if (outcome === undefined) return true;
    if (outcome === STOP) stop = true;
    else if (typeof (outcome as PromiseLike<unknown> | null)?.then === "function") {
      awaiting = outcome as PromiseLike<unknown>;
    }
    return !stop && awaiting === null;
  };
  try {
    for (;;) {
      let status: unknown = cursor.drain(sink);
      if (status === PENDING) {
        status = await cursor.wait();
        if (status !== DONE) sink(status as T);
      }
      if (stop || status === DONE) break;
      if (awaiting !== null) {
        const pending: PromiseLike<unknown> = awaiting;
        awaiting = null;
        await pending;
      }
    }
    if (signal?.aborted) throw signal.reason;
  } catch (error) {
    finish(cursor, signal, abort);
    // As `for await`: a failure of the cleanup does not hide the first one.
    await cursor.cleanedUp()?.catch(() => {});
    throw error;
  }
  finish(cursor, signal, abort);
  await cursor.cleanedUp();
}

function finish<T>(cursor: Consumer<T>, signal: AbortSignal | undefined, abort: () => void) {
  signal?.removeEventListener("abort", abort);
  cursor.close();
}

/** Pulls one item of `source` (which is not closed at its end). */
export async function pullOnce<T>(
  source: Source<T>,
  options?: WaitOptions,
): Promise<T | undefined> {
  let out: T | undefined;
  await drive(new Consumer(source), options?.signal, (item) => {
    out = item;
    return STOP;
  });
  return out;
}

/** A pull's result as `Stream.next()` gives it: undefined at the end, once cleanups have settled. */
export function ended<T>(
  cursor: Consumer<T>,
  result: T | typeof DONE,
): T | undefined | Promise<T | undefined> {
  if (result !== DONE) return result;
  const cleanup = cursor.cleanedUp();
  return cleanup === undefined ? undefined : cleanup.then(() => undefined);
}
