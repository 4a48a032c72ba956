/**
 * Internal: `mapAsync`, tokio-stream's `then`. Pulls one item, runs `f` on
 * it and yields its result once it settles; the source is not pulled while a
 * result is pending (one at a time, order kept). A rejection ends the stream
 * with that error.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

type Settled<U> = { ok: true; value: U } | { ok: false; error: unknown };

/** Maps each item through an async function, one at a time. */
export class MapAsyncSource<T, U> implements Source<U> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The async mapping. */
  readonly #f: (item: T) => U | PromiseLike<U>;
  /** Whether a result is pending. */
  #inFlight = false;
  /** A settled result not yet yielded. */
  #ready: Settled<U> | null = null;
  /** Whom to wake when the pending result settles. */
  #waker: Waker | null = null;
  /** Set on close, so late settlements are ignored. */
  #closed = false;

  constructor(source: Source<T>, f: (item: T) => U | PromiseLike<U>) {
    this.#source = source;
    this.#f = f;
  }

  poll(cx: Waker): Poll<U> {
    const ready = this.#ready;
    if (ready !== null) {
      this.#ready = null;
      if (ready.ok) return ready.value;
      throw ready.error;
    }
    this.#waker = cx;
    if (this.#inFlight) return PENDING;
    const item = this.#source.poll(cx);
    if (item === PENDING) return PENDING;
    if (item === DONE) return DONE;
    const result = this.#f(item);
    if (!isThenable(result)) return result;
    this.#inFlight = true;
    result.then(
      (value) => this.#settle({ ok: true, value }),
      (error) => this.#settle({ ok: false, error }),
    );
    return PENDING;
  }

  close(): void {
    this.#closed = true;
    this.#waker = null;
    this.#source.close();
  }

  #settle(settled: Settled<U>): void {
    this.#inFlight = false;
    if (this.#closed) return;
    this.#ready = settled;
    const waker = this.#waker;
    this.#waker = null;
    waker?.wake();
  }
}

function isThenable<U>(value: U | PromiseLike<U>): value is PromiseLike<U> {
  return typeof (value as PromiseLike<U> | null)?.then === "function";
}
