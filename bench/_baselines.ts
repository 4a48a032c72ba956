/**
 * Hand-written baselines: the smallest correct code for each job, the limits
 * weft is measured against.
 *
 * @module
 */

const END: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * A minimal unbounded queue with an async iterator: an array and a read
 * index, one pending `next()` at most, a promise only when it must wait.
 */
export class MiniQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #closed = false;
  #waiter: ((result: IteratorResult<T>) => void) | null = null;

  /** Adds a value, or hands it to the waiting `next()`. */
  push(value: T): void {
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter({ value, done: false });
      return;
    }
    this.#items.push(value);
  }

  /** Ends the queue once drained. */
  close(): void {
    this.#closed = true;
    const waiter = this.#waiter;
    if (waiter !== null && this.#head === this.#items.length) {
      this.#waiter = null;
      waiter(END);
    }
  }

  /** The next value. */
  next(): Promise<IteratorResult<T>> {
    const items = this.#items;
    if (this.#head < items.length) {
      const value = items[this.#head++]!;
      if (this.#head === items.length) {
        this.#items = [];
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed) return Promise.resolve(END);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** This queue. */
  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Anything indexable with a length: an array or a typed array. */
export interface Batch<T> {
  readonly length: number;
  readonly [index: number]: T;
}

/**
 * A queue of batches consumed item by item with an async iterator: a batch
 * (an array, a typed array) is read in place, no per-item copy.
 */
export class BatchQueue<T> implements AsyncIterableIterator<T> {
  #batches: Batch<T>[] = [];
  #next = 0;
  #current: Batch<T> | null = null;
  #index = 0;
  #closed = false;
  #waiter: (() => void) | null = null;

  /** Adds a batch. */
  push(batch: Batch<T>): void {
    this.#batches.push(batch);
    this.#wake();
  }

  /** Ends the queue once drained. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  /** The next value. */
  next(): Promise<IteratorResult<T>> {
    const current = this.#current;
    if (current !== null && this.#index < current.length) {
      return Promise.resolve({ value: current[this.#index++]!, done: false });
    }
    return this.#slow();
  }

  async #slow(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#next < this.#batches.length) {
        this.#current = this.#batches[this.#next++]!;
        this.#index = 0;
        if (this.#next === this.#batches.length) {
          this.#batches = [];
          this.#next = 0;
        }
        if (this.#current.length > 0) return { value: this.#current[this.#index++]!, done: false };
        continue;
      }
      if (this.#closed) return END;
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }

  /** This queue. */
  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * The shared-memory ring's layout: an `Int32Array` control block (write
 * count, read count, closed flag) followed by `capacity` float64 slots.
 */
export const RING = { HEAD: 0, TAIL: 1, CLOSED: 2, DATA_OFFSET: 16 } as const;

/** Makes the shared buffer of a ring of `capacity` (a power of two) numbers. */
export function makeRing(capacity: number): SharedArrayBuffer {
  return new SharedArrayBuffer(RING.DATA_OFFSET + capacity * 8);
}

/**
 * The main-thread end of a single-producer shared-memory ring of numbers:
 * consumed item by item with an async iterator (a promise per item, a wait
 * only when empty), or chunk by chunk.
 */
export class RingReader implements AsyncIterableIterator<number> {
  readonly #control: Int32Array;
  readonly #data: Float64Array;
  readonly #mask: number;
  /** Items read so far. */
  #tail = 0;
  /** The producer's write count as last seen. */
  #head = 0;

  constructor(buffer: SharedArrayBuffer, capacity: number) {
    this.#control = new Int32Array(buffer, 0, 4);
    this.#data = new Float64Array(buffer, RING.DATA_OFFSET, capacity);
    this.#mask = capacity - 1;
  }

  /** The next number. */
  next(): Promise<IteratorResult<number>> {
    if (this.#tail < this.#head) {
      const value = this.#data[this.#tail++ & this.#mask]!;
      // Free slots every 4096 reads, so the producer need not wait for empty.
      if ((this.#tail & 4095) === 0) this.#release();
      return Promise.resolve({ value, done: false });
    }
    return this.#refill().then((more) => {
      if (!more) return END;
      return { value: this.#data[this.#tail++ & this.#mask]!, done: false };
    });
  }

  /**
   * The next chunk of numbers, a view into the ring valid until the next call
   * (which frees its slots), or undefined at the end.
   */
  async nextChunk(): Promise<Float64Array | undefined> {
    this.#release();
    if (this.#tail >= this.#head && !(await this.#refill())) return undefined;
    const start = this.#tail & this.#mask;
    const count = Math.min(this.#head - this.#tail, this.#mask + 1 - start);
    this.#tail += count;
    return this.#data.subarray(start, start + count);
  }

  /** Frees the slots read so far. */
  #release(): void {
    Atomics.store(this.#control, RING.TAIL, this.#tail);
    Atomics.notify(this.#control, RING.TAIL);
  }

  /** Frees the slots read so far; waits for more. Resolves false at the end. */
  async #refill(): Promise<boolean> {
    const control = this.#control;
    for (;;) {
      this.#release();
      const closed = Atomics.load(control, RING.CLOSED) === 1;
      this.#head = Atomics.load(control, RING.HEAD);
      if (this.#tail < this.#head) return true;
      if (closed) return false;
      const wait = Atomics.waitAsync(control, RING.HEAD, this.#head);
      if (wait.async) await wait.value;
    }
  }

  /** This reader. */
  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * A shared timer: sleeps that end at the same millisecond share one
 * `setTimeout` and one array of resolvers.
 */
export class SharedTimer {
  #buckets = new Map<number, (() => void)[]>();

  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    let bucket = this.#buckets.get(deadline);
    if (bucket === undefined) {
      const fresh: (() => void)[] = [];
      bucket = fresh;
      this.#buckets.set(deadline, fresh);
      setTimeout(() => {
        this.#buckets.delete(deadline);
        for (const resolve of fresh) resolve();
      }, ms);
    }
    const target = bucket;
    return new Promise((resolve) => target.push(resolve));
  }
}

/** The start message of row 3's baseline worker (`_worker.ts`). */
export interface WorkerStart {
  /** How to send. */
  mode: "per-item" | "array" | "float64" | "ring" | "objects";
  /** How many values. */
  n: number;
  /** Values per batch (array, float64, objects). */
  batch: number;
  /** The ring's buffer (ring). */
  ring?: SharedArrayBuffer;
  /** The ring's capacity, a power of two (ring). */
  capacity?: number;
}

/** The plain object sent for index `i` in row 3's object contenders. */
export function makeObject(i: number): { i: number; s: string } {
  return { i, s: `item ${i % 100}` };
}
