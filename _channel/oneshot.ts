/**
 * Internal: tokio's `sync::oneshot`, one value from one sender to one
 * receiver. Re-exported by `channel.ts`.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { SignalWait } from "../_runtime/wait.ts";
import { RecvError, SendError } from "./errors.ts";

/** Where the one value is. */
const EMPTY = 0;
const FULL = 1;
const TAKEN = 2;
type ValueStatus = typeof EMPTY | typeof FULL | typeof TAKEN;

/** A pending `recv()` (or `await rx`). */
class OneshotRecv<T> extends SignalWait<T> {
  readonly #state: OneshotState<T>;
  constructor(state: OneshotState<T>) {
    super();
    this.#state = state;
  }
  protected detach(): void {
    if (this.#state.recv === this) this.#state.recv = null;
  }
}

/** A pending `tx.closed()`. */
class ClosedWait extends SignalWait<void> {
  readonly #waits: Set<ClosedWait>;
  constructor(waits: Set<ClosedWait>) {
    super();
    this.#waits = waits;
  }
  protected detach(): void {
    this.#waits.delete(this);
  }
}

/** The state both halves share. */
class OneshotState<T> {
  /** The value, once sent. */
  value: T | undefined = undefined;
  /** Whether the value is absent, waiting, or received. */
  status: ValueStatus = EMPTY;
  /** Set once the sender sent or was dropped. */
  senderDone = false;
  /** Set once the receiver is closed. */
  receiverClosed = false;
  /** The pending receive, if any. */
  recv: OneshotRecv<T> | null = null;
  /** Pending `tx.closed()` calls. */
  readonly closedWaits: Set<ClosedWait> = new Set();

  /** Takes the value (it must be there). */
  take(): T {
    const value = this.value as T;
    this.value = undefined;
    this.status = TAKEN;
    return value;
  }

  /** Why nothing can be received, or null if a value may still come. */
  refusal(): RecvError | null {
    if (this.status === TAKEN) {
      return new RecvError("Cannot receive: the value was already received");
    }
    if (this.senderDone) {
      return new RecvError("Cannot receive: the sender was dropped without sending");
    }
    if (this.receiverClosed) return new RecvError("Cannot receive: the receiver is closed");
    return null;
  }

  /** Settles the pending receive with what is there now. */
  settleRecv(): void {
    const recv = this.recv;
    if (recv === null) return;
    if (this.status === FULL) {
      this.recv = null;
      recv.resolve(this.take());
      return;
    }
    const refusal = this.refusal();
    if (refusal === null) return;
    this.recv = null;
    recv.reject(refusal);
  }
}

/** Make the handles; set by their classes' static blocks (their constructors are private). */
let makeOneshotSender: <T>(state: OneshotState<T>) => OneshotSender<T>;
let makeOneshotReceiver: <T>(state: OneshotState<T>) => OneshotReceiver<T>;

/**
 * The sending half of a {@linkcode oneshot} channel: sends one value, once.
 *
 * @typeParam T The value sent.
 *
 * @example Learn that the receiver is gone
 * ```ts
 * import { oneshot } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = oneshot<number>();
 * const closed = tx.closed();
 * rx.close();
 * await closed;
 * assert.equal(tx.isClosed, true);
 * ```
 */
export class OneshotSender<T> implements Disposable {
  static {
    makeOneshotSender = <T>(state: OneshotState<T>) => new OneshotSender<T>(state);
  }

  /** The shared state. */
  readonly #state: OneshotState<T>;
  /** Whether this handle sent or was closed. */
  #used = false;

  private constructor(state: OneshotState<T>) {
    this.#state = state;
  }

