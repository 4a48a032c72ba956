/**
 * Internal: tokio's `sync::watch`, one value that senders replace and
 * receivers look at, each knowing whether it has seen the latest version.
 * `watch()` and its handles, re-exported by `channel.ts`; the state is
 * `watch_state.ts`, the stage `Stream.from` makes of a receiver
 * `watch_stream.ts`.
 *
 * A waiting `changed()` is woken by a send and checks the version when the
 * scheduler polls it, after the sending task has gone on to its own next
 * wait, as tokio's task would: two sends in one turn are one change.
 *
 * @module
 */
import { PENDING } from "../_runtime/poll.ts";
import { checkFunction } from "../_runtime/checks.ts";
import type { WaitOptions } from "../_runtime/task_state.ts";
import { RecvError, SendError } from "./errors.ts";
import { ChangedWait, ClosedWait, View, views, WatchShared } from "./watch_state.ts";

/** Make the handles; set by their classes' static blocks (their constructors are private). */
let makeWatchSender: <T>(shared: WatchShared<T>) => WatchSender<T>;
let makeWatchReceiver: <T>(view: View<T>) => WatchReceiver<T>;

/**
 * The sending half of a {@linkcode watch} channel.
 *
 * @typeParam T The value watched.
 *
 * @example Publish a value
 * ```ts
 * import { watch } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = watch("idle");
 * tx.send("busy");
 * assert.equal(tx.borrow(), "busy");
 * assert.equal(rx.borrowAndUpdate(), "busy");
 * assert.equal(rx.hasChanged(), false);
 * ```
 */
export class WatchSender<T> implements Disposable {
  static {
    makeWatchSender = <T>(shared: WatchShared<T>) => new WatchSender<T>(shared);
  }

  /** The channel, until this handle is closed. */
  #shared: WatchShared<T> | null;

  private constructor(shared: WatchShared<T>) {
    this.#shared = shared;
  }

  /**
   * Replaces the value and notifies every receiver.
   *
   * @param value The new value.
   * @throws {SendError} If no receiver is left (the value is not stored), or this sender is closed.
   */
  send(value: T): void {
    const shared = this.#open(value);
    if (shared.receivers === 0) throw new SendError(value, "Cannot send: there is no receiver");
    shared.value = value;
    shared.changed();
  }

  /**
   * Replaces the value and notifies, even with no receiver left.
   *
   * @param value The new value.
   * @returns The value it replaced.
   * @throws {SendError} If this sender is closed.
   */
  sendReplace(value: T): T {
    const shared = this.#open(value);
    const old = shared.value;
    shared.value = value;
    shared.changed();
    return old;
  }

  /**
   * Changes the value with `modify` and notifies, even with no receiver left.
   *
   * @param modify Gets the value; what it returns (unless `undefined`)
   *   becomes the value, so it can change an object in place or return a new one.
   * @throws {TypeError} If `modify` is not a function or this sender is closed.
   */
  sendModify(modify: (value: T) => T | void): void {
    checkFunction(modify, "modify the watched value");
    this.sendIfModified((value) => {
      const next = modify(value);
      if (next !== undefined) this.#shared!.value = next;
      return true;
    });
  }

  /**
   * Lets `modify` change the value in place, and notifies only if it returns
   * true (tokio's `send_if_modified`).
   *
   * @param modify Gets the value; returns whether it changed it.
   * @returns What `modify` returned.
   * @throws {TypeError} If `modify` is not a function or this sender is closed.
   */
  sendIfModified(modify: (value: T) => boolean): boolean {
    checkFunction(modify, "modify the watched value");
    const shared = this.#shared;
    if (shared === null) {
      throw new TypeError("Cannot modify the watched value: this sender is closed");
    }
    if (!modify(shared.value)) return false;
    shared.changed();
    return true;
  }

  /**
   * The current value.
   *
   * @returns The value, as last sent.
   */
  borrow(): T {
    const shared = this.#shared;
    if (shared === null) throw new TypeError("Cannot borrow: this sender is closed");
    return shared.value;
  }

