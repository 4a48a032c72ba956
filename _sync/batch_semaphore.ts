/**
 * Internal: tokio's batch semaphore, the core of `Semaphore`, `Mutex` and
 * `RwLock`.
 *
 * Waiters queue strictly FIFO. Released permits go to the head of the queue
 * first, even part of what it asks for (it keeps them while it waits for the
 * rest), so a large request at the head blocks later small ones, and a
 * writer of an `RwLock` (which asks for every reader permit) is never starved.
 * Consequence: while anyone waits, no permit is available. A waiter that is
 * aborted gives back what it was assigned, which may serve the ones behind it.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { QueuedWait, WaitList } from "./wait_list.ts";

/** The largest number of permits a semaphore holds (the largest safe integer). */
export const MAX_PERMITS: number = Number.MAX_SAFE_INTEGER;

/** Checks a permit count: an integer from 0 to `MAX_PERMITS`. */
export function checkPermits(n: unknown, action: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_PERMITS) {
    throw new RangeError(
      `Cannot ${action}: the count must be an integer from 0 to MAX_PERMITS, got ${String(n)}`,
    );
  }
  return n;
}

/** An `acquire` waiting for permits; resolves with the handle made for it. */
class AcquireWait extends QueuedWait<unknown> {
  /** The semaphore. */
  readonly state: SemaphoreState;
  /** What the acquire resolves with (a permit or a guard, made up front). */
  readonly result: unknown;
  /** Permits asked for. */
  readonly requested: number;
  /** Permits still missing. */
  needed: number;

  constructor(state: SemaphoreState, requested: number, result: unknown) {
    super();
    this.state = state;
    this.requested = requested;
    this.needed = requested;
    this.result = result;
  }

  protected detach(): void {
    this.state.waiters.remove(this);
    const assigned = this.requested - this.needed;
    if (assigned > 0) this.state.release(assigned);
  }
}

/** The shared state of one semaphore. */
export class SemaphoreState {
  /** Permits nobody holds or waits on. */
  permits: number;
  /** Set by `close()`: acquires fail from then on. */
  closed = false;
  /** Acquires waiting, oldest first. */
  readonly waiters: WaitList<AcquireWait> = new WaitList();
  /** Makes the error a refused acquire rejects with. */
  readonly closedError: () => Error;

  constructor(permits: number, closedError: () => Error) {
    this.permits = permits;
    this.closedError = closedError;
  }

  /** Takes `n` permits if they are free now (never while others wait for theirs). */
  tryTake(n: number): boolean {
    if (this.closed) throw this.closedError();
    if (this.permits < n) return false;
    this.permits -= n;
    return true;
  }

  /**
   * Takes `n` permits, waiting in line if they are not all free; resolves
   * with `result` once they are held.
   */
  acquire<R>(n: number, result: R, options: WaitOptions | undefined): Promise<R> {
    if (this.closed) return Promise.reject(this.closedError());
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    // While anyone waits no permit is free, so this never jumps the queue.
    if (this.permits >= n) {
      this.permits -= n;
      return Promise.resolve(result);
    }
    const wait = new AcquireWait(this, n, result);
    const promise = wait.begin(options) as Promise<R>;
    if (wait.done) return promise;
    wait.needed -= this.permits;
    this.permits = 0;
    this.waiters.push(wait);
    return promise;
  }

  /** Gives `n` permits back: to the waiters first, oldest first, the rest to the pool. */
  release(n: number): void {
    const waiters = this.waiters;
    let head = waiters.head;
    while (head !== null && n > 0) {
      if (head.needed > n) {
        head.needed -= n;
        return;
      }
      n -= head.needed;
      head.needed = 0;
      waiters.shift();
      head.resolve(head.result);
      head = waiters.head;
    }
    if (n > 0) this.#refill(n);
  }

  /** Decreases the free permits by up to `n`; returns how many were removed. */
  forget(n: number): number {
    const removed = Math.min(n, this.permits);
    this.permits -= removed;
    return removed;
  }

  /** Refuses every waiting and later acquire; assigned permits return to the pool. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const wait of this.waiters.takeAll()) {
      this.permits += wait.requested - wait.needed;
      wait.reject(this.closedError());
    }
  }

  #refill(n: number): void {
    if (n > MAX_PERMITS - this.permits) {
      throw new RangeError(
        `Cannot add ${n} permits: the semaphore would hold more than MAX_PERMITS`,
      );
    }
    this.permits += n;
  }
}
