/**
 * Internal: `filter`, tokio-stream's `Filter`. Items failing the predicate
 * are dropped; the stage keeps pulling until one passes or upstream is
 * pending.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_poll.ts";

/** Keeps the items for which `predicate` is true. */
export class FilterSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The test. */
  readonly #predicate: (item: T) => unknown;

  constructor(source: Source<T>, predicate: (item: T) => unknown) {
    this.#source = source;
    this.#predicate = predicate;
  }

  poll(cx: Waker): Poll<T> {
    for (;;) {
      const item = this.#source.poll(cx);
      if (item === PENDING || item === DONE) return item;
      if (this.#predicate(item)) return item;
    }
  }

  close(): void {
    this.#source.close();
  }
}
