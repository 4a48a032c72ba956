/**
 * Internal: `fuse`, tokio-stream's `Fuse`. Once the source has ended, it is
 * closed at once (dropped, as in Rust) and every later poll returns DONE
 * without touching it.
 *
 * @module
 */
import { DONE, type Poll, type Source, type Waker } from "../_runtime/poll.ts";

/** Ends for good after the first end. */
export class FuseSource<T> implements Source<T> {
  /** Upstream, until it ends or is closed. */
  #source: Source<T> | null;

  constructor(source: Source<T>) {
    this.#source = source;
  }

  /** Whether the source has ended (or the stage was closed). */
  get ended(): boolean {
    return this.#source === null;
  }

  poll(cx: Waker): Poll<T> {
    const source = this.#source;
    if (source === null) return DONE;
    const item = source.poll(cx);
    if (item === DONE) this.close();
    return item;
  }

  close(): void {
    const source = this.#source;
    this.#source = null;
    source?.close();
  }
}
