/**
 * Internal: `Notify` and its state (tokio `sync::Notify`).
 *
 * `notified()` joins the queue when it is called (tokio's `Notified` after
 * `enable()`). `notifyOne()` wakes the oldest waiter, or stores one permit
 * when nobody waits (never more than one); the next `notified()` takes it.
 * `notifyWaiters()` wakes everyone waiting now, oldest first, and stores
 * nothing.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { checkWaitOptions, QueuedWait, WaitList } from "./wait_list.ts";

/** A `notified()` waiting. */
class NotifiedWait extends QueuedWait<void> {
  /** The notify. */
  readonly state: NotifyState;

  constructor(state: NotifyState) {
    super();
    this.state = state;
  }

  protected detach(): void {
    this.state.waiters.remove(this);
  }
}

/** The shared state of one notify. */
export class NotifyState {
  /** Set by a `notifyOne()` that found nobody waiting. */
  permit = false;
  /** `notified()` calls waiting, oldest first. */
  readonly waiters: WaitList<NotifiedWait> = new WaitList();

  /** Resolves at the next notification, or at once by taking a stored permit. */
  notified(options: WaitOptions | undefined): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.permit) {
      this.permit = false;
      return Promise.resolve();
    }
    const wait = new NotifiedWait(this);
    const promise = wait.begin(options);
    if (!wait.done) this.waiters.push(wait);
    return promise;
  }

  /** Wakes the oldest (`last`: the newest) waiter, or stores the permit. */
  notifyOne(last: boolean): void {
    const wait = last ? this.waiters.pop() : this.waiters.shift();
    if (wait === null) this.permit = true;
    else wait.resolve(undefined);
  }

  /** Wakes every waiter there is now, oldest first. */
  notifyWaiters(): void {
    for (const wait of this.waiters.takeAll()) wait.resolve(undefined);
  }
}

/**
 * Wakes tasks waiting for an event (tokio's `sync::Notify`), without data.
 *
 * - `notified()` starts waiting when it is called (tokio's `Notified` once
 *   enabled): a notification made after the call reaches it even if nothing
 *   awaits the promise yet.
 * - `notifyOne()` wakes the oldest waiter; when nobody waits it stores one
 *   permit (never more than one) that the next `notified()` takes at once.
 * - `notifyLast()` is the same but wakes the newest waiter.
 * - `notifyWaiters()` wakes every waiter there is now, oldest first, and
 *   stores nothing (a permit already stored stays).
 * - Aborting a waiting `notified()` (its signal or its task) withdraws it; a
 *   later `notifyOne()` goes to the next waiter.
 *
 * @example A permit stored before anyone waits
 * ```ts
 * import { Notify } from "@weft/weft/sync";
 * import assert from "node:assert/strict";
 *
 * const notify = new Notify();
 * notify.notifyOne();
 * notify.notifyOne(); // still one permit
 * await notify.notified();
 * let woken = false;
 * notify.notified().then(() => (woken = true));
 * await Promise.resolve();
 * assert.equal(woken, false);
 * notify.notifyWaiters();
 * ```
 */
export class Notify {
  /** The waiters and the stored permit. */
  readonly #state: NotifyState = new NotifyState();

  /**
   * Waits for a notification; resolves at once by taking a stored permit.
   *
   * @param options `signal` to stop waiting; the promise then rejects with `signal.reason`.
   * @returns A promise that resolves when notified.
   *
   * @example Wait for a notification
   * ```ts
   * import { Notify } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const seen: string[] = [];
   * const waiting = notify.notified().then(() => seen.push("notified"));
   * notify.notifyOne();
   * await waiting;
   * assert.deepStrictEqual(seen, ["notified"]);
   * ```
   */
  notified(options?: WaitOptions): Promise<void> {
    return this.#state.notified(checkWaitOptions(options, "wait for a notification"));
  }

  /**
   * Wakes the oldest waiter, or stores one permit if nobody waits.
   *
   * @example The first waiter is woken
   * ```ts
   * import { Notify } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const woken: number[] = [];
   * notify.notified().then(() => woken.push(1));
   * notify.notified().then(() => woken.push(2));
   * notify.notifyOne();
   * await Promise.resolve();
   * assert.deepStrictEqual(woken, [1]);
   * notify.notifyOne();
   * ```
   */
  notifyOne(): void {
    this.#state.notifyOne(false);
  }

  /**
   * Wakes the newest waiter, or stores one permit if nobody waits.
   *
   * @example The last waiter is woken
   * ```ts
   * import { Notify } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const woken: number[] = [];
   * notify.notified().then(() => woken.push(1));
   * notify.notified().then(() => woken.push(2));
   * notify.notifyLast();
   * await Promise.resolve();
   * assert.deepStrictEqual(woken, [2]);
   * notify.notifyLast();
   * ```
   */
  notifyLast(): void {
    this.#state.notifyOne(true);
  }

  /**
   * Wakes every current waiter, oldest first; stores no permit.
   *
   * @example Nothing is stored for later waiters
   * ```ts
   * import { Notify } from "@weft/weft/sync";
   * import assert from "node:assert/strict";
   *
   * const notify = new Notify();
   * const first = notify.notified();
   * notify.notifyWaiters();
   * await first;
   * const controller = new AbortController();
   * const later = notify.notified({ signal: controller.signal });
   * controller.abort("not notified");
   * await assert.rejects(later, (reason) => reason === "not notified");
   * ```
   */
  notifyWaiters(): void {
    this.#state.notifyWaiters();
  }
}
