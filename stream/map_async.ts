/**
 * Internal: `mapAsync(f, { concurrency, ordered })`, futures-util's
 * `map(f).buffered(n)` / `.buffer_unordered(n)` in one call; with the
 * defaults (one at a time, in order) it is tokio-stream's `then`.
 *
 * `f(item, { signal })` is called when the item is pulled, which happens
 * only while fewer than `concurrency` results are held; `signal` aborts when
 * the stream is dropped (or another item failed) before the result was
 * yielded. A plain (non-promise) result is ready at once; a throw is that
 * item's error. Timing, order and errors are those of {@link BufferedSource}
 * (ordered) and {@link BufferUnorderedSource} (unordered).
 *
 * @module
 */
import type { Source } from "../_runtime/poll.ts";
import { BufferUnorderedSource } from "./buffer_unordered.ts";
import { BufferedSource } from "./buffered.ts";
import type { Job } from "./job.ts";

/** What `mapAsync` hands to its function beside the item. */
export interface MapAsyncContext {
  /** Aborts when the result is no longer wanted (the stream was dropped, or another item failed). */
  readonly signal: AbortSignal;
}

/** The async mapping of `mapAsync`. */
export type AsyncMapper<T, U> = (item: T, context: MapAsyncContext) => U | PromiseLike<U>;

/** Makes the stage of `mapAsync`: at most `limit` calls of `f` in flight. */
export function mapAsyncSource<T, U>(
  source: Source<T>,
  f: AsyncMapper<T, U>,
  limit: number,
  ordered: boolean,
): Source<U> {
  const start = (job: Job<U>, item: T) => job.run(f, item);
  return ordered
    ? new BufferedSource(source, limit, start)
    : new BufferUnorderedSource(source, limit, start);
}
