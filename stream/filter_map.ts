/**
 * Internal: `filterMap`, tokio-stream's `FilterMap`. `f` returns the new item,
 * or `undefined` to drop the item (Rust's `None`).
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

/** Maps each item and drops the `undefined` results. */
export class FilterMapSource<T, U> implements Source<U> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The mapping; undefined drops the item. */
  readonly #f: (item: T) => U | undefined;

  constructor(source: Source<T>, f: (item: T) => U | undefined) {
    this.#source = source;
    this.#f = f;
  }

  poll(cx: Waker): Poll<U> {
    for (;;) {
      const item = this.#source.poll(cx);
      if (item === PENDING) return PENDING;
      if (item === DONE) return DONE;
      const mapped = this.#f(item);
      if (mapped !== undefined) return mapped;
    }
  }

  drain(cx: Waker, sink: Sink<U>): DrainStatus {
    const f = this.#f;
    return drain(this.#source, cx, (item) => {
      const mapped = f(item);
      return mapped === undefined || sink(mapped);
    });
  }

  close(): void {
    this.#source.close();
  }
}