  /**
   * Makes a receiver that has seen the current value.
   *
   * @returns The new receiver.
   * @throws {TypeError} If this sender is closed.
   */
  subscribe(): WatchReceiver<T> {
    const shared = this.#shared;
    if (shared === null) throw new TypeError("Cannot subscribe: this sender is closed");
    shared.receivers++;
    return makeWatchReceiver(new View(shared, shared.version));
  }

  /** How many receivers are alive. */
  get receiverCount(): number {
    return this.#shared?.receivers ?? 0;
  }

  /** Whether no receiver is left (a `send` would fail). */
  get isClosed(): boolean {
    return this.receiverCount === 0;
  }

  /**
   * Waits until no receiver is left (a `subscribe()` meanwhile reopens the channel).
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves once every receiver is closed.
   */
  closed(options?: WaitOptions): Promise<void> {
    const shared = this.#shared;
    if (shared === null || shared.receivers === 0) return Promise.resolve();
    const wait = new ClosedWait(shared);
    shared.txWaiters.add(wait);
    return wait.begin(options);
  }

  /**
   * Returns another sender for the same channel.
   *
   * @returns The new sender; receivers see the channel closed when every sender is closed.
   * @throws {TypeError} If this sender is closed.
   */
  clone(): WatchSender<T> {
    const shared = this.#shared;
    if (shared === null) throw new TypeError("Cannot clone the sender: this sender is closed");
    shared.senders++;
    return makeWatchSender(shared);
  }

  /** Drops this sender; with the last one, waiting receivers are told the channel closed. */
  close(): void {
    const shared = this.#shared;
    if (shared === null) return;
    this.#shared = null;
    if (--shared.senders > 0) return;
    shared.closed = true;
    shared.wakeReceivers();
  }

  /** Closes this sender, as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #open(value: T): WatchShared<T> {
    if (this.#shared === null) throw new SendError(value, "Cannot send: this sender is closed");
    return this.#shared;
  }
}

/**
 * The receiving half of a {@linkcode watch} channel: looks at the latest
 * value and waits for changes.
 *
 * - `changed()` resolves once a version this receiver has not seen exists
 *   (and marks it seen); it rejects with {@linkcode RecvError} once every
 *   sender is gone and the last value was seen.
 * - `borrow()` reads the value; `borrowAndUpdate()` also marks it seen.
 * - `Stream.from(rx)` yields the current value, then the value after each
 *   change (tokio-stream's `WatchStream`).
 *
 * @typeParam T The value watched.
 *
 * @example Wait for a change
 * ```ts
 * import { watch } from "@weft/weft/channel";
 * import { spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = watch(0);
 * spawnTask(() => tx.send(1));
 * await rx.changed();
 * assert.equal(rx.borrowAndUpdate(), 1);
 * ```
 */
export class WatchReceiver<T> implements Disposable {
  static {
    makeWatchReceiver = <T>(view: View<T>) => new WatchReceiver<T>(view);
  }

  /** What this receiver has seen. */
  readonly #view: View<T>;

  private constructor(view: View<T>) {
    this.#view = view;
    views.link(this, view as View<unknown>);
  }

  /**
   * The current value; does not mark it seen.
   *
   * @returns The value.
   * @throws {TypeError} If this receiver is closed.
   */
  borrow(): T {
    return this.#shared("borrow").value;
  }

  /**
   * The current value, marked seen.
   *
   * @returns The value.
   * @throws {TypeError} If this receiver is closed.
   */
  borrowAndUpdate(): T {
    const shared = this.#shared("borrow");
    this.#view.version = shared.version;
    return shared.value;
  }

  /**
   * Whether a value this receiver has not seen exists.
   *
   * @returns true if `changed()` would resolve at once.
   * @throws {RecvError} If every sender is gone (even with an unseen value, as tokio's).
   * @throws {TypeError} If this receiver is closed.
   */
  hasChanged(): boolean {
    const shared = this.#shared("check for a change");
    if (shared.closed) throw new RecvError("Cannot check for a change: the sender is gone");
    return this.#view.version !== shared.version;
  }

