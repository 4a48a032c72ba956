/**
 * Internal: `race` and `select`, the first future to settle wins and the
 * others are cancelled. Re-exported by `task.ts`.
 *
 * @module
 */
import type { WaitOptions } from "../_runtime/task_state.ts";
import { Cancelled } from "./errors.ts";
import type { JoinHandle } from "./join_handle.ts";
import { checkFuture, launch as startFuture, raceLaunched, type Settled } from "./race.ts";

/**
 * A future `race`, `select` and `timeout` accept, and cancel when they can:
 * a task handle (aborted), a function given a signal (the signal aborts), or
 * a plain promise (left to run).
 *
 * @typeParam T The value it settles with.
 *
 * @example A deadline helper that cancels the loser
 * ```ts
 * import { type Cancellable, Cancelled, race, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * function withDeadline<T>(ms: number, future: Cancellable<T>): Promise<T | "deadline"> {
 *   return race(future, (signal) => sleep(ms, { signal }).then(() => "deadline" as const));
 * }
 * const task = spawnTask(() => sleep(60_000).then(() => "done"));
 * assert.equal(await withDeadline(1, task), "deadline");
 * // The task lost, so it was aborted.
 * assert.ok((await task.then(() => null, (e) => e)) instanceof Cancelled);
 * assert.equal(await withDeadline(1_000, Promise.resolve("fast")), "fast");
 * ```
 */
export type Cancellable<T> =
  | PromiseLike<T>
  | JoinHandle<T>
  | (PromiseLike<T> & { abort(reason?: unknown): void })
  | ((signal: AbortSignal) => PromiseLike<T> | T);

/**
 * Runs any number of futures (at least one) and settles like the first to
 * finish, trpl's `race` and tokio's `select!` with `biased;`.
 *
 * - Every future starts at once: functions are called with a fresh signal.
 * - The first to settle wins: its value, or its error.
 * - Every other one is cancelled when it can be: a handle with `abort()`
 *   ({@linkcode JoinHandle}, `BlockingHandle`) is aborted, a function's signal
 *   is aborted, both with a {@linkcode Cancelled} ("it lost a race"); a plain
 *   promise is left to finish unobserved. The winner's signal is left alone.
 * - A losing function's value that comes after all is dropped, as Rust drops
 *   a losing branch: if it is `Disposable` (a semaphore permit, a mutex
 *   guard) it is disposed, so nothing it holds leaks.
 * - Among futures already settled at the call, the first in argument order
 *   wins.
 *
 * @typeParam F The futures.
 * @param futures Promises, task handles, or functions given a signal.
 * @returns The winner's result (or its error).
 * @throws {TypeError} If there is no future, or one is neither a function nor a promise
 *   (then none is started).
 *
 * @example The slower sleepers are cancelled
 * ```ts
 * import { race, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * let slowFinished = false;
 * const slow = (ms: number) => (signal: AbortSignal) =>
 *   sleep(ms, { signal }).then(() => {
 *     slowFinished = true;
 *     return "slow";
 *   });
 * const winner = await race(
 *   (signal) => sleep(10, { signal }).then(() => "fast"),
 *   slow(50),
 *   slow(70),
 * );
 * assert.deepStrictEqual([winner, slowFinished], ["fast", false]);
 * ```
 *
 * @example Biased: the first ready future in argument order wins
 * ```ts
 * import { race } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await race(Promise.resolve("a"), Promise.resolve("b")), "a");
 * ```
 */
export function race<const F extends readonly [Cancellable<unknown>, ...Cancellable<unknown>[]]>(
  ...futures: F
): Promise<Settled<F[number]>> {
  if (futures.length === 0) throw new TypeError("Cannot race: expected at least one future");
  // All are checked before any starts, so a bad one leaves nothing running.
  for (const future of futures) checkFuture(future, "race");
  const started = futures.map((future) => startFuture(future as Cancellable<unknown>));
  return raceLaunched(started, lostRace).then((won) => won.value as Settled<F[number]>);
}

function lostRace(): Cancelled {
  return new Cancelled("it lost a race");
}

/**
 * What `select` resolves with: the winning branch's key and value. Testing
 * `key` narrows `value` to that branch's type.
 *
 * @typeParam B The branches.
 *
 * @example Narrow the winner by its key
 * ```ts
 * import { select, type Selected, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const branches = {
 *   data: Promise.resolve(42),
 *   quit: (signal: AbortSignal) => sleep(1_000, { signal }),
 * };
 * function describe(winner: Selected<typeof branches>): string {
 *   return winner.key === "data" ? `data ${winner.value.toFixed(1)}` : "quit";
 * }
 * assert.equal(describe(await select(branches)), "data 42.0");
 * ```
 */
export type Selected<B> = { [K in keyof B]: { readonly key: K; readonly value: Settled<B[K]> } }[
  keyof B
];

/**
 * Waits for whichever of several named futures settles first, tokio's
 * `select!` (with `biased;`).
 *
 * - `branches` maps names to futures: promises, task handles, or functions
 *   given a signal; every one starts at once.
 * - It resolves with `{ key, value }` of the first to fulfil, or rejects with
 *   the error of the first to fail.
 * - Every other branch is cancelled as in {@linkcode race}.
 * - Among branches already settled at the call, the first in key order (the
 *   object's property order) wins.
 * - When `signal` aborts first, every branch is cancelled with its reason and
 *   the call rejects with it.
 *
 * @typeParam B The branches.
 * @param branches The named futures (at least one).
 * @param options `signal` to give up on every branch.
 * @returns The winning branch's key and value.
 * @throws {TypeError} If `branches` is not an object with at least one future.
 *
 * @example Whichever comes first: a message or a deadline
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { select, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * setTimeout(() => tx.send("hello"), 1);
 * const first = await select({
 *   message: rx.recv(),
 *   timeout: (signal) => sleep(1_000, { signal }),
 * });
 * assert.deepStrictEqual(first, { key: "message", value: "hello" });
 * ```
 */
export function select<const B extends Readonly<Record<string, Cancellable<unknown>>>>(
  branches: B,
  options?: WaitOptions,
): Promise<Selected<B>> {
  if (typeof branches !== "object" || branches === null) {
    throw new TypeError("Cannot select: expected an object of named futures");
  }
  const keys = Object.keys(branches);
  if (keys.length === 0) throw new TypeError("Cannot select: expected at least one branch");
  for (const key of keys) checkFuture(branches[key], "select");
  const started = keys.map((key) => startFuture(branches[key] as Cancellable<unknown>));
  return raceLaunched(started, lostRace, options?.signal).then(
    (won) => ({ key: keys[won.index], value: won.value }) as Selected<B>,
  );
}
