/**
 * Internal: the small sources `Stream.once(v)`, `Stream.empty()` and
 * `Stream.pending()`, tokio-stream's `once`, `empty` and `pending`.
 *
 * - `once`: its one item is ready at the first poll; the next poll ends it.
 * - `empty`: ends at the first poll.
 * - `pending`: never yields, never ends and never wakes its consumer; it
 *   holds nothing, so dropping it leaves nothing behind.
 *
 * None of them spends the consumer's coop budget (tokio-stream 0.1.9's do not).
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Yields one item, then ends. */
export class OnceSource<T> implements Source<T> {
  /** Whether the item was yielded (or the source closed). */
  #spent = false;
  /** The item. */
  readonly #item: T;

  constructor(item: T) {
    this.#item = item;
  }

  poll(_cx: Waker): Poll<T> {
    if (this.#spent) return DONE;
    this.#spent = true;
    return this.#item;
  }

  close(): void {
    this.#spent = true;
  }
}

/** Ends at once. */
export class EmptySource implements Source<never> {
  poll(_cx: Waker): Poll<never> {
    return DONE;
  }

  close(): void {}
}

/** Never yields and never ends. */
export class PendingSource implements Source<never> {
  poll(_cx: Waker): Poll<never> {
    return PENDING;
  }

  close(): void {}
}
