/**
 * Internal: `filter`, tokio-stream's `Filter`. Items failing the predicate
 * are dropped; the stage keeps pulling until one passes or upstream is
 * pending.
 *
 * @module
 */
import {
  DONE,
  drain,
  type DrainStatus,
  PENDING,
  type Poll,
  type Sink,
  type Source,
  type Waker,
} from "../_runtime/poll.ts";

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

  drain(cx: Waker, sink: Sink<T>): DrainStatus {
    const predicate = this.#predicate;
    return drain(this.#source, cx, (item) => !predicate(item) || sink(item));
  }

  close(): void {
    this.#source.close();
  }
}
