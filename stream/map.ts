/**
 * Internal: `map`, tokio-stream's `Map`. Each item goes through `f` as it is
 * pulled; nothing is buffered and no timing changes.
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

/** Applies `f` to each item. */
export class MapSource<T, U> implements Source<U> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The mapping. */
  readonly #f: (item: T) => U;

  constructor(source: Source<T>, f: (item: T) => U) {
    this.#source = source;
    this.#f = f;
  }

  poll(cx: Waker): Poll<U> {
    const item = this.#source.poll(cx);
    if (item === PENDING) return PENDING;
    if (item === DONE) return DONE;
    return this.#f(item);
  }

  drain(cx: Waker, sink: Sink<U>): DrainStatus {
    const f = this.#f;
    return drain(this.#source, cx, (item) => sink(f(item)));
  }

  close(): void {
    this.#source.close();
  }
}
