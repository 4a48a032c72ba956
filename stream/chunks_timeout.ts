/**
 * Internal: `chunksTimeout`, tokio-stream's `ChunksTimeout`.
 *
 * Gathers items into arrays of at most `maxSize`. A chunk is yielded when it
 * is full, when `ms` have passed since its first item (a partial chunk), or
 * when the source ends (the last, partial chunk). Items ready at once are all
 * gathered in one poll; no empty chunk is ever yielded.
 *
 * @module
 */
import { Delay, DONE, now, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { FuseSource } from "./fuse.ts";

/** Batches items by size and time. */
export class ChunksTimeoutSource<T> implements Source<T[]> {
  /** Upstream, fused. */
  readonly #source: FuseSource<T>;
  /** The largest chunk. */
  readonly #maxSize: number;
  /** How long a partial chunk may wait, in ms. */
  readonly #ms: number;
  /** Armed at a chunk's first item. */
  readonly #deadline: Delay;
  /** The chunk being gathered. */
  #items: T[] = [];

  constructor(source: Source<T>, maxSize: number, ms: number) {
    this.#source = new FuseSource(source);
    this.#maxSize = maxSize;
    this.#ms = ms;
    this.#deadline = new Delay(now() + ms);
  }

  poll(cx: Waker): Poll<T[]> {
    for (;;) {
      const item = this.#source.poll(cx);
      if (item === PENDING) break;
      if (item === DONE) return this.#items.length > 0 ? this.#take() : DONE;
      if (this.#items.length === 0) this.#deadline.reset(now() + this.#ms);
      this.#items.push(item);
      if (this.#items.length >= this.#maxSize) return this.#take();
    }
    if (this.#items.length > 0 && this.#deadline.poll(cx)) return this.#take();
    return PENDING;
  }

  close(): void {
    this.#deadline.cancel();
    this.#source.close();
  }

  #take(): T[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }
}
