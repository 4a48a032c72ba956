/**
 * Internal: `skip`, tokio-stream's `Skip`. Drops the first `n` items as they
 * arrive, then passes everything through.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Drops the first `n` items. */
export class SkipSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** Items still to drop. */
  #remaining: number;

  constructor(source: Source<T>, n: number) {
    this.#source = source;
    this.#remaining = n;
  }

  poll(cx: Waker): Poll<T> {
    for (;;) {
      const item = this.#source.poll(cx);
      if (item === PENDING || item === DONE || this.#remaining === 0) return item;
      this.#remaining--;
    }
  }

  close(): void {
    this.#source.close();
  }
}
