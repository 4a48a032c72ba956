/**
 * Internal: `timeoutRepeating`, tokio-stream's `TimeoutRepeating`.
 *
 * Like `timeout`, but an `Elapsed` is yielded every `ms` of silence, not once
 * per gap: the deadline is an interval that restarts at each item. The stream
 * ends when its source ends.
 *
 * @module
 */
import { DONE, now, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { Elapsed } from "../task.ts";
import { FuseSource } from "./fuse.ts";
import { Interval } from "./interval.ts";
import type { Result } from "./timeout.ts";

/** Yields an `Elapsed` for every `ms` without an item. */
export class TimeoutRepeatingSource<T> implements Source<Result<T, Elapsed>> {
  /** Upstream, fused. */
  readonly #source: FuseSource<T>;
  /** Ticks every `ms` of silence. */
  readonly #interval: Interval;

  constructor(source: Source<T>, ms: number) {
    this.#source = new FuseSource(source);
    this.#interval = new Interval(now() + ms, ms);
  }

  poll(cx: Waker): Poll<Result<T, Elapsed>> {
    const item = this.#source.poll(cx);
    if (item === DONE) return DONE;
    if (item !== PENDING) {
      this.#interval.reset();
      return { ok: true, value: item };
    }
    if (this.#interval.pollTick(cx) === undefined) return PENDING;
    return { ok: false, error: new Elapsed() };
  }

  close(): void {
    this.#interval.cancel();
    this.#source.close();
  }
}
