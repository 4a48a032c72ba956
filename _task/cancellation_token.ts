/**
 * Internal: `CancellationToken` and its `DropGuard` (tokio-util's
 * `sync::CancellationToken`), exported by `task.ts`.
 *
 * A token is an `AbortSignal` with a tree on top: a child's signal is
 * `AbortSignal.any([parent's signal, its own])`, so cancelling a parent
 * cancels every descendant synchronously, a child's own `cancel()` reaches no
 * one above it, and a parent holds its children only weakly (the platform's
 * `any` does), so an uncancelled child that is dropped is collected, as
 * tokio's tree removes a dropped child.
 *
 * @module
 */
import { checkFuture, type Future, launch, type Settled } from "./race.ts";
import { Waiter } from "./waiter.ts";

/**
 * A token that signals cancellation to any number of waiters, tokio-util's
 * `CancellationToken`.
 *
 * - `cancel(reason?)` cancels the token and every token made from it with
 *   `childToken()`, at once and once; later calls do nothing.
 * - A child token is cancelled with its parent, never the other way round:
 *   cancelling a child leaves its parent and siblings alone.
 * - `signal` is an `AbortSignal` view of the token: pass it to `fetch`, to
 *   `sleep`, to any call taking `{ signal }`. Its `reason` is the reason given
 *   to the `cancel()` that reached the token (an `AbortError` when none was).
 * - `cancelled()` resolves once the token is cancelled (at once if it is).
 *
 * @example Stop a worker loop from outside
 * ```ts
 * import { CancellationToken, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const token = new CancellationToken();
 * let rounds = 0;
 * const worker = spawnTask(async () => {
 *   while (!token.isCancelled) {
 *     rounds++;
 *     await sleep(1, { signal: token.signal }).catch(() => {});
 *   }
 *   return "stopped";
 * });
 * await sleep(3);
 * token.cancel();
 * assert.equal(await worker, "stopped");
 * assert.ok(rounds >= 1);
 * ```
 */
export class CancellationToken {
  /** Cancels this token (and, through `any`, its descendants). */
  readonly #controller: AbortController = new AbortController();
  /** What waiters look at: the own signal, or `any` of the parent's and the own. */
  readonly #signal: AbortSignal;

