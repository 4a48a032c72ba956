/**
 * Internal: the resource limits threads and pool workers take, as
 * `node:worker_threads` takes them, and their check.
 *
 * @module
 */

/**
 * Limits of a worker's resources, in MB, as `node:worker_threads` takes them
 * (a thread's `resourceLimits`, and a blocking pool's). A limit left out is
 * V8's own. A thread that reaches its heap limit fails with `ThreadExited`
 * instead of aborting the process.
 *
 * @example A thread with a bounded heap; limits are checked at once
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { type ResourceLimits, spawnThread } from "@weft/weft/worker-producer";
 * import assert from "node:assert/strict";
 *
 * const resourceLimits: ResourceLimits = { maxOldGenerationSizeMb: 64, stackSizeMb: 4 };
 * const [tx, rx] = channel<number>();
 * spawnThread((tx) => tx.send(42), tx, { resourceLimits });
 * assert.deepStrictEqual(await Array.fromAsync(rx), [42]);
 *
 * const [tx2] = channel<number>();
 * assert.throws(
 *   () => spawnThread(() => {}, tx2, { resourceLimits: { stackSizeMb: 0 } }),
 *   /resourceLimits.stackSizeMb must be a number of MB > 0/,
 * );
 * ```
 */
export interface ResourceLimits {
  /** The main heap's limit. */
  maxOldGenerationSizeMb?: number;
  /** The young generation's limit. */
  maxYoungGenerationSizeMb?: number;
  /** The stack's size. */
  stackSizeMb?: number;
}

/** The limits understood. */
const LIMITS = ["maxOldGenerationSizeMb", "maxYoungGenerationSizeMb", "stackSizeMb"];

/**
 * Checks `value` as resource limits for `action` ("create the pool").
 *
 * @throws {TypeError} If it is not an object, or has a key not understood.
 * @throws {RangeError} If a limit is not a finite number > 0.
 */
export function checkLimits(value: unknown, action: string): ResourceLimits | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`Cannot ${action}: resourceLimits must be an object`);
  }
  const limits: Record<string, number> = {};
  for (const [key, mb] of Object.entries(value)) {
    if (!LIMITS.includes(key)) {
      throw new TypeError(
        `Cannot ${action}: unknown resourceLimits key ${JSON.stringify(key)} (known: ${
          LIMITS.join(", ")
        })`,
      );
    }
    if (mb === undefined) continue;
    if (typeof mb !== "number" || !Number.isFinite(mb) || mb <= 0) {
      throw new RangeError(
        `Cannot ${action}: resourceLimits.${key} must be a number of MB > 0, got ${String(mb)}`,
      );
    }
    limits[key] = mb;
  }
  return limits;
}
