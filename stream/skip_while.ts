/**
 * Internal: `skipWhile`, tokio-stream's `SkipWhile`. Drops items while the
 * predicate holds; from the first failing item on, everything passes.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Drops items until `predicate` fails once. */
export class SkipWhileSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The test, until it fails once. */
  #predicate: ((item: T) => unknown) | null;

  constructor(source: Source<T>, predicate: (item: T) => unknown) {
    this.#source = source;
    this.#predicate = predicate;
  }

  poll(cx: Waker): Poll<T> {
    for (;;) {
      const item = this.#source.poll(cx);
      if (item === PENDING || item === DONE || this.#predicate === null) return item;
      if (!this.#predicate(item)) {
        this.#predicate = null;
        return item;
      }
    }
  }

  close(): void {
    this.#source.close();
  }
}
