/**
 * Internal: `scan`, futures-util's `Scan` with a synchronous step.
 *
 * Each item goes through `f(acc, item)`; the result becomes the accumulator
 * and is yielded. When `f` returns `undefined` (Rust's `None`), the stream
 * ends at once and upstream is not pulled again. Nothing is buffered and no
 * timing changes; a throw of `f` ends the stream with that error.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Yields each new accumulator. */
export class ScanSource<T, A> implements Source<A> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The step. */
  readonly #f: (acc: A, item: T) => A | undefined;
  /** The accumulator. */
  #acc: A;
  /** Set once `f` returned undefined. */
  #done = false;

  constructor(source: Source<T>, init: A, f: (acc: A, item: T) => A | undefined) {
    this.#source = source;
    this.#acc = init;
    this.#f = f;
  }

  poll(cx: Waker): Poll<A> {
    if (this.#done) return DONE;
    const item = this.#source.poll(cx);
    if (item === PENDING) return PENDING;
    if (item === DONE) return DONE;
    const acc = this.#f(this.#acc, item);
    if (acc === undefined) {
      this.#done = true;
      return DONE;
    }
    this.#acc = acc;
    return acc;
  }

  close(): void {
    this.#source.close();
  }
}
