/**
 * Internal: `flatten` and `flatMap`, futures-util's `Flatten` / `FlatMap`.
 *
 * - Pulls one inner stream from upstream (through `f` for `flatMap`) and
 *   yields all its items before pulling the next; inner streams run one at a
 *   time, never concurrently.
 * - An inner stream that ends is closed at once, and the next one is pulled
 *   in the same poll; the whole ends when upstream has ended and the last
 *   inner stream with it.
 * - On close (or an error from either level), the inner stream in use and
 *   upstream are closed.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Yields the items of each inner stream in turn. */
export class FlattenSource<S, T> implements Source<T> {
  /** Upstream: the inner streams (or what `f` makes them from). */
  readonly #source: Source<S>;
  /** Makes an inner stage of an upstream item. */
  readonly #open: (item: S) => Source<T>;
  /** The inner stream in use. */
  #inner: Source<T> | null = null;

  constructor(source: Source<S>, open: (item: S) => Source<T>) {
    this.#source = source;
    this.#open = open;
  }

  poll(cx: Waker): Poll<T> {
    for (;;) {
      const inner = this.#inner;
      if (inner !== null) {
        const item = inner.poll(cx);
        if (item !== DONE) return item;
        this.#inner = null;
        inner.close();
      }
      const next = this.#source.poll(cx);
      if (next === PENDING) return PENDING;
      if (next === DONE) return DONE;
      this.#inner = this.#open(next);
    }
  }

  close(): void {
    const inner = this.#inner;
    this.#inner = null;
    inner?.close();
    this.#source.close();
  }
}
