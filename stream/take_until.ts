/**
 * Internal: `takeUntil(future)`, futures-util's `TakeUntil`.
 *
 * - Each poll first looks at the future: once it has fulfilled, the stream
 *   ends (upstream is closed) before pulling another item; an item already
 *   yielded is not taken back.
 * - At an instant: the future's settlement is seen at the first poll after
 *   its promise callbacks ran. tokio polls the future inside the stream's
 *   poll, so where an item and the future's deadline fall on one instant
 *   (a `sleep` promise), tokio ends first and weft yields the item first.
 * - If the future rejects, the stream ends with that error.
 * - If upstream ends first, the future is left alone (nothing waits on it).
 *
 * @module
 */
import { DONE, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

const WAITING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/**
 * What the future's callbacks hold: the settlement and whom to wake, never
 * the stage, so a stream dropped while its future is pending (a shutdown
 * promise shared by many streams) does not stay reachable through it.
 */
class Watch {
  /** WAITING, FULFILLED or REJECTED. */
  status = WAITING;
  /** The rejection, if any. */
  error: unknown = undefined;
  /** Whom to wake when the future settles. */
  waker: Waker | null = null;

  settle(status: number, error: unknown): void {
    this.status = status;
    this.error = error;
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }
}

/** Yields items until a future settles. */
export class TakeUntilSource<T> implements Source<T> {
  /** Upstream. */
  readonly #source: Source<T>;
  /** The future's settlement. */
  readonly #watch = new Watch();
  /** Set once the stream has ended (by the future or upstream). */
  #done = false;

  constructor(source: Source<T>, future: PromiseLike<unknown>) {
    this.#source = source;
    const watch = this.#watch;
    future.then(
      () => watch.settle(FULFILLED, undefined),
      (error) => watch.settle(REJECTED, error),
    );
  }

  poll(cx: Waker): Poll<T> {
    if (this.#done) return DONE;
    const watch = this.#watch;
    if (watch.status !== WAITING) {
      this.#done = true;
      this.#source.close();
      if (watch.status === REJECTED) throw watch.error;
      return DONE;
    }
    watch.waker = cx;
    const item = this.#source.poll(cx);
    if (item === DONE) this.#done = true;
    return item;
  }

  close(): void {
    this.#watch.waker = null;
    this.#done = true;
    this.#source.close();
  }
}
