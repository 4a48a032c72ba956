/**
 * Internal: the state of a `StreamMap`, tokio-stream's `StreamMap`.
 *
 * - A poll tries every stream once, starting one past where the previous
 *   poll started (tokio starts at a random index; weft rotates so timelines
 *   are deterministic), and yields the first item found as `[key, value]`.
 * - A stream that ends is closed and removed at once (tokio's
 *   `swap_remove`, with its cursor rule); the poll goes on with the others.
 * - Ends (DONE) whenever the map is empty; it is not fused: after an
 *   `insert`, it yields again.
 * - `insert`, `remove` and `clear` wake the consumer of the last pending
 *   poll, so a map being iterated sees its new streams (and its end) at once.
 *
 * @module
 */
import { DONE, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** The streams of a `StreamMap` and its poll. */
export class StreamMapState<K, V> implements Source<[K, V]> {
  /** `[key, stream]` pairs; a removal moves the last one into the gap. */
  readonly #entries: [K, Source<V>][] = [];
  /** Where the next poll starts (modulo the size). */
  #start = 0;
  /** The consumer of the last pending poll. */
  #waker: Waker | null = null;
  /** Whether a consumer (a stream or a `next()`) is reading the map. */
  busy = false;

  /** How many streams are in the map. */
  get size(): number {
    return this.#entries.length;
  }

  /** The keys, in the map's internal order. */
  keys(): K[] {
    return this.#entries.map(([key]) => key);
  }

  /** Whether `key` has a stream. */
  has(key: K): boolean {
    return this.#indexOf(key) >= 0;
  }

  /** Puts `source` under `key`; returns the stream it replaced (not closed). */
  insert(key: K, source: Source<V>): Source<V> | undefined {
    const index = this.#indexOf(key);
    let replaced: Source<V> | undefined;
    if (index >= 0) {
      replaced = this.#entries[index]![1];
      this.#entries[index] = [key, source];
    } else {
      this.#entries.push([key, source]);
    }
    this.#wake();
    return replaced;
  }

  /** Takes the stream under `key` out of the map (not closed). */
  remove(key: K): Source<V> | undefined {
    const index = this.#indexOf(key);
    if (index < 0) return undefined;
    const source = this.#swapRemove(index);
    this.#wake();
    return source;
  }

  /** Closes and removes every stream. */
  clear(): void {
    const entries = this.#entries.splice(0);
    this.#wake();
    for (const [, source] of entries) source.close();
  }

  poll(cx: Waker): Poll<[K, V]> {
    const entries = this.#entries;
    this.#waker = cx;
    if (entries.length === 0) return DONE;
    const start = this.#start++ % entries.length;
    let index = start;
    for (let tries = entries.length; tries > 0; tries--) {
      const [key, source] = entries[index]!;
      const item = source.poll(cx);
      if (item === PENDING) {
        index = (index + 1) % entries.length;
      } else if (item !== DONE) {
        return [key, item];
      } else {
        this.#swapRemove(index).close();
        // As tokio: wrap past the end; skip a stream moved in that was polled already.
        if (index === entries.length) index = 0;
        else if (index < start && start <= entries.length) index = (index + 1) % entries.length;
      }
    }
    return entries.length === 0 ? DONE : PENDING;
  }

  /**
   * Starts a read (a stream of the map, or one `next()`): one at a time.
   *
   * @throws {TypeError} If the map is already being read.
   */
  open(action: string): this {
    if (this.busy) throw new TypeError(`Cannot ${action}: the map is already being read`);
    this.busy = true;
    return this;
  }

  /** A read for one pull: ending it leaves the map open (tokio's `map.next().await`). */
  openPull(action: string): Source<[K, V]> {
    this.open(action);
    return { poll: (cx) => this.poll(cx), close: () => this.#endRead() };
  }

  /** Dropping the consumer's stream closes every stream in the map. */
  close(): void {
    this.#endRead();
    this.clear();
  }

  /** The read is over: the map is free again and no longer wakes its consumer. */
  #endRead(): void {
    this.busy = false;
    this.#waker = null;
  }

  #indexOf(key: K): number {
    return this.#entries.findIndex(([k]) => Object.is(k, key));
  }

  #swapRemove(index: number): Source<V> {
    const entries = this.#entries;
    const [, source] = entries[index]!;
    const last = entries.pop()!;
    if (index < entries.length) entries[index] = last;
    return source;
  }

  #wake(): void {
    const waker = this.#waker;
    this.#waker = null;
    waker?.wake();
  }
}
