/**
 * Internal: what the main thread and a weft thread share, and the messages
 * the thread posts.
 *
 * The control block is a small `SharedArrayBuffer` read and written with
 * `Atomics` on both sides. The layout is sent to the worker in its start
 * message, so the worker-side runtime (shipped as source) holds no copy of it.
 *
 * Values travel through the ring, a second `SharedArrayBuffer`: `capacity`
 * float64 slots, then one tag byte per slot. The thread writes every value
 * it sends into the next slot, in send order: a number as itself (tag
 * NUMBER), anything else as a marker (tag MESSAGE) whose value travels in the
 * thread's next batch message. HEAD counts the slots written, TAIL the slots
 * the main side has read (both wrap as int32). The main side reads the ring
 * when a message arrives; it sets PARKED when it has read everything, and the
 * thread's next write then posts a message (its batch, possibly empty) to
 * wake it.
 *
 * @module
 */

/** Indexes and values of the control block; `Int32Array` words unless noted. */
export const LAYOUT = {
  /** Set to 1 by the main side when the thread must stop (receiver closed, terminate). */
  STOP: 0,
  /** RUNNING, SLEEPING or DONE: what the thread is doing (read by the test clock). */
  STATE: 1,
  /** Bumped by the main side on every wake-up or stop; the thread waits on it. */
  SIGNAL: 2,
  /** Messages posted by the thread so far (the main side counts what it received). */
  POSTED: 3,
  /** `Float64Array` index: the virtual time (ms) at which the thread last resumed. */
  NOW: 2,
  /** Ring slots written by the thread (int32, wrapping). */
  HEAD: 8,
  /** Ring slots read and released by the main side (int32, wrapping). */
  TAIL: 9,
  /** 1 when the main side has read the whole ring and waits for a message to read more. */
  PARKED: 10,
  /** Ring tag: the slot is free (never written, or read and released). */
  EMPTY: 0,
  /** Ring tag: the slot holds a number. */
  NUMBER: 1,
  /** Ring tag: the slot's value is the next one of the batch messages. */
  MESSAGE: 2,
  /** STATE: running (or starting, or winding down after a stop). */
  RUNNING: 0,
  /** STATE: blocked in a virtual-time `sleepSync`, waiting for the main side. */
  SLEEPING: 1,
  /** STATE: finished. */
  DONE: 2,
  /** Bytes of the control block. */
  BYTES: 48,
} as const;

/** The layout's type, as sent to the worker. */
export type Layout = typeof LAYOUT;

/**
 * Message kinds the thread posts; each message is `[kind, values, extra?]`,
 * where `values` are the values of the ring's MESSAGE slots written since the
 * previous message, in order.
 */
export const MSG = {
  /** A batch of values (possibly none: the thread wakes the parked main side). */
  VALUES: 0,
  /** A batch, then a virtual-time sleep of `extra` ms. */
  SLEEP: 1,
  /** A batch, then the thread closed its sender. */
  CLOSE: 2,
  /** A batch, then the function returned `extra`. */
  DONE: 3,
  /** A batch, then the function failed with the error described by `extra`. */
  FAIL: 4,
  /**
   * A batch, then: the thread has seen the stop flag. Everything it accepted
   * has been sent (ring published, batches posted); nothing more will come.
   */
  STOPPED: 5,
} as const;

/** A message from the thread: `[kind, values, extra?]`. */
export type Message = [number, unknown[], unknown?];

/** Whether `message` has the shape of a runtime message: `[kind, values, extra?]`. */
export function isMessage(message: unknown): message is Message {
  return Array.isArray(message) && typeof message[0] === "number" && Array.isArray(message[1]);
}

/** The start message the main side posts to the worker. */
export interface StartMessage {
  /** The control block. */
  control: SharedArrayBuffer;
  /** Its layout. */
  layout: Layout;
  /** The message kinds. */
  msg: typeof MSG;
  /** The inline function's source, or undefined for a module. */
  source: string | undefined;
  /** The module URL whose default export is the thread's function, or undefined. */
  url: string | undefined;
  /** Extra arguments after `(tx, thread)`. */
  args: unknown[];
  /** Whether `sleepSync` follows the main side's virtual time. */
  virtual: boolean;
  /** Values per batch before a flush. */
  batch: number;
  /** The ring: `capacity` float64 slots, then `capacity` tag bytes. */
  ring: SharedArrayBuffer;
  /** Ring slots, a power of two. */
  capacity: number;
}
