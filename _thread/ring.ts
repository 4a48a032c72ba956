/**
 * Internal: both ends of a thread's ring (see `protocol.ts`).
 *
 * The writer ({@linkcode ringWriter}) runs in the worker: its source is
 * shipped there ({@linkcode ringWriterSource}) in front of the thread's
 * runtime, so it uses nothing outside its own body. It writes a number into
 * the next slot (tag NUMBER), or marks the slot as the next batch value's
 * place (tag MESSAGE), and publishes HEAD when the runtime says so.
 *
 * The reader ({@linkcode RingReader}) runs on the main side:
 * - Numbers are read straight from the shared slots and pushed into the
 *   channel a run at a time (`pushAll`, one wake per run).
 * - A MESSAGE slot takes the next value of the batches the thread posted. If
 *   that batch has not arrived yet, reading stops there: the values after it
 *   wait, so the order is the send order. The batch's arrival reads on.
 * - Slots read are marked EMPTY and released at once (TAIL); a thread
 *   waiting for room polls TAIL (a notify would cost the main side a system
 *   call and, often, its core).
 * - While values keep coming, the main side polls (the caller reads again a
 *   macrotask later), so a busy thread posts nothing. A read told it may
 *   park and finding nothing parks: PARKED asks the thread to post a message
 *   with its next write (the ring is looked at once more after setting it,
 *   as the thread may have written just before it saw the flag).
 * - Values are pushed into the channel the caller gives, or read and dropped
 *   when it gives none (the receiver closed, the sender dropped).
 * - HEAD is untrusted: behind TAIL, more than the ring ahead of it, or ahead
 *   over a slot still EMPTY, the read stops with CORRUPT (never a spin, never
 *   a value that was not written).
 *
 * @module
 */
import type { ChannelState } from "../_channel/state.ts";
import { LAYOUT, type Layout } from "./protocol.ts";

/** What a `read()` found. */
export type ReadResult =
  | typeof PARKED
  | typeof EMPTY
  | typeof BLOCKED
  | typeof READ
  | typeof CORRUPT;
/** Nothing new: parked, the thread will post when it writes again. */
export const PARKED = 0;
/** Nothing new, not parked: poll again later. */
export const EMPTY = 1;
/** A MESSAGE slot's batch has not arrived: its arrival reads on. */
export const BLOCKED = 2;
/** Values were read: poll again later (the thread may be writing more). */
export const READ = 3;
/** The ring is in an impossible state (see {@linkcode RingReader.corruption}). */
export const CORRUPT = 4;