  /**
   * Waits for a value this receiver has not seen, and marks it seen.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves once there is a change.
   * @throws {RecvError} (as a rejection) Once every sender is gone and the last value was seen.
   */
  changed(options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const view = this.#view;
    const result = view.changed(null);
    if (result === true) return Promise.resolve();
    if (result !== PENDING) return Promise.reject(result);
    // Only a call that has to wait makes a wait (as broadcast's `recv`).
    const wait = new ChangedWait(view);
    view.changed(wait);
    return wait.begin(options);
  }

  /**
   * Waits until `predicate` holds for the value (checking the current one
   * first, then each change) and returns that value, marked seen.
   *
   * @param predicate Tested on the current value, then after each change.
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns The first value `predicate` accepts.
   * @throws {RecvError} (as a rejection) If every sender is gone before a value is accepted.
   * @throws {TypeError} If `predicate` is not a function.
   */
  waitFor(predicate: (value: T) => boolean, options?: WaitOptions): Promise<T> {
    checkFunction(predicate, "wait for a value");
    return this.#waitFor(predicate, options);
  }

  async #waitFor(predicate: (value: T) => boolean, options?: WaitOptions): Promise<T> {
    let closed = false;
    for (;;) {
      const shared = this.#shared("wait for a value");
      const hasChanged = this.#view.version !== shared.version;
      this.#view.version = shared.version;
      if ((!closed || hasChanged) && predicate(shared.value)) return shared.value;
      if (closed) throw new RecvError("Cannot wait for a value: the sender is gone");
      try {
        await this.changed(options);
      } catch (error) {
        if (!(error instanceof RecvError)) throw error;
        closed = true;
      }
    }
  }

  /** Marks the current value unseen: `changed()` resolves at once. */
  markChanged(): void {
    this.#view.version--;
  }

  /** Marks the current value seen, without reading it. */
  markUnchanged(): void {
    const shared = this.#view.shared;
    if (shared !== null) this.#view.version = shared.version;
  }

  /**
   * Returns another receiver that has seen what this one has.
   *
   * @returns The new receiver.
   * @throws {TypeError} If this receiver is closed.
   */
  clone(): WatchReceiver<T> {
    const shared = this.#shared("clone the receiver");
    shared.receivers++;
    return makeWatchReceiver(new View(shared, this.#view.version));
  }

  /** Drops the receiver; when it is the last one, `tx.closed()` resolves. */
  close(): void {
    const shared = this.#view.shared;
    if (shared === null) return;
    this.#view.shared = null;
    shared.dropReceiver();
  }

  /** Closes the receiver, as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #shared(action: string): WatchShared<T> {
    const shared = this.#view.shared;
    if (shared === null) throw new TypeError(`Cannot ${action}: this receiver is closed`);
    return shared;
  }
}

/**
 * Creates a watch channel holding `initial`, tokio's `sync::watch::channel`:
 * senders replace one value; each receiver reads the latest and can wait for
 * a change. Values in between are not queued: a receiver sees the latest.
 *
 * @typeParam T The value watched.
 * @param initial The first value; receivers start having seen it.
 * @returns The sender and a first receiver.
 *
 * @example Wait until a condition holds
 * ```ts
 * import { watch } from "@weft/weft/channel";
 * import { sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = watch(0);
 * spawnTask(async () => {
 *   for (let progress = 10; progress <= 100; progress += 10) {
 *     tx.send(progress);
 *     await sleep(1);
 *   }
 * });
 * assert.equal(await rx.waitFor((p) => p >= 50), 50);
 * ```
 */
export function watch<T>(initial: T): [WatchSender<T>, WatchReceiver<T>] {
  const shared = new WatchShared(initial);
  return [makeWatchSender(shared), makeWatchReceiver(new View(shared, 0))];
}
