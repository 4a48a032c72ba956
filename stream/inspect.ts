/**
 * Internal: `inspect`, futures-util's `Inspect`. Calls `f(item)` as each
 * item passes, then passes it on unchanged; nothing is buffered and no
 * timing changes. A throw of `f` ends the stream with that error.
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

/** Looks at each item on its way. */
export class InspectSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The callback. */
  readonly #f: (item: T) => unknown;

  constructor(source: Source<T>, f: (item: T) => unknown) {
    this.#source = source;
    this.#f = f;
  }

  poll(cx: Waker): Poll<T> {
    const item = this.#source.poll(cx);
    if (item !== PENDING && item !== DONE) this.#f(item);
    return item;
  }

  drain(cx: Waker, sink: Sink<T>): DrainStatus {
    const f = this.#f;
    return drain(this.#source, cx, (item) => {
      f(item);
      return sink(item);
    });
  }

  close(): void {
    this.#source.close();
  }
}
