/**
 * Internal: `takeWhile`, tokio-stream's `TakeWhile`. Yields items while the
 * predicate holds; the first failing item is dropped and the stream ends.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Yields items until `predicate` fails. */
export class TakeWhileSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The test. */
  readonly #predicate: (item: T) => unknown;
  /** Set once an item failed the test. */
  #done = false;

  constructor(source: Source<T>, predicate: (item: T) => unknown) {
    this.#source = source;
    this.#predicate = predicate;
  }

  poll(cx: Waker): Poll<T> {
    if (this.#done) return DONE;
    const item = this.#source.poll(cx);
    if (item === PENDING || item === DONE) return item;
    if (this.#predicate(item)) return item;
    this.#done = true;
    return DONE;
  }

  close(): void {
    this.#source.close();
  }
}
