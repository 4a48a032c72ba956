/**
 * Internal: the ring of tokio's `sync::broadcast` (1.24), which every
 * receiver reads at its own pace: capacity rounded up to a power of two;
 * each slot remembers the position written into it; a receiver whose next
 * position was overwritten is told how many values it missed (a `Lag`) and
 * moves to the oldest value kept. A send wakes every waiting receiver, in the
 * order they began to wait.
 *
 * @module
 */
import { Friends } from "../_runtime/friends.ts";
import { DONE, PENDING, type Waker } from "../_runtime/poll.ts";

/** One place in the ring. */
class Slot<T> {
  /** The position last written here. */
  pos: number;
  /** Receivers that still have to read it; the value is dropped at 0. */
  rem = 0;
  /** The value, until every receiver has read it. */
  value: T | undefined = undefined;
  constructor(pos: number) {
    this.pos = pos;
  }
}

/** A poll found that the receiver missed values: `skipped` of them. */
export class Lag {
  readonly skipped: number;
  constructor(skipped: number) {
    this.skipped = skipped;
  }
}

/** What one receive attempt gives. */
export type RecvPoll<T> = T | Lag | typeof PENDING | typeof DONE;

/** The state every sender and receiver shares. */
export class BroadcastShared<T> {
  /** The ring. */
  readonly buffer: Slot<T>[];
  /** The next position to write. */
  tail = 0;
  /** Receivers alive. */
  receivers = 1;
  /** Senders alive. */
  senders = 1;
  /** Set once the last sender is gone. */
  closed = false;
  /** Receivers waiting for a value, in the order they began to wait. */
  waiters: Set<Cursor<T>> = new Set();

  constructor(capacity: number) {
    const size = nextPowerOfTwo(capacity);
    this.buffer = [];
    for (let i = 0; i < size; i++) this.buffer.push(new Slot<T>(i - size));
  }

  /** Writes `value` for every receiver; returns how many there are (0: refused). */
  send(value: T): number {
    const receivers = this.receivers;
    if (receivers === 0) return 0;
    const pos = this.tail++;
    const slot = this.buffer[pos % this.buffer.length]!;
    slot.pos = pos;
    slot.rem = receivers;
    slot.value = value;
    this.#notify();
    return receivers;
  }

  /** One sender fewer; the channel closes with the last. */
  dropSender(): void {
    if (--this.senders > 0) return;
    this.closed = true;
    this.#notify();
  }

  /** A new receiver, reading from the next value sent. */
  subscribe(): Cursor<T> {
    this.receivers++;
    return new Cursor(this, this.tail);
  }

  /** Wakes every waiting receiver. */
  #notify(): void {
    if (this.waiters.size === 0) return;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const cursor of waiters) cursor.wake();
  }
}

/** One receiver's place in the ring; registered in `waiters` while it waits. */
export class Cursor<T> implements Waker {
  /** The channel, until the receiver is dropped. */
  shared: BroadcastShared<T> | null;
  /** The next position to read. */
  next: number;
  /** Whom to wake when a value arrives or the channel closes. */
  waker: Waker | null = null;
  /** Whether a `recv()`, a loop or a stream is consuming (one consumer at a time). */
  busy = false;

  constructor(shared: BroadcastShared<T>, next: number) {
    this.shared = shared;
    this.next = next;
  }

  /** Receives: a value, a `Lag`, DONE once closed and read, or PENDING (then `cx` is woken). */
  recv(cx: Waker | null): RecvPoll<T> {
    const shared = this.shared;
    if (shared === null) return DONE;
    const buffer = shared.buffer;
    const slot = buffer[this.next % buffer.length]!;
    if (slot.pos !== this.next) {
      if (slot.pos + buffer.length === this.next) {
        // Nothing new for this receiver.
        if (shared.closed) return DONE;
        if (cx !== null) {
          this.waker = cx;
          shared.waiters.add(this);
        }
        return PENDING;
      }
      // Overwritten: go on from the oldest value kept.
      const oldest = shared.tail - buffer.length;
      const missed = oldest - this.next;
      this.next = oldest;
      return new Lag(missed);
    }
    this.next++;
    const value = slot.value as T;
    if (--slot.rem === 0) slot.value = undefined;
    return value;
  }

  /** Called by the channel: a value arrived or it closed. */
  wake(): void {
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }

  /** Stops waiting (the wait was cancelled). */
  unregister(): void {
    this.waker = null;
    this.shared?.waiters.delete(this);
  }

  /** Drops the receiver: it stops counting, and releases the values it had not read. */
  drop(): void {
    const shared = this.shared;
    if (shared === null) return;
    this.unregister();
    shared.receivers--;
    const until = shared.tail;
    while (this.next < until && this.recv(null) !== DONE) {
      // Each read releases a slot (a Lag just moves on).
    }
    this.shared = null;
  }
}

function nextPowerOfTwo(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/** The cursor behind each receiver handle (for `Stream.from`). */
export const cursors = new Friends<Cursor<unknown>>();
