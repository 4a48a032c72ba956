/**
 * Internal: `Stream.mergeAll(streams)`, futures-util's `select_all` (a
 * `FuturesUnordered` of the streams' next items).
 *
 * - Each stream has its own waker: a stream is polled only after it woke
 *   (or at first), in the order the wakes came; a stream that yields goes to
 *   the back of that queue, so streams with items ready take turns.
 * - As `FuturesUnordered`, a poll that has polled as many streams as there
 *   were at its start, or seen two streams wake themselves while polled,
 *   wakes the consumer and is pending (it yields to other tasks).
 * - A stream that ends is closed at once; the merge ends when all have.
 * - On close, every stream still running is closed; on error (a stream
 *   throws), the consumer closes the merge and so every stream.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** One stream of the merge, and its waker. */
class Entry<T> implements Waker {
  /** The merge it belongs to. */
  readonly #owner: MergeAllSource<T>;
  /** The stream. */
  readonly source: Source<T>;
  /** Whether it is in the ready queue. */
  queued = true;
  /** Whether it was woken since its last poll began. */
  woken = false;

  constructor(owner: MergeAllSource<T>, source: Source<T>) {
    this.#owner = owner;
    this.source = source;
  }

  wake(): void {
    this.woken = true;
    if (this.queued) return;
    this.queued = true;
    this.#owner.ready(this);
  }
}

/** Merges any number of streams fairly. */
export class MergeAllSource<T> implements Source<T> {
  /** Streams to poll, in the order they became ready. */
  #queue: Entry<T>[] = [];
  /** Every stream not ended yet. */
  readonly #live = new Set<Entry<T>>();
  /** The consumer of the last poll. */
  #waker: Waker | null = null;

  constructor(sources: Iterable<Source<T>>) {
    for (const source of sources) {
      const entry = new Entry(this, source);
      this.#live.add(entry);
      this.#queue.push(entry);
    }
  }

  poll(cx: Waker): Poll<T> {
    this.#waker = cx;
    // One FuturesUnordered poll per round; an ended stream starts a new round, as select_all loops.
    for (;;) {
      const item = this.#round(cx);
      if (item !== DONE || this.#live.size === 0) return item;
    }
  }

  close(): void {
    this.#waker = null;
    this.#queue = [];
    const live = [...this.#live];
    this.#live.clear();
    for (const entry of live) entry.source.close();
  }

  /** An entry woke: queue it and wake the consumer. */
  ready(entry: Entry<T>): void {
    if (!this.#live.has(entry)) return;
    this.#queue.push(entry);
    this.#waker?.wake();
  }

  /** Returns an item, PENDING, or DONE when a stream ended (or none is left). */
  #round(cx: Waker): Poll<T> {
    const len = this.#live.size;
    let polled = 0;
    let yielded = 0;
    for (;;) {
      const entry = this.#queue.shift();
      if (entry === undefined) return this.#live.size === 0 ? DONE : PENDING;
      entry.queued = false;
      entry.woken = false;
      const item = entry.source.poll(entry);
      polled++;
      if (item === DONE) {
        this.#live.delete(entry);
        entry.source.close();
        return DONE;
      }
      if (item !== PENDING) {
        entry.queued = true;
        this.#queue.push(entry);
        return item;
      }
      if (entry.woken) yielded++;
      if (yielded >= 2 || polled === len) {
        cx.wake();
        return PENDING;
      }
    }
  }
}
