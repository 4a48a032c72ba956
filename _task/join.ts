/**
 * Internal: `join` and `joinAll`, waiting for every future. Re-exported by
 * `task.ts`.
 *
 * @module
 */
import { resultOf } from "./join_handle.ts";

/** The results of a tuple of promises, in order. */
export type Awaited_<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/**
 * Waits for every given future and returns their results in order, trpl's
 * `join`/`join!` (`Promise.all` for tasks and promises).
 *
 * @typeParam T The futures' types.
 * @param futures Promises, task handles or other thenables.
 * @returns Their results, in the order given; rejects with the first failure.
 *
 * @example Join two tasks
 * ```ts
 * import { join, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = await join(spawnTask(async () => 1), sleep(1).then(() => "two"));
 * assert.deepStrictEqual([a, b], [1, "two"]);
 * ```
 */
export function join<T extends readonly unknown[]>(...futures: T): Promise<Awaited_<T>> {
  return Promise.all(futures.map(resultOf)) as Promise<Awaited_<T>>;
}

/**
 * Waits for every future of an iterable, trpl's `join_all`.
 *
 * @typeParam T The futures' result.
 * @param futures Promises, task handles or other thenables.
 * @returns Their results, in order; rejects with the first failure.
 * @throws {TypeError} If `futures` is not iterable.
 *
 * @example Join a list of tasks
 * ```ts
 * import { joinAll, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const handles = [1, 2, 3].map((n) => spawnTask(async () => n * 10));
 * assert.deepStrictEqual(await joinAll(handles), [10, 20, 30]);
 * ```
 */
export function joinAll<T>(futures: Iterable<T | PromiseLike<T>>): Promise<T[]> {
  if (futures === null || typeof (futures as Iterable<T>)[Symbol.iterator] !== "function") {
    throw new TypeError("Cannot join: expected an iterable of futures");
  }
  // A handle joins through its outcome's promise, not as a thenable (which
  // would cost Promise.all a job, a promise and two functions per handle).
  const results: unknown[] = [];
  try {
    for (const future of futures) results.push(resultOf(future));
  } catch (error) {
    return Promise.reject(error);
  }
  return Promise.all(results) as Promise<T[]>;
}
