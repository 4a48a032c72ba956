/**
 * Internal: tokio-stream's `BroadcastStream`, the stage `Stream.from` makes
 * of a broadcast receiver: `Result` items, a lag is an item (`Lagged`), the
 * end is the end. The stage owns the receiver: closing it drops the receiver.
 *
 * @module
 */
import { DONE, PENDING, type Source, type Waker } from "../_runtime/poll.ts";
import { type Cursor, cursors, Lag } from "./broadcast_ring.ts";
import { Lagged } from "./errors.ts";

/** tokio-stream's `BroadcastStream`: `Result` items, a lag is an item, the end is the end. */
class BroadcastSource<T> implements Source<BroadcastItem<T>> {
  /** The receiver's place, until the stream is closed. */
  readonly #cursor: Cursor<T>;
  constructor(cursor: Cursor<T>) {
    this.#cursor = cursor;
  }
  poll(cx: Waker): BroadcastItem<T> | typeof PENDING | typeof DONE {
    const result = this.#cursor.recv(cx);
    if (result === PENDING) return PENDING;
    if (result === DONE) return DONE;
    if (result instanceof Lag) return { ok: false, error: new Lagged(result.skipped) };
    return { ok: true, value: result };
  }
  close(): void {
    this.#cursor.drop();
  }
}

/** An item of `Stream.from(broadcastReceiver)`. */
export type BroadcastItem<T> = { ok: true; value: T } | { ok: false; error: Lagged };

/**
 * The stream stage for a broadcast receiver, or undefined for anything else.
 * The stream owns the receiver from then on.
 */
export function broadcastSource<T>(input: unknown): Source<BroadcastItem<T>> | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const cursor = cursors.stateOf(input) as Cursor<T> | undefined;
  if (cursor === undefined) return undefined;
  if (cursor.busy) {
    throw new TypeError("Cannot make a stream: this receiver already has a consumer");
  }
  cursor.busy = true;
  return new BroadcastSource(cursor);
}
