/**
 * Internal: the task path's error classes, `Cancelled` (an aborted task, a
 * losing race branch) and `Elapsed` (a deadline passed), re-exported by
 * `task.ts`.
 *
 * @module
 */

/**
 * The error a {@linkcode JoinHandle} rejects with when its task was aborted,
 * tokio's `JoinError::Cancelled`.
 *
 * @example Recognise a cancelled task
 * ```ts
 * import { Cancelled, sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const handle = spawnTask(() => sleep(10_000));
 * handle.abort("not needed");
 * const error = await handle.then(() => null, (e) => e);
 * assert.ok(error instanceof Cancelled && error.reason === "not needed");
 * ```
 */
export class Cancelled extends Error {
  /** The reason given to `abort()`. */
  readonly reason: unknown;
  /** Creates the error for a task aborted with `reason`. */
  constructor(reason?: unknown) {
    super("Cannot join: the task was cancelled", { cause: reason });
    this.name = "Cancelled";
    this.reason = reason;
  }
}

/**
 * A deadline passed: what `timeout()` rejects with and what a stream's
 * `.timeout()` yields. It prints as tokio's `Elapsed(())`.
 *
 * @example Print it as the book does
 * ```ts
 * import { Elapsed } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * assert.deepStrictEqual(`Problem: ${new Elapsed()}`, "Problem: Elapsed(())");
 * ```
 */
export class Elapsed extends Error {
  /** Creates the error; `message` says what timed out. */
  constructor(message = "Cannot wait longer: the deadline has elapsed") {
    super(message);
    this.name = "Elapsed";
  }
  /** Returns `Elapsed(())`, as tokio's `Debug` output. */
  override toString(): string {
    return "Elapsed(())";
  }
  /** Shows `Elapsed(())` in `console.log` and `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return "Elapsed(())";
  }
  /** Shows `Elapsed(())` in Node's `console.log`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "Elapsed(())";
  }
}
