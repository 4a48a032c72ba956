/**
 * Internal: tokio's `Interval` (missed ticks burst), the clock behind
 * `interval()` and `timeoutRepeating()`.
 *
 * A tick is due at `start`, then every `period` after the previous due time;
 * ticks missed while nobody polled fire back to back. `reset()` moves the next
 * tick to now + `period`.
 *
 * @module
 */
import { Delay, now, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** A periodic deadline. */
export class Interval {
  /** Fires at the next tick (rounded up to a whole ms). */
  readonly #delay: Delay;
  /** The next tick's exact due time, possibly fractional. */
  #due: number;
  /** The period in ms. */
  readonly #period: number;

  constructor(start: number, period: number) {
    this.#delay = new Delay(start);
    this.#due = start;
    this.#period = period;
  }

  /** Returns the due time of a tick that has come, else undefined (and `cx` will be woken). */
  pollTick(cx: Waker): number | undefined {
    if (!this.#delay.poll(cx)) return undefined;
    const due = this.#due;
    this.#due = due + this.#period;
    this.#delay.reset(this.#due);
    return due;
  }

  /** Moves the next tick to now + period. */
  reset(): void {
    this.#due = now() + this.#period;
    this.#delay.reset(this.#due);
  }

  /** Stops the interval. */
  cancel(): void {
    this.#delay.cancel();
  }
}

/** tokio's `IntervalStream`: yields each tick's due time (ms since the epoch). */
export class IntervalSource implements Source<number> {
  /** The clock. */
  readonly #interval: Interval;

  constructor(period: number) {
    this.#interval = new Interval(now(), period);
  }

  poll(cx: Waker): Poll<number> {
    return this.#interval.pollTick(cx) ?? PENDING;
  }

  close(): void {
    this.#interval.cancel();
  }
}
