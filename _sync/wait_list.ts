/**
 * Internal: the waiter queue every sync primitive shares (tokio's intrusive
 * waiter list): a FIFO of waits, each tied to the running task and to its
 * signal, each settling one promise.
 *
 * A wait settles synchronously when the primitive hands it what it waited
 * for, as a bounded channel accepts a waiting send: its continuation runs in
 * the next microtasks, in the order the waits were served. Aborting a wait
 * (its signal, or the task it runs in) withdraws it first, so it never takes
 * anything afterwards.
 *
 * @module
 */
import { linkWait, unlinkWait, Wait } from "../_runtime/task_state.ts";

/** A node of a {@linkcode WaitList}. */
export interface Linked {
  /** The node queued before this one. */
  prev: Linked | null;
  /** The node queued after this one. */
  next: Linked | null;
  /** Whether it is in its queue. */
  queued: boolean;
}

/** One queued wait; `T` is what it resolves with. */
export abstract class QueuedWait<T> extends Wait implements Linked {
  /** The wait queued before this one. */
  prev: Linked | null = null;
  /** The wait queued after this one. */
  next: Linked | null = null;
  /** Whether it is in its queue. */
  queued = false;
  /** Whether its promise has settled. */
  settled = false;
  /** Its abort signal, while it waits. */
  signal: AbortSignal | undefined = undefined;
  /** Resolves its promise. */
  resolve!: (value: T) => void;
  /** Rejects its promise. */
  reject!: (reason: unknown) => void;

  /** Gives back whatever the primitive had assigned to it and leaves the queue. */
  protected abstract withdraw(): void;

  /**
   * Ties the wait to the running task and returns its promise. When that task
   * is already aborted the promise rejects at once and `settled` is set: the
   * caller must not queue the wait then.
   */
  begin(): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const aborted = linkWait(this);
    if (aborted !== undefined) {
      this.settled = true;
      this.reject(aborted.reason);
    }
    return promise;
  }

  /** Starts listening to `signal`, once the wait is queued. */
  listen(signal: AbortSignal | undefined): void {
    if (signal === undefined) return;
    this.signal = signal;
    signal.addEventListener("abort", this);
  }

  /** Served: resolves with `value` (the primitive took it off its queue). */
  finish(value: T): void {
    this.#detach();
    this.resolve(value);
  }

  /** Refused: rejects with `reason` (the primitive took it off its queue). */
  fail(reason: unknown): void {
    this.#detach();
    this.reject(reason);
  }

  /** Aborted: withdraws, then rejects with `reason`. */
  cancel(reason: unknown): void {
    if (this.settled) return;
    this.withdraw();
    this.fail(reason);
  }

  /** The signal's abort listener. */
  handleEvent(): void {
    this.cancel(this.signal?.reason);
  }

  #detach(): void {
    this.settled = true;
    unlinkWait(this);
    const signal = this.signal;
    if (signal === undefined) return;
    this.signal = undefined;
    signal.removeEventListener("abort", this);
  }
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

/** Checks the options bag of a call that can wait. */
export function checkWaitOptions(options: unknown, action: string): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${describe(options)}`);
  }
  const signal = (options as { signal?: unknown }).signal;
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new TypeError(
    `Cannot ${action}: options.signal must be an AbortSignal, got ${describe(signal)}`,
  );
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
}