/** Where values go: the channel's side the reader pushes into. */
export type RingSink = Pick<ChannelState<unknown>, "push" | "pushAll">;

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
  /** Batches arrived and not yet fully read, oldest first. */
  #batches: unknown[][] = [];
  /** The batch being read. */
  #batch: unknown[] = [];
  /** The next value's index in `#batch`. */
  #index = 0;
  /** What made the ring CORRUPT, once it is. */
  #corruption: string | null = null;

  constructor(control: Int32Array, ring: SharedArrayBuffer, capacity: number) {
    this.#control = control;
    this.#capacity = capacity;
    this.#data = new Float64Array(ring, 0, capacity);
    this.#tags = new Uint8Array(ring, capacity * 8, capacity);
    Atomics.store(control, LAYOUT.PARKED, 1);
  }

  /** Makes the shared buffer of a ring of `capacity` slots (every tag EMPTY). */
  static buffer(capacity: number): SharedArrayBuffer {
    return new SharedArrayBuffer(capacity * 9);
  }

  /** Why the ring is CORRUPT, or null. */
  get corruption(): string | null {
    return this.#corruption;
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
   * Reads at most `max` slots of what the thread wrote into `sink` (dropped
   * when null); parks if `park` and nothing is new.
   */
  read(sink: RingSink | null, park: boolean, max: number): ReadResult {
    if (this.#corruption !== null) return CORRUPT;
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
    const written = (head - this.#tail) | 0;
    if (written < 0 || written > this.#capacity) {
      return this.#corrupt(`head ${head} is ${written} slots from tail ${this.#tail}`);
    }
    if (written > max) head = (this.#tail + max) | 0;
    const result = this.#readUpTo(head, sink);
    Atomics.store(control, LAYOUT.TAIL, this.#tail);
    return result;
  }

  /** Reads slots up to `head`: READ, BLOCKED at a batch not arrived, or CORRUPT. */
  #readUpTo(head: number, sink: RingSink | null): ReadResult {
    const tags = this.#tags;
    const mask = this.#capacity - 1;
    while (this.#tail !== head) {
      const start = this.#tail & mask;
      const end = Math.min(start + ((head - this.#tail) | 0), this.#capacity);
      let i = start;
      while (i < end && tags[i] === LAYOUT.NUMBER) i++;
      if (i > start) {
        sink?.pushAll(this.#data, start, i - start);
        tags.fill(LAYOUT.EMPTY, start, i);
        this.#tail = (this.#tail + (i - start)) | 0;
      }
      if (i === end) continue;
      if (tags[i] !== LAYOUT.MESSAGE) {
        return this.#corrupt(`slot ${this.#tail} up to head ${head} was never written`);
      }
      if (!this.#pushValue(sink)) return BLOCKED;
      tags[i] = LAYOUT.EMPTY;
      this.#tail = (this.#tail + 1) | 0;
    }
    return READ;
  }

  /** Pushes the next batch value for a MESSAGE slot; false if it has not arrived. */
  #pushValue(sink: RingSink | null): boolean {
    if (this.#index >= this.#batch.length) {
      const next = this.#batches.shift();
      if (next === undefined) return false;
      this.#batch = next;
      this.#index = 0;
    }
    sink?.push(this.#batch[this.#index++]);
    return true;
  }

  #corrupt(why: string): ReadResult {
    this.#corruption = why;
    return CORRUPT;
  }
}

/** The worker's end of a ring, made by {@linkcode ringWriter}. */
export interface RingWriter {
  /** Slots written (int32, wrapping); published as HEAD by `publish()`. */
  head: number;
  /** Slots free now: the ring's size less what the main side has not released. */
  free(): number;
  /** Writes `value` into the next slot. The caller has checked there is room. */
  number(value: number): void;
  /** Marks the next slot as the place of the next batch value. */
  marker(): void;
  /** Makes the slots written so far visible to the main side. */
  publish(): void;
}

/**
 * Makes the writer of the ring `ring` (of `capacity` slots) whose indices
 * live in `control`, laid out as `layout` says. Self-contained: shipped to
 * the worker as source.
 */
export function ringWriter(
  control: Int32Array,
  ring: SharedArrayBuffer,
  capacity: number,
  layout: Layout,
): RingWriter {
  const data = new Float64Array(ring, 0, capacity);
  const tags = new Uint8Array(ring, capacity * 8, capacity);
  const mask = capacity - 1;
  const HEAD = layout.HEAD;
  const TAIL = layout.TAIL;
  const NUMBER = layout.NUMBER;
  const MESSAGE = layout.MESSAGE;
  // A class: its instances have fast properties, and `writer.number` a
  // fixed shape to inline on the hot path.
  class Writer {
    declare head: number;
    constructor() {
      this.head = 0;
    }
    free(): number {
      return capacity - ((this.head - Atomics.load(control, TAIL)) | 0);
    }
    number(value: number): void {
      const slot = this.head & mask;
      data[slot] = value;
      tags[slot] = NUMBER;
      this.head = (this.head + 1) | 0;
    }
    marker(): void {
      tags[this.head & mask] = MESSAGE;
      this.head = (this.head + 1) | 0;
    }
    publish(): void {
      Atomics.store(control, HEAD, this.head);
    }
  }
  return new Writer();
}

/** The writer's source, to put in front of the thread's runtime. */
export function ringWriterSource(): string {
  return `${ringWriter.toString()}\n`;
}
