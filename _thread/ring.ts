/**
 * Internal: the main-thread end of a thread's ring (see `_thread_protocol.ts`).
 *
 * - Numbers are read straight from the shared slots and pushed into the
 *   channel a run at a time (`pushAll`, one wake per run).
 * - A MESSAGE slot takes the next value of the batches the thread posted. If
 *   that batch has not arrived yet, reading stops there: the values after it
 *   wait, so the order is the send order. The batch's arrival reads on.
 * - Slots read are released at once (TAIL); a thread waiting for room polls
 *   TAIL (a notify would cost the main side a system call and, often, its
 *   core).
 * - While values keep coming, the main side polls (the caller reads again a
 *   macrotask later), so a busy thread posts nothing. A read told it may
 *   park and finding nothing parks: PARKED asks the thread to post a message
 *   with its next write (the ring is looked at once more after setting it,
 *   as the thread may have written just before it saw the flag).
 * - Values are pushed into the channel the caller gives, or read and dropped
 *   when it gives none (the receiver closed, the sender dropped).
 *
 * @module
 */
import type { ChannelState } from "../_channel/state.ts";
import { LAYOUT } from "./protocol.ts";

/** What a `read()` found. */
export type ReadResult = typeof PARKED | typeof EMPTY | typeof BLOCKED | typeof READ;
/** Nothing new: parked, the thread will post when it writes again. */
export const PARKED = 0;
/** Nothing new, not parked: poll again later. */
export const EMPTY = 1;
/** A MESSAGE slot's batch has not arrived: its arrival reads on. */
export const BLOCKED = 2;
/** Values were read: poll again later (the thread may be writing more). */
export const READ = 3;

/** The main-thread reader of one ring. */
export class RingReader {
  /** The control block's words. */
  readonly #control: Int32Array;
  /** The number slots. */
  readonly #data: Float64Array;
  /** The tag bytes. */
  readonly #tags: Uint8Array;
  /** Slots, a power of two. */
  readonly #capacity: number;
  /** Slots read so far (int32, wrapping like HEAD). */
  #tail = 0;
  /** MESSAGE slots read so far (int32, wrapping like MARKS). */
  #marks = 0;
  /** Batches arrived and not yet fully read, oldest first. */
  #batches: unknown[][] = [];
  /** The batch being read. */
  #batch: unknown[] = [];
  /** The next value's index in `#batch`. */
  #index = 0;

  constructor(control: Int32Array, ring: SharedArrayBuffer, capacity: number) {
    this.#control = control;
    this.#capacity = capacity;
    this.#data = new Float64Array(ring, 0, capacity);
    this.#tags = new Uint8Array(ring, capacity * 8, capacity);
    Atomics.store(control, LAYOUT.PARKED, 1);
  }

  /** Makes the shared buffer of a ring of `capacity` slots. */
  static buffer(capacity: number): SharedArrayBuffer {
    return new SharedArrayBuffer(capacity * 9);
  }

  /** Queues a batch message's values for the ring's MESSAGE slots. */
  addBatch(values: unknown[]): void {
    if (values.length === 0) return;
    if (this.#index < this.#batch.length || this.#batches.length > 0) {
      this.#batches.push(values);
      return;
    }
    this.#batch = values;
    this.#index = 0;
  }

  /**
   * Reads at most `max` slots of what the thread wrote into `state` (dropped
   * when null); parks if `park` and nothing is new.
   */
  read(state: ChannelState<unknown> | null, park: boolean, max: number): ReadResult {
    const control = this.#control;
    let head = Atomics.load(control, LAYOUT.HEAD);
    if (head === this.#tail) {
      if (!park) return EMPTY;
      Atomics.store(control, LAYOUT.PARKED, 1);
      head = Atomics.load(control, LAYOUT.HEAD);
      if (head === this.#tail) return PARKED;
      // Polling again: no message needed.
      Atomics.store(control, LAYOUT.PARKED, 0);
    }
    if (((head - this.#tail) | 0) > max) head = (this.#tail + max) | 0;
    const blocked = this.#readUpTo(head, state);
    this.#release();
    return blocked ? BLOCKED : READ;
  }

  /** Reads slots up to `head`; true if stopped at a MESSAGE slot whose value has not arrived. */
  #readUpTo(head: number, state: ChannelState<unknown> | null): boolean {
    // Every marker before `head` is counted in MARKS: none new means numbers only.
    const numbersOnly = Atomics.load(this.#control, LAYOUT.MARKS) === this.#marks;
    const tags = this.#tags;
    const mask = this.#capacity - 1;
    while (this.#tail !== head) {
      const start = this.#tail & mask;
      const end = Math.min(start + ((head - this.#tail) | 0), this.#capacity);
      let i = start;
      if (numbersOnly) i = end;
      else while (i < end && tags[i] === LAYOUT.NUMBER) i++;
      if (i > start) this.#pushNumbers(start, i - start, state);
      if (i === end) continue;
      if (!this.#pushValue(state)) return true;
    }
    return false;
  }

  #pushNumbers(start: number, count: number, state: ChannelState<unknown> | null): void {
    state?.pushAll(this.#data, start, count);
    this.#tail = (this.#tail + count) | 0;
  }

  /** Pushes the next batch value for a MESSAGE slot; false if it has not arrived. */
  #pushValue(state: ChannelState<unknown> | null): boolean {
    if (this.#index >= this.#batch.length) {
      const next = this.#batches.shift();
      if (next === undefined) return false;
      this.#batch = next;
      this.#index = 0;
    }
    const value = this.#batch[this.#index++];
    state?.push(value);
    this.#tail = (this.#tail + 1) | 0;
    this.#marks = (this.#marks + 1) | 0;
    return true;
  }

  /** Frees the slots read. */
  #release(): void {
    Atomics.store(this.#control, LAYOUT.TAIL, this.#tail);
  }
}