  /**
   * Creates a token that is not cancelled.
   *
   * @param parent The token this one is a child of (`childToken()` is the usual way).
   */
  constructor(parent?: CancellationToken) {
    if (parent !== undefined && !(parent instanceof CancellationToken)) {
      throw new TypeError("Cannot make a child token: the parent is not a CancellationToken");
    }
    this.#signal = parent === undefined
      ? this.#controller.signal
      : AbortSignal.any([parent.#signal, this.#controller.signal]);
  }

  /** Whether the token has been cancelled (itself or through an ancestor). */
  get isCancelled(): boolean {
    return this.#signal.aborted;
  }

  /** An `AbortSignal` that aborts when the token is cancelled, with its reason. */
  get signal(): AbortSignal {
    return this.#signal;
  }

  /**
   * Cancels the token and its children; does nothing if it is cancelled.
   *
   * @param reason Becomes `signal.reason` (an `AbortError` when omitted).
   */
  cancel(reason?: unknown): void {
    if (this.#signal.aborted) return;
    this.#controller.abort(reason);
  }

  /**
   * Makes a child token: cancelled when this one is, but cancelling it leaves
   * this one alone. A child of a cancelled token is born cancelled.
   *
   * @returns The child.
   *
   * @example Cancel a subtree, not its parent
   * ```ts
   * import { CancellationToken } from "@weft/weft/task";
   * import assert from "node:assert/strict";
   *
   * const root = new CancellationToken();
   * const child = root.childToken();
   * const grandchild = child.childToken();
   * child.cancel();
   * assert.deepStrictEqual(
   *   [root.isCancelled, child.isCancelled, grandchild.isCancelled],
   *   [false, true, true],
   * );
   * ```
   */
  childToken(): CancellationToken {
    return new CancellationToken(this);
  }

  /**
   * Waits until the token is cancelled (resolves at once if it is).
   *
   * @param options `signal` to stop waiting (rejects with `signal.reason`);
   *   aborting the task that waits rejects it with the task's reason.
   * @returns A promise that resolves once the token is cancelled.
   *
   * @example Wait for a shutdown request
   * ```ts
   * import { CancellationToken } from "@weft/weft/task";
   * import assert from "node:assert/strict";
   *
   * const token = new CancellationToken();
   * const stopped = token.cancelled().then(() => "stopped");
   * token.cancel();
   * assert.equal(await stopped, "stopped");
   * ```
   */
  cancelled(options?: { signal?: AbortSignal }): Promise<void> {
    if (this.#signal.aborted) return Promise.resolve();
    return Waiter.start<void>(options?.signal, (waiter) => {
      const onCancel = () => waiter.settle();
      this.#signal.addEventListener("abort", onCancel, { once: true });
      waiter.onDrop = () => this.#signal.removeEventListener("abort", onCancel);
    });
  }

  /**
   * Runs `future` until it settles or the token is cancelled, tokio-util's
   * `run_until_cancelled`. If the token is cancelled first, the future is
   * cancelled too (a function's signal aborts, a handle is aborted) and the
   * result is `undefined`; a token already cancelled never starts it.
   *
   * @typeParam F The future.
   * @param future A promise, a task handle, or a function given a signal.
   * @returns The future's value, or `undefined` if the token was cancelled first.
   * @throws {TypeError} If `future` is neither a function nor a promise.
   *
   * @example A slow job gives way to cancellation
   * ```ts
   * import { CancellationToken, sleep } from "@weft/weft/task";
   * import assert from "node:assert/strict";
   *
   * const token = new CancellationToken();
   * const job = token.runUntilCancelled((signal) => sleep(60_000, { signal }).then(() => "done"));
   * token.cancel();
   * assert.equal(await job, undefined);
   * ```
   */
  runUntilCancelled<F extends PromiseLike<unknown> | ((signal: AbortSignal) => unknown)>(
    future: F,
  ): Promise<Settled<F> | undefined> {
    checkFuture(future, "run until cancelled");
    if (this.#signal.aborted) return Promise.resolve(undefined);
    const work = launch(future as Future<Settled<F>>);
    const signal = this.#signal;
    return new Promise<Settled<F> | undefined>((resolve, reject) => {
      const onCancel = () => {
        work.cancel(signal.reason);
        resolve(undefined);
      };
      signal.addEventListener("abort", onCancel, { once: true });
      const done = () => signal.removeEventListener("abort", onCancel);
      work.promise.then(
        (value) => {
          done();
          resolve(value);
        },
        (error) => {
          done();
          reject(error);
        },
      );
    });
  }

  /**
   * Returns a guard that cancels the token when disposed, tokio-util's
   * `drop_guard`: `using guard = token.dropGuard()` cancels on every way out
   * of the block, unless `guard.disarm()` was called.
   *
   * @returns The guard.
   *
   * @example Cancel when a block is left
   * ```ts
   * import { CancellationToken } from "@weft/weft/task";
   * import assert from "node:assert/strict";
   *
   * const token = new CancellationToken();
   * {
   *   using _guard = token.dropGuard();
   *   assert.equal(token.isCancelled, false);
   * }
   * assert.equal(token.isCancelled, true);
   * ```
   */
  dropGuard(): DropGuard {
    return new DropGuard(this);
  }
}

/**
 * Cancels its token when disposed, unless disarmed, tokio-util's `DropGuard`.
 *
 * @example Disarm a guard to keep the token alive
 * ```ts
 * import { CancellationToken } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const token = new CancellationToken();
 * {
 *   using guard = token.dropGuard();
 *   assert.ok(guard.disarm() === token);
 * }
 * assert.equal(token.isCancelled, false);
 * ```
 */
export class DropGuard implements Disposable {
  /** The token to cancel, until disarmed. */
  #token: CancellationToken | null;

  /**
   * Creates a guard for `token` (`token.dropGuard()` is the usual way).
   *
   * @param token The token to cancel on disposal.
   */
  constructor(token: CancellationToken) {
    if (!(token instanceof CancellationToken)) {
      throw new TypeError("Cannot make a drop guard: expected a CancellationToken");
    }
    this.#token = token;
  }

  /**
   * Gives the token back without cancelling it; disposal then does nothing.
   *
   * @returns The token.
   * @throws {TypeError} If the guard was already disarmed or disposed.
   */
  disarm(): CancellationToken {
    const token = this.#token;
    if (token === null) throw new TypeError("Cannot disarm: the guard is already spent");
    this.#token = null;
    return token;
  }

  /** Cancels the token, unless disarmed. */
  [Symbol.dispose](): void {
    const token = this.#token;
    this.#token = null;
    token?.cancel();
  }
}
