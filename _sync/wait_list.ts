/**
 * Internal: the waiter queue every sync primitive shares (tokio's intrusive
 * waiter list): a FIFO of waits (`SignalWait`s: each tied to the running task
 * and to its signal, each settling one promise).
 *
 * A wait settles synchronously when the primitive hands it what it waited
 * for, as a bounded channel accepts a waiting send: its continuation runs in
 * the next microtasks, in the order the waits were served. Aborting a wait
 * (its signal, or the task it runs in) withdraws it first, so it never takes
 * anything afterwards: its `detach()` leaves the queue and gives back what it
 * was assigned.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { SignalWait } from "../_runtime/wait.ts";

/** A node of a {@linkcode WaitList}. */
export interface Linked {
  /** The node queued before this one. */
  prev: Linked | null;
  /** The node queued after this one. */
  next: Linked | null;
  /** Whether it is in its queue. */
  queued: boolean;
}

/**
 * One queued wait; `T` is what it resolves with. Settling once, the signal
 * and the task's abort are `SignalWait`'s; this adds the place in a queue.
 */
export abstract class QueuedWait<T> extends SignalWait<T> implements Linked {
  /** The wait queued before this one. */
  prev: Linked | null = null;
  /** The wait queued after this one. */
  next: Linked | null = null;
  /** Whether it is in its queue. */
  queued = false;
}

/** A FIFO of waits with O(1) removal from anywhere. */
export class WaitList<W extends Linked> {
  /** The oldest wait. */
  head: W | null = null;
  /** The newest wait. */
  tail: W | null = null;
  /** How many waits are queued. */
  length = 0;

  /** Queues `wait` last. */
  push(wait: W): void {
    wait.queued = true;
    wait.prev = this.tail;
    wait.next = null;
    if (this.tail === null) this.head = wait;
    else this.tail.next = wait;
    this.tail = wait;
    this.length++;
  }

  /** Takes the oldest wait off the queue. */
  shift(): W | null {
    const wait = this.head;
    if (wait !== null) this.remove(wait);
    return wait;
  }

  /** Takes the newest wait off the queue. */
  pop(): W | null {
    const wait = this.tail;
    if (wait !== null) this.remove(wait);
    return wait;
  }

  /** Takes `wait` off the queue; harmless when it is not queued. */
  remove(wait: W): void {
    if (!wait.queued) return;
    wait.queued = false;
    const { prev, next } = wait;
    if (prev === null) this.head = next as W | null;
    else prev.next = next;
    if (next === null) this.tail = prev as W | null;
    else next.prev = prev;
    wait.prev = wait.next = null;
    this.length--;
  }

  /** Empties the queue and returns its waits, oldest first. */
  takeAll(): W[] {
    const waits: W[] = [];
    for (let wait = this.shift(); wait !== null; wait = this.shift()) waits.push(wait);
    return waits;
  }
}

/** Checks the options bag of a call that can wait; returns it. */
export function checkWaitOptions(options: unknown, action: string): WaitOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${describe(options)}`);
  }
  const signal = (options as { signal?: unknown }).signal;
  if (signal === undefined || signal instanceof AbortSignal) return options as WaitOptions;
  throw new TypeError(
    `Cannot ${action}: options.signal must be an AbortSignal, got ${describe(signal)}`,
  );
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
}
