/**
 * Internal: `mapWhile`, tokio-stream's `MapWhile`. Each item goes through
 * `f`; the first `undefined` (Rust's `None`) ends the stream at once, and
 * upstream is never pulled again.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Maps items until `f` returns undefined. */
export class MapWhileSource<T, U> implements Source<U> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The mapping. */
  readonly #f: (item: T) => U | undefined;
  /** Set once `f` returned undefined. */
  #done = false;

  constructor(source: Source<T>, f: (item: T) => U | undefined) {
    this.#source = source;
    this.#f = f;
  }

  poll(cx: Waker): Poll<U> {
    if (this.#done) return DONE;
    const item = this.#source.poll(cx);
    if (item === PENDING) return PENDING;
    if (item === DONE) return DONE;
    const mapped = this.#f(item);
    if (mapped !== undefined) return mapped;
    this.#done = true;
    return DONE;
  }

  close(): void {
    this.#source.close();
  }
}
