/**
 * Internal: a FIFO queue of fixed-size segments. Pushing copies nothing when
 * the queue grows (a new segment is chained on), a drained segment is kept
 * for the next one needed, and a queue that empties after a burst gives its
 * memory back: it keeps at most two segments, however long it once was.
 *
 * @module
 */

/** Slots of a queue's first segment; each later one doubles, up to the maximum. */
const FIRST_SEGMENT = 16;
const MAX_SEGMENT = 4096;

/** A run of slots: items live in `items[head]` up to `items[tail - 1]`. */
class Segment<T> {
  readonly items: (T | undefined)[];
  head = 0;
  tail = 0;
  next: Segment<T> | null = null;

  constructor(capacity: number) {
    this.items = new Array(capacity);
  }
}

/**
 * A growable FIFO queue. Invariant: every segment but the first holds at
 * least one item; the first is empty only when it is the only one.
 */
export class Queue<T> {
  #first: Segment<T> = new Segment(FIRST_SEGMENT);
  #last: Segment<T> = this.#first;
  /** One drained segment kept for reuse. */
  #spare: Segment<T> | null = null;
  /** Number of items. */
  #size = 0;

  /** The number of queued items. */
  get length(): number {
    return this.#size;
  }

  /** Appends `item`. */
  push(item: T): void {
    let last = this.#last;
    if (last.tail === last.items.length) last = this.#append();
    last.items[last.tail++] = item;
    this.#size++;
  }

  /** Appends `count` items of `values` from `start`. */
  pushAll(values: ArrayLike<T>, start: number, count: number): void {
    const end = start + count;
    let i = start;
    while (i < end) {
      let last = this.#last;
      if (last.tail === last.items.length) last = this.#append();
      const items = last.items;
      const stop = Math.min(end, i + items.length - last.tail);
      let at = last.tail;
      while (i < stop) items[at++] = values[i++];
      last.tail = at;
    }
    this.#size += count;
  }

  /** Removes and returns the first item; the queue must not be empty. */
  shift(): T {
    const first = this.#first;
    const item = first.items[first.head] as T;
    first.items[first.head++] = undefined;
    this.#size--;
    if (first.head === first.tail) this.#drained(first);
    return item;
  }

  /**
   * Removes up to `max` items from the front, handing each to `sink` in order
   * until it returns false. Returns how many were removed, or `~removed`
   * (a negative number) when the sink asked to stop.
   */
  drainTo(sink: (item: T) => boolean, max: number): number {
    let taken = 0;
    let stopped = false;
    const wanted = Math.min(max, this.#size);
    while (taken < wanted && !stopped) {
      const segment = this.#first;
      const items = segment.items;
      const stop = Math.min(segment.tail, segment.head + (wanted - taken));
      let head = segment.head;
      while (head < stop && !stopped) {
        const item = items[head] as T;
        items[head++] = undefined;
        taken++;
        stopped = !sink(item);
      }
      segment.head = head;
      if (head === segment.tail) this.#drained(segment);
    }
    this.#size -= taken;
    return stopped ? ~taken : taken;
  }

  /** The first item without removing it; the queue must not be empty. */
  peek(): T {
    return this.#first.items[this.#first.head] as T;
  }

  /** Removes every item. */
  clear(): void {
    this.#first = this.#last = new Segment(FIRST_SEGMENT);
    this.#spare = null;
    this.#size = 0;
  }

  /** Chains a segment after the full last one and returns it. */
  #append(): Segment<T> {
    const last = this.#last;
    let segment = this.#spare;
    if (segment === null) {
      segment = new Segment(Math.min(last.items.length * 2, MAX_SEGMENT));
    } else {
      this.#spare = null;
      segment.head = segment.tail = 0;
      segment.next = null;
    }
    last.next = segment;
    this.#last = segment;
    return segment;
  }

  /** `segment`, the first, has no item left: it is rewound or moved aside. */
  #drained(segment: Segment<T>): void {
    const next = segment.next;
    if (next === null) {
      segment.head = segment.tail = 0;
      return;
    }
    segment.next = null;
    this.#first = next;
    // The larger of the two drained segments is kept.
    if (this.#spare === null || this.#spare.items.length < segment.items.length) {
      this.#spare = segment;
    }
  }
}
