/**
 * Internal: `chunks(n)` and `readyChunks(n)`, futures-util's `Chunks` and
 * `ReadyChunks`.
 *
 * - `chunks`: gathers items into arrays of `n`; waits (pending) for the
 *   chunk to fill, however long that takes; when upstream ends, the partial
 *   last chunk is yielded.
 * - `readyChunks`: gathers what is ready now, up to `n`: a poll that finds
 *   upstream pending yields the partial chunk at once, if it has any item.
 * - No empty chunk is ever yielded. On close, the items gathered are dropped.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Batches items by count. */
export class ChunksSource<T> implements Source<T[]> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The largest chunk. */
  readonly #size: number;
  /** Whether a pending upstream flushes a partial chunk (`readyChunks`). */
  readonly #ready: boolean;
  /** The chunk being gathered. */
  #items: T[] = [];

  constructor(source: Source<T>, size: number, ready: boolean) {
    this.#source = source;
    this.#size = size;
    this.#ready = ready;
  }

  poll(cx: Waker): Poll<T[]> {
    for (;;) {
      const item = this.#source.poll(cx);
      if (item === PENDING) return this.#ready && this.#items.length > 0 ? this.#take() : PENDING;
      if (item === DONE) return this.#items.length > 0 ? this.#take() : DONE;
      this.#items.push(item);
      if (this.#items.length >= this.#size) return this.#take();
    }
  }

  close(): void {
    this.#items = [];
    this.#source.close();
  }

  #take(): T[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }
}
