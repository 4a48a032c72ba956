/**
 * Internal: `take`, tokio-stream's `Take`. Yields at most `n` items and ends at
 * the instant the n-th is yielded, without pulling the source again;
 * `take(0)` never pulls its source. The source is closed when the consumer
 * drops the pipeline.
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

/** Yields the first `n` items. */
export class TakeSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** Items still to yield. */
  #remaining: number;

  constructor(source: Source<T>, n: number) {
    this.#source = source;
    this.#remaining = n;
  }

  poll(cx: Waker): Poll<T> {
    if (this.#remaining === 0) return DONE;
    const item = this.#source.poll(cx);
    if (item === DONE) this.#remaining = 0;
    else if (item !== PENDING) this.#remaining--;
    return item;
  }

  drain(cx: Waker, sink: Sink<T>): DrainStatus {
    if (this.#remaining === 0) return DONE;
    let sinkStopped = false;
    const status = drain(this.#source, cx, (item) => {
      this.#remaining--;
      if (!sink(item)) sinkStopped = true;
      return !sinkStopped && this.#remaining > 0;
    });
    if (status === DONE) this.#remaining = 0;
    if (sinkStopped) return undefined;
    return this.#remaining === 0 ? DONE : status;
  }

  close(): void {
    this.#source.close();
  }
}
