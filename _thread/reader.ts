/**
 * Internal: how the main side of a thread reads its ring into the channel.
 *
 * The ring (`ring.ts`) is read whenever a message arrives, and polled a
 * macrotask later while reads find values: a few empty polls, then the main
 * side parks and the thread's next write posts a message. In real time a
 * poll reads a chunk, so the thread gets room back while the consumer eats
 * it; under virtual time every read takes everything and parks at once (a
 * sleeping thread writes nothing, and the clock may move on once it sleeps).
 *
 * @module
 */
import { macrotask } from "../_runtime/host.ts";
import type { ChannelState } from "../_channel/state.ts";
import { CORRUPT, EMPTY, READ, RingReader } from "./ring.ts";

/** Ring slots: 65,536 values (576 KiB), slack for a thread that is not scheduled for a while. */
export const RING_CAPACITY = 1 << 16;
/**
 * Slots one poll reads (in real time): the thread gets room back while the
 * consumer eats a chunk, so the ring stays nearly full, and the channel's
 * buffer stays small.
 */
const READ_CHUNK = 1 << 14;
/** Empty polls (a macrotask apart) before the main side parks, in real time. */
const IDLE_POLLS = 3;

/** What the reader needs from its thread. */
export interface ReadTarget {
  /** The channel values go to; null once its sender or receiver is dropped. */
  channel(): ChannelState<unknown> | null;
  /** Fails the thread: `why` says how its ring is broken. */
  fail(why: string): void;
  /** Reads again, a macrotask after a read (the thread checks it still runs). */
  again(): void;
}

/** The main side's reader of one thread's ring; see the module doc. */
export class ThreadReader {
  /** The ring's reader. */
  readonly #ring: RingReader;
  /** What the values go to. */
  readonly #target: ReadTarget;
  /** Whether under virtual time. */
  readonly #virtual: boolean;
  /** Whether a later read of the ring is queued. */
  #readQueued = false;
  /** Empty polls since the last read that found values. */
  #idlePolls = 0;

  /** A reader of `ring` (from {@linkcode ThreadReader.buffer}) for `target`. */
  constructor(control: Int32Array, ring: SharedArrayBuffer, target: ReadTarget, virtual: boolean) {
    this.#ring = new RingReader(control, ring, RING_CAPACITY);
    this.#target = target;
    this.#virtual = virtual;
  }

  /** A new ring's memory. */
  static buffer(): SharedArrayBuffer {
    return RingReader.buffer(RING_CAPACITY);
  }

  /** Takes the values of a batch message, for the ring's markers. */
  addBatch(values: unknown[]): void {
    this.#ring.addBatch(values);
  }

  /**
   * The receiver was closed: everything handed over so far goes to `open`
   * (null: dropped). A broken ring fails the thread.
   */
  readClosed(open: ChannelState<unknown> | null): void {
    if (this.#ring.read(open, false, RING_CAPACITY) === CORRUPT) this.read(true);
  }

  /**
   * Reads the ring into the channel. After values, and after fewer than
   * IDLE_POLLS empty reads, it polls again a macrotask later; then it parks.
   * Under virtual time it parks at once (a sleeping thread writes nothing)
   * and reads everything (the clock may move on once the thread sleeps).
   */
  read(all = false): void {
    const park = this.#virtual || this.#idlePolls >= IDLE_POLLS;
    const max = all || this.#virtual ? RING_CAPACITY : READ_CHUNK;
    const state = this.#target.channel();
    const open = state !== null && !state.dropped ? state : null;
    const result = this.#ring.read(open, park, max);
    if (result === CORRUPT) {
      return this.#target.fail(
        `Cannot read from the thread: its ring is in an impossible state (${this.#ring.corruption}); the thread wrote into weft's shared memory`,
      );
    }
    if (result === READ) this.#idlePolls = 0;
    else if (result === EMPTY) this.#idlePolls++;
    else return;
    if (this.#readQueued) return;
    this.#readQueued = true;
    macrotask(() => {
      this.#readQueued = false;
      this.#target.again();
    });
  }
}
