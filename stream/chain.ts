/**
 * Internal: `chain`, tokio-stream's `Chain`. Yields every item of the first
 * stream, then of the second; the first is closed when it ends, the second
 * is not pulled before that.
 *
 * @module
 */
import { DONE, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { FuseSource } from "./fuse.ts";

/** The first stream, then the second. */
export class ChainSource<T, U> implements Source<T | U> {
  /** The first stream, fused. */
  readonly #first: FuseSource<T>;
  /** The second stream. */
  readonly #second: Source<U>;

  constructor(first: Source<T>, second: Source<U>) {
    this.#first = new FuseSource(first);
    this.#second = second;
  }

  poll(cx: Waker): Poll<T | U> {
    const item = this.#first.poll(cx);
    if (item !== DONE) return item;
    return this.#second.poll(cx);
  }

  close(): void {
    this.#first.close();
    this.#second.close();
  }
}
