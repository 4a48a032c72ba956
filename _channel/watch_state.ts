/**
 * Internal: the state of tokio's `sync::watch`: the value with its version,
 * shared by every sender and receiver, each receiver's view (the version it
 * has seen), and the waits of `changed()` and `tx.closed()`. A wait is woken
 * by a send and checks the version when the scheduler polls it.
 *
 * @module
 */
import { Friends } from "../_runtime/friends.ts";
import { PENDING, type Waker } from "../_runtime/poll.ts";
import { RecvError } from "./errors.ts";
import { PolledWait } from "./wait.ts";

/** The state every sender and receiver shares. */
export class WatchShared<T> {
  /** The current value. */
  value: T;
  /** Bumped by every send that notifies. */
  version = 0;
  /** Senders alive. */
  senders = 1;
  /** Receivers alive. */
  receivers = 1;
  /** Set once the last sender is gone. */
  closed = false;
  /** Whom to wake on a change or the close, in the order they began to wait. */
  rxWaiters: Set<Waker> = new Set();
  /** Whom to wake when the last receiver is gone. */
  txWaiters: Set<Waker> = new Set();

  constructor(value: T) {
    this.value = value;
  }

  /** A new version: every waiting receiver is woken. */
  changed(): void {
    this.version++;
    this.wakeReceivers();
  }

  wakeReceivers(): void {
    wakeAll(this.rxWaiters);
  }

  dropReceiver(): void {
    if (--this.receivers === 0) wakeAll(this.txWaiters);
  }
}

function wakeAll(waiters: Set<Waker>): void {
  if (waiters.size === 0) return;
  const woken = [...waiters];
  waiters.clear();
  for (const waker of woken) waker.wake();
}

/** One receiver's view: the version it has seen. */
export class View<T> {
  /** The channel, until the receiver is closed. */
  shared: WatchShared<T> | null;
  /** The version last seen. */
  version: number;

  constructor(shared: WatchShared<T>, version: number) {
    this.shared = shared;
    this.version = version;
  }

  /** tokio's `maybe_changed`: true (and seen), a RecvError, or PENDING (then `cx` waits). */
  changed(cx: Waker | null): true | RecvError | typeof PENDING {
    const shared = this.shared;
    if (shared === null) return new RecvError("Cannot wait for a change: this receiver is closed");
    if (this.version !== shared.version) {
      this.version = shared.version;
      return true;
    }
    if (shared.closed) {
      return new RecvError("Cannot wait for a change: the sender is gone and the value was seen");
    }
    if (cx !== null) shared.rxWaiters.add(cx);
    return PENDING;
  }
}

/** A pending `changed()`. */
export class ChangedWait<T> extends PolledWait<void> {
  readonly #view: View<T>;
  constructor(view: View<T>) {
    super();
    this.#view = view;
  }
  protected poll(): void {
    const result = this.#view.changed(this);
    if (result === PENDING) return;
    if (result === true) this.resolve();
    else this.reject(result);
  }
  protected detach(): void {
    this.#view.shared?.rxWaiters.delete(this);
  }
}

/** A pending `tx.closed()`: resolves once no receiver is left. */
export class ClosedWait<T> extends PolledWait<void> {
  readonly #shared: WatchShared<T>;
  constructor(shared: WatchShared<T>) {
    super();
    this.#shared = shared;
  }
  protected poll(): void {
    if (this.#shared.receivers === 0) this.resolve();
    else this.#shared.txWaiters.add(this);
  }
  protected detach(): void {
    this.#shared.txWaiters.delete(this);
  }
}

/** The view behind each receiver handle (for `Stream.from`). */
export const views = new Friends<View<unknown>>();
