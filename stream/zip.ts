/**
 * Internal: `zip`, futures-util's `Zip`.
 *
 * - Each poll pulls whichever side has no item waiting, both sides in one
 *   poll; a pair is yielded once both have one.
 * - Ends as soon as either side has ended (even with an item of the other
 *   side waiting: it is dropped); each side is closed when it ends, and both
 *   when the zip ends or is closed.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { FuseSource } from "./fuse.ts";

/** A slot holding nothing. */
const EMPTY: unique symbol = Symbol("empty");

/** Pairs the items of two streams. */
export class ZipSource<T, U> implements Source<[T, U]> {
  /** The left stream, fused. */
  readonly #a: FuseSource<T>;
  /** The right stream, fused. */
  readonly #b: FuseSource<U>;
  /** A left item waiting for its pair. */
  #left: T | typeof EMPTY = EMPTY;
  /** A right item waiting for its pair. */
  #right: U | typeof EMPTY = EMPTY;

  constructor(a: Source<T>, b: Source<U>) {
    this.#a = new FuseSource(a);
    this.#b = new FuseSource(b);
  }

  poll(cx: Waker): Poll<[T, U]> {
    if (this.#left === EMPTY) this.#left = take(this.#a.poll(cx));
    if (this.#right === EMPTY) this.#right = take(this.#b.poll(cx));
    const left = this.#left;
    const right = this.#right;
    if (left !== EMPTY && right !== EMPTY) {
      this.#left = this.#right = EMPTY;
      return [left, right];
    }
    if (this.#a.ended || this.#b.ended) {
      this.close();
      return DONE;
    }
    return PENDING;
  }

  close(): void {
    this.#left = this.#right = EMPTY;
    this.#a.close();
    this.#b.close();
  }
}

function take<T>(item: Poll<T>): T | typeof EMPTY {
  return item === PENDING || item === DONE ? EMPTY : item;
}
