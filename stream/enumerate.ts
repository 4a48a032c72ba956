/**
 * Internal: `enumerate`, futures-util's `Enumerate`. Each item comes out as
 * `[index, item]`, counting from 0; nothing is buffered and no timing changes.
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

/** Pairs each item with its index. */
export class EnumerateSource<T> implements Source<[number, T]> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The index of the next item. */
  #count = 0;

  constructor(source: Source<T>) {
    this.#source = source;
  }

  poll(cx: Waker): Poll<[number, T]> {
    const item = this.#source.poll(cx);
    if (item === PENDING) return PENDING;
    if (item === DONE) return DONE;
    return [this.#count++, item];
  }

  drain(cx: Waker, sink: Sink<[number, T]>): DrainStatus {
    return drain(this.#source, cx, (item) => sink([this.#count++, item]));
  }

  close(): void {
    this.#source.close();
  }
}
