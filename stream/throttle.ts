/**
 * Internal: `throttle`, tokio-stream's `Throttle`.
 *
 * It delays, it never drops. The first item passes as soon as it is
 * available. After each item the stage waits `ms` before it pulls the source
 * again, so a later item is yielded no sooner than `ms` after the previous
 * one; items that arrive meanwhile wait upstream (in the channel), and the end
 * of the source is also noticed only after the wait. `ms = 0` passes through.
 *
 * @module
 */
import { Delay, now, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { DONE, PENDING } from "../_runtime/poll.ts";

/** Spaces items at least `ms` apart. */
export class ThrottleSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The spacing in ms. */
  readonly #ms: number;
  /** The wait after the last item; keeps its waker across resets, as tokio's `Sleep`. */
  readonly #delay: Delay;
  /** True when the source may be pulled without waiting. */
  #hasDelayed = true;

  constructor(source: Source<T>, ms: number) {
    this.#source = source;
    this.#ms = ms;
    this.#delay = new Delay(now() + ms);
  }

  poll(cx: Waker): Poll<T> {
    if (!this.#hasDelayed && this.#ms > 0) {
      if (!this.#delay.poll(cx)) return PENDING;
      this.#hasDelayed = true;
    }
    const item = this.#source.poll(cx);
    if (item === PENDING || item === DONE) return item;
    if (this.#ms > 0) this.#delay.reset(now() + this.#ms);
    this.#hasDelayed = false;
    return item;
  }

  close(): void {
    this.#delay.cancel();
    this.#source.close();
  }
}
