/**
 * Internal: a FIFO ring buffer that grows by doubling. Pushing and shifting
 * allocate nothing while the capacity suffices.
 *
 * @module
 */

/** A growable circular FIFO queue. */
export class Queue<T> {
  /** Slots; length is a power of two. */
  #items: (T | undefined)[] = new Array(16);
  /** Index of the first item. */
  #head = 0;
  /** Number of items. */
  #size = 0;

  /** The number of queued items. */
  get length(): number {
    return this.#size;
  }

  /** Appends `item`. */
  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = item;
    this.#size++;
  }

  /** Appends `count` items of `values` from `start`, growing the ring at most once. */
  pushAll(values: ArrayLike<T>, start: number, count: number): void {
    while (this.#size + count > this.#items.length) this.#grow();
    const items = this.#items;
    const mask = items.length - 1;
    let at = (this.#head + this.#size) & mask;
    for (let i = start; i < start + count; i++) {
      items[at] = values[i];
      at = (at + 1) & mask;
    }
    this.#size += count;
  }

  /** Removes and returns the first item; the queue must not be empty. */
  shift(): T {
    const items = this.#items;
    const item = items[this.#head] as T;
    items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (items.length - 1);
    this.#size--;
    return item;
  }

  /**
   * Removes up to `max` items from the front, handing each to `sink` in order
   * until it returns false. Returns how many were removed, or `~removed`
   * (a negative number) when the sink asked to stop.
   */
  drainTo(sink: (item: T) => boolean, max: number): number {
    const items = this.#items;
    const mask = items.length - 1;
    const count = Math.min(max, this.#size);
    let head = this.#head;
    let taken = 0;
    let stopped = false;
    while (taken < count && !stopped) {
      const item = items[head] as T;
      items[head] = undefined;
      head = (head + 1) & mask;
      taken++;
      stopped = !sink(item);
    }
    this.#head = head;
    this.#size -= taken;
    return stopped ? ~taken : taken;
  }

  /** The first item without removing it; the queue must not be empty. */
  peek(): T {
    return this.#items[this.#head] as T;
  }

  /** Removes every item. */
  clear(): void {
    this.#items = new Array(16);
    this.#head = 0;
    this.#size = 0;
  }

  #grow(): void {
    const old = this.#items;
    const items: (T | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = items;
    this.#head = 0;
  }
}