  /**
   * Sends `value`; the sender is used up, as tokio's `send(self)`.
   *
   * @param value The value.
   * @throws {SendError} If the receiver is closed, or this sender already sent or was closed.
   */
  send(value: T): void {
    if (this.#used) throw new SendError(value, "Cannot send: this sender is used up");
    this.#used = true;
    const state = this.#state;
    state.senderDone = true;
    if (state.receiverClosed) throw new SendError(value, "Cannot send: the receiver is closed");
    state.value = value;
    state.status = FULL;
    state.settleRecv();
  }

  /** Whether the receiver is closed: a `send` would fail. */
  get isClosed(): boolean {
    return this.#state.receiverClosed;
  }

  /**
   * Waits until the receiver is closed (tokio's `closed()`).
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves once the receiver is closed or dropped.
   */
  closed(options?: WaitOptions): Promise<void> {
    const state = this.#state;
    if (state.receiverClosed) return Promise.resolve();
    const wait = new ClosedWait(state.closedWaits);
    state.closedWaits.add(wait);
    return wait.begin(options);
  }

  /** Drops the sender without sending: the receiver gets {@linkcode RecvError}. Harmless after `send`. */
  close(): void {
    if (this.#used) return;
    this.#used = true;
    this.#state.senderDone = true;
    this.#state.settleRecv();
  }

  /** Closes the sender, as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * The receiving half of a {@linkcode oneshot} channel. It is awaitable:
 * `await rx` resolves with the value, or rejects with {@linkcode RecvError}
 * when the sender was dropped without sending. Awaiting it again gives the
 * same outcome.
 *
 * @typeParam T The value received.
 *
 * @example Await the value
 * ```ts
 * import { oneshot } from "@weft/weft/channel";
 * import { spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = oneshot<string>();
 * spawnTask(() => tx.send("done"));
 * assert.equal(await rx, "done");
 * ```
 */
export class OneshotReceiver<T> implements PromiseLike<T>, Disposable {
  static {
    makeOneshotReceiver = <T>(state: OneshotState<T>) => new OneshotReceiver<T>(state);
  }

  /** The shared state. */
  readonly #state: OneshotState<T>;
  /** The outcome `await rx` sees, once asked for. */
  #outcome: Promise<T> | null = null;

  private constructor(state: OneshotState<T>) {
    this.#state = state;
  }

  /**
   * Waits for the value.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns The value.
   * @throws {RecvError} (as a rejection) If the sender was dropped without sending, the
   *   receiver was closed first, or the value was already received.
   * @throws {TypeError} (as a rejection) If another `recv()` is waiting.
   */
  recv(options?: WaitOptions): Promise<T> {
    const state = this.#state;
    if (state.status === FULL) return Promise.resolve(state.take());
    const refusal = state.refusal();
    if (refusal !== null) return Promise.reject(refusal);
    if (state.recv !== null) {
      return Promise.reject(new TypeError("Cannot receive: a recv() is already waiting"));
    }
    const wait = new OneshotRecv(state);
    state.recv = wait;
    return wait.begin(options);
  }

  /** Awaits the value, as `recv()`; every `await` sees the same outcome. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#outcome ??= this.recv();
    return this.#outcome.then(onFulfilled, onRejected);
  }

  /**
   * Takes the value if it was sent.
   *
   * @returns The value, or `undefined` if it has not been sent yet.
   * @throws {RecvError} If the sender was dropped without sending, the receiver
   *   was closed, or the value was already received.
   */
  tryRecv(): T | undefined {
    const state = this.#state;
    if (state.status === FULL) return state.take();
    const refusal = state.refusal();
    if (refusal !== null) throw refusal;
    return undefined;
  }

  /**
   * Stops the sender: its `send` now fails and `closed()` resolves. A value
   * sent before can still be received; otherwise a pending or later receive
   * rejects with {@linkcode RecvError}.
   */
  close(): void {
    const state = this.#state;
    if (state.receiverClosed) return;
    state.receiverClosed = true;
    const waits = [...state.closedWaits];
    state.closedWaits.clear();
    for (const wait of waits) wait.resolve();
    state.settleRecv();
  }

  /** Closes the receiver, as `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Creates a channel for one value, tokio's `sync::oneshot::channel()`.
 *
 * - `tx.send(v)` delivers at once and uses the sender up; it throws
 *   {@linkcode SendError} (value attached) if the receiver is closed.
 * - Dropping the sender (`close()`, `using`) without sending makes the
 *   receiver reject with {@linkcode RecvError}.
 * - `rx.close()` (or `using`) makes later sends fail and resolves
 *   `tx.closed()`; a value sent before is still received.
 *
 * @typeParam T The value sent.
 * @returns The sender and the receiver.
 *
 * @example Reply to a request
 * ```ts
 * import { oneshot } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = oneshot<number>();
 * tx.send(42);
 * assert.equal(await rx, 42);
 * ```
 */
export function oneshot<T>(): [OneshotSender<T>, OneshotReceiver<T>] {
  const state = new OneshotState<T>();
  return [makeOneshotSender(state), makeOneshotReceiver(state)];
}
