/**
 * Internal: tokio-stream's `WatchStream`, the stage `Stream.from` makes of a
 * watch receiver: the current value at once, then the value after each
 * change; it ends once every sender is gone and the last value was yielded.
 * The stage owns the receiver: closing it drops the receiver.
 *
 * @module
 */
import { DONE, PENDING, type Source, type Waker } from "../_runtime/poll.ts";
import { type View, views } from "./watch_state.ts";

/** tokio-stream's `WatchStream`: the current value, then the value after each change. */
class WatchSource<T> implements Source<T> {
  /** The receiver's view, until the stream is closed. */
  readonly #view: View<T>;
  /** Whether the current value was yielded yet. */
  #started = false;
  /** The consumer's waker, once registered. */
  #waker: Waker | null = null;
  constructor(view: View<T>) {
    this.#view = view;
  }
  poll(cx: Waker): T | typeof PENDING | typeof DONE {
    const view = this.#view;
    const shared = view.shared;
    if (shared === null) return DONE;
    if (this.#started) {
      const result = view.changed(cx);
      if (result === PENDING) {
        this.#waker = cx;
        return PENDING;
      }
      if (result !== true) return DONE;
    }
    this.#started = true;
    view.version = shared.version;
    return shared.value;
  }
  close(): void {
    const shared = this.#view.shared;
    if (shared === null) return;
    this.#view.shared = null;
    if (this.#waker !== null) shared.rxWaiters.delete(this.#waker);
    this.#waker = null;
    shared.dropReceiver();
  }
}

/** The stream stage for a watch receiver, or undefined for anything else. */
export function watchSource<T>(input: unknown): Source<T> | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const view = views.stateOf(input) as View<T> | undefined;
  if (view === undefined) return undefined;
  if (view.shared === null) throw new TypeError("Cannot make a stream: this receiver is closed");
  return new WatchSource(view);
}
