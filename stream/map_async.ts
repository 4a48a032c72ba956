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

/**
 * What `mapAsync` hands to its function beside the item.
 *
 * @example Calls still in flight are aborted when the stream is dropped
 * ```ts
 * import { type MapAsyncContext, Stream } from "@weft/weft/stream";
 * import { sleep } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const aborted: number[] = [];
 * async function slowSquare(n: number, { signal }: MapAsyncContext): Promise<number> {
 *   signal.addEventListener("abort", () => aborted.push(n));
 *   await sleep(10 * n, { signal });
 *   return n * n;
 * }
 * const first = Stream.iter([1, 2, 3]).mapAsync(slowSquare, { concurrency: 3 }).take(1).toArray();
 * await clock.tick(50);
 * assert.deepStrictEqual(await first, [1]);
 * assert.deepStrictEqual(aborted, [2, 3]);
 * ```
 */
export interface MapAsyncContext {
  /** Aborts when the result is no longer wanted (the stream was dropped, or another item failed). */
  readonly signal: AbortSignal;
}

/**
 * The async mapping of `mapAsync` (and `forEachConcurrent`): called with the
 * item and a {@linkcode MapAsyncContext}; it may return a plain value (ready
 * at once) or a promise.
 *
 * @typeParam T The items.
 * @typeParam U The results.
 *
 * @example A cached lookup: hits at once, misses after a wait
 * ```ts
 * import { type AsyncMapper, Stream } from "@weft/weft/stream";
 * import { sleep } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const cache = new Map([["a", 1]]);
 * const lookup: AsyncMapper<string, number> = (key, { signal }) =>
 *   cache.get(key) ?? sleep(10, { signal }).then(() => key.length);
 * const seen: [number, number][] = [];
 * const done = Stream.iter(["a", "bcd"]).mapAsync(lookup)
 *   .forEach((n) => seen.push([clock.elapsed, n]));
 * await clock.tick(20);
 * await done;
 * assert.deepStrictEqual(seen, [[0, 1], [10, 3]]);
 * ```
 */
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
