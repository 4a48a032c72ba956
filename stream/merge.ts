/**
 * Internal: `merge`, tokio-stream's `Merge`.
 *
 * Items come from either stream as they become ready. Each poll flips which
 * side is polled first, including polls that find nothing, so when both sides
 * have items they alternate exactly as in tokio. Each side is fused: a side
 * that ends is closed at once; the merge ends when both have ended.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { FuseSource } from "./fuse.ts";

/** Interleaves two streams. */
export class MergeSource<T, U> implements Source<T | U> {
  /** The receiver's own stream, fused. */
  readonly #a: FuseSource<T>;
  /** The other stream, fused. */
  readonly #b: FuseSource<U>;
  /** Whether the next poll tries `a` first. */
  #aFirst = true;

  constructor(a: Source<T>, b: Source<U>) {
    this.#a = new FuseSource(a);
    this.#b = new FuseSource(b);
  }

  poll(cx: Waker): Poll<T | U> {
    const aFirst = this.#aFirst;
    this.#aFirst = !aFirst;
    return aFirst ? pollBoth(this.#a, this.#b, cx) : pollBoth(this.#b, this.#a, cx);
  }

  close(): void {
    this.#a.close();
    this.#b.close();
  }
}

function pollBoth<T, U>(first: Source<T>, second: Source<U>, cx: Waker): Poll<T | U> {
  const one = first.poll(cx);
  if (one !== PENDING && one !== DONE) return one;
  const two = second.poll(cx);
  if (two !== PENDING && two !== DONE) return two;
  return one === DONE && two === DONE ? DONE : PENDING;
}
