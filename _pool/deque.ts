/**
 * Internal: a worker's deque of jobs, with the front taken in O(1): a burst
 * of tiny jobs queues thousands per worker, and `Array.prototype.shift`
 * moves every one of them on each take.
 *
 * @module
 */

/** A double-ended queue over an array whose taken front is skipped, then cut off. */
export class Deque<T> {
  /** The items, from `#head` on. */
  #items: (T | undefined)[] = [];
  /** The index of the front. */
  #head = 0;

  /** How many items it holds. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The item at `index` from the front (undefined out of range). */
  at(index: number): T | undefined {
    return index < 0 || index >= this.length ? undefined : this.#items[this.#head + index];
  }

  /** Adds `item` at the back. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** Takes the front, or undefined when empty. */
  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) this.#clear();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) this.#compact();
    return item;
  }

  /** Takes the back, or undefined when empty. */
  pop(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items.pop();
    if (this.#head === this.#items.length) this.#clear();
    return item;
  }

  /** Removes `item`; false if it is not there. */
  remove(item: T): boolean {
    const at = this.#items.indexOf(item, this.#head);
    if (at < 0) return false;
    this.#items.splice(at, 1);
    if (this.#head === this.#items.length) this.#clear();
    return true;
  }

  /** Takes the first `count` items (fewer if it holds fewer). */
  takeFront(count: number): T[] {
    const taken = this.#items.slice(this.#head, this.#head + count) as T[];
    this.#items = this.#items.slice(this.#head + taken.length);
    this.#head = 0;
    return taken;
  }

  /** Puts `items` back at the front, in their order. */
  putFront(items: readonly T[]): void {
    if (items.length === 0) return;
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** The items that `match`, front to back. */
  filter(match: (item: T) => boolean): T[] {
    return (this.#items.slice(this.#head) as T[]).filter(match);
  }

  /** The items, front to back. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as T;
  }

  #clear(): void {
    this.#items = [];
    this.#head = 0;
  }

  #compact(): void {
    this.#items = this.#items.slice(this.#head);
    this.#head = 0;
  }
}
