/**
 * Internal: `peekable()`, tokio-stream's `Peekable` with futures-util's
 * `next_if`.
 *
 * - `peek` pulls the next item into a one-item slot without consuming it; the
 *   next poll (or `peek`) returns the slot's item first.
 * - Polls through the slot are otherwise those of upstream: same timing, and
 *   the end is seen as upstream's.
 * - On close, the peeked item is dropped with upstream.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** A slot holding nothing. */
const EMPTY: unique symbol = Symbol("empty");

/** A stream with a one-item look-ahead. */
export class PeekableSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The peeked item, or EMPTY; DONE once upstream was seen to end by a peek. */
  #slot: T | typeof EMPTY | typeof DONE = EMPTY;

  constructor(source: Source<T>) {
    this.#source = source;
  }

  /** Polls for the next item and keeps it in the slot; returns it (or PENDING / DONE). */
  peek(cx: Waker): Poll<T> {
    const slot = this.#slot;
    if (slot !== EMPTY) return slot;
    const item = this.#source.poll(cx);
    if (item !== PENDING) this.#slot = item;
    return item;
  }

  /** Empties the slot (its item was taken by `nextIf`). */
  takeSlot(): void {
    if (this.#slot !== DONE) this.#slot = EMPTY;
  }

  poll(cx: Waker): Poll<T> {
    const slot = this.#slot;
    if (slot === EMPTY) return this.#source.poll(cx);
    if (slot !== DONE) this.#slot = EMPTY;
    return slot;
  }

  close(): void {
    this.#slot = EMPTY;
    this.#source.close();
  }
}
