/**
 * Internal: `AbortHandle` (tokio's `task::AbortHandle`), what `JoinSet.spawn`
 * returns, the ids it gives tasks, and `JoinResult`, what a set yields.
 * Exported by `task.ts`.
 *
 * @module
 */

/** A task handle as the set uses it (task.ts's `JoinHandle`). */
export interface TaskHandle<T> extends PromiseLike<T> {
  readonly isFinished: boolean;
  abort(reason?: unknown): void;
}

/** Source of task ids, unique for the process (tokio's `task::Id`). */
let nextId = 1;

/**
 * The result of one task of a `JoinSet`: its value, or its error (a
 * `Cancelled` when it was aborted), with the id of its {@linkcode AbortHandle}.
 *
 * @typeParam T The task's result.
 *
 * @example Match results to tasks by id
 * ```ts
 * import { type JoinResult, JoinSet } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const set = new JoinSet<number>();
 * const good = set.spawn(async () => 1);
 * const bad = set.spawn(async (): Promise<number> => {
 *   throw new Error("bad input");
 * });
 * const byId = new Map<number, JoinResult<number>>();
 * for await (const result of set) byId.set(result.id, result);
 * assert.deepStrictEqual(byId.get(good.id), { ok: true, value: 1, id: good.id });
 * const failed = byId.get(bad.id);
 * assert.ok(failed?.ok === false && (failed.error as Error).message === "bad input");
 * ```
 */
export type JoinResult<T> =
  | { readonly ok: true; readonly value: T; readonly id: number }
  | { readonly ok: false; readonly error: unknown; readonly id: number };

/**
 * Aborts one task without owning its result, tokio's `task::AbortHandle`:
 * what `JoinSet.spawn` returns.
 *
 * @example Abort one task of a set
 * ```ts
 * import { Cancelled, JoinSet, sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const set = new JoinSet<string>();
 * const slow = set.spawn(() => sleep(60_000).then(() => "slow"));
 * slow.abort();
 * const result = await set.joinNext();
 * assert.ok(result?.ok === false && result.error instanceof Cancelled);
 * assert.equal(result.id, slow.id);
 * ```
 */
export class AbortHandle {
  /** The task's handle. */
  readonly #handle: TaskHandle<unknown>;
  /** The task's id. */
  readonly #id: number;

  /**
   * Makes an abort handle for a task handle (`JoinSet.spawn` is the usual way).
   *
   * @param handle A `JoinHandle` (anything awaitable with `abort()` and `isFinished`).
   */
  constructor(handle: TaskHandle<unknown>) {
    if (typeof handle?.abort !== "function" || typeof handle.then !== "function") {
      throw new TypeError("Cannot make an abort handle: expected a JoinHandle");
    }
    this.#handle = handle;
    this.#id = nextId++;
  }

  /** The task's id: unique among the process's tasks, and carried by its {@linkcode JoinResult}. */
  get id(): number {
    return this.#id;
  }

  /** Whether the task has finished (returned, thrown or been aborted). */
  get isFinished(): boolean {
    return this.#handle.isFinished;
  }

  /**
   * Cancels the task; it then finishes with a `Cancelled` error carrying
   * `reason`. Does nothing once it has finished.
   *
   * @param reason The reason, passed to the task's signal.
   */
  abort(reason?: unknown): void {
    this.#handle.abort(reason);
  }
}
