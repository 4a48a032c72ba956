/**
 * Internal: `join` and `joinAll`, waiting for every future. Re-exported by
 * `task.ts`.
 *
 * @module
 */
import type { OutcomeWaiter } from "../_runtime/outcome.ts";
import { withResolvers } from "../_runtime/promise.ts";
import { outcomeOf, resultOf } from "./join_handle.ts";

/**
 * The results of a tuple of promises, in order: what {@linkcode join}
 * resolves with.
 *
 * @typeParam T The futures' types.
 *
 * @example Each position keeps its own type
 * ```ts
 * import { type Awaited_, join, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const futures = [spawnTask(() => 1), Promise.resolve("two"), 3] as const;
 * const results: Awaited_<typeof futures> = await join(...futures);
 * const [one, two, three]: [number, string, 3] = results;
 * assert.deepStrictEqual([one, two, three], [1, "two", 3]);
 * ```
 */
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
  const list: unknown[] = [];
  let handles = true;
  try {
    for (const future of futures) {
      list.push(future);
      handles &&= outcomeOf(future) !== undefined;
    }
  } catch (error) {
    return Promise.reject(error);
  }
  if (handles) return joinHandles(list) as Promise<T[]>;
  // A handle among other futures joins through its outcome's promise, not as
  // a thenable (which would cost Promise.all a job, a promise and two
  // functions per handle).
  return Promise.all(list.map(resultOf)) as Promise<T[]>;
}

/**
 * `Promise.all` of task handles, without an object per handle: one waiter
 * waits on every handle's outcome, and reads their values, kept by the
 * outcomes, once the last has settled.
 */
function joinHandles(handles: readonly unknown[]): Promise<unknown[]> {
  const all = new JoinAll(handles);
  if (handles.length === 0) all.resolvers.resolve([]);
  for (const handle of handles) outcomeOf(handle)!.join(all);
  return all.resolvers.promise;
}

/** One `joinAll` of handles, waiting on every one's outcome. */
class JoinAll implements OutcomeWaiter {
  readonly #handles: readonly unknown[];
  readonly resolvers: PromiseWithResolvers<unknown[]> = withResolvers();
  /** Handles not settled yet. */
  #remaining: number;
  /** Set once it has resolved or rejected. */
  #done = false;

  constructor(handles: readonly unknown[]) {
    this.#handles = handles;
    this.#remaining = handles.length;
  }

  /** A handle settled: the first failure rejects, the last success resolves. */
  outcomeSettled(ok: boolean, value: unknown): void {
    if (this.#done) return;
    if (!ok) {
      this.#done = true;
      this.resolvers.reject(value);
      return;
    }
    if (--this.#remaining > 0) return;
    this.#done = true;
    this.resolvers.resolve(this.#handles.map((handle) => outcomeOf(handle)!.value));
  }
}
