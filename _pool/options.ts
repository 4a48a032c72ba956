/**
 * Internal: the checks of a pool's options, and the settings they make.
 *
 * @module
 */
import { checkLimits } from "../_worker/limits.ts";
import type { PoolSettings } from "./settings.ts";

/** A pool's checked options: the scheduler's settings and what a full queue does. */
export interface CheckedOptions extends PoolSettings {
  /** What a spawn does on a full queue. */
  whenFull: "wait" | "reject";
}

/**
 * Checks a pool's options and fills in the defaults.
 *
 * @throws {RangeError} If `size` is not a whole number from 1 to 1024, `maxQueued` not a whole number >= 0 (or `Infinity`), or `idleTimeout` out of range.
 * @throws {TypeError} If `options` is not an object, has an unknown key, or an option has the wrong type.
 */
export function checkPoolOptions(options: unknown): CheckedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot create the pool: options must be an object");
  }
  checkKnown(options, POOL_OPTIONS, "create the pool", "options");
  const given = options as Record<string, unknown>;
  const size = checkCount(given.size ?? defaultSize(), 1, "size");
  if (size > MAX_SIZE) {
    throw new RangeError(`Cannot create the pool: size must be at most ${MAX_SIZE}, got ${size}`);
  }
  const maxQueued = checkCount(given.maxQueued ?? Infinity, 0, "maxQueued");
  const whenFull = checkWhenFull(given.whenFull ?? "wait");
  const idleTimeout = checkIdleTimeout(given.idleTimeout ?? 10_000);
  const resourceLimits = checkLimits(given.resourceLimits, "create the pool");
  return { size, idleTimeout, maxQueued, resourceLimits, whenFull };
}

function defaultSize(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof cores === "number" && cores >= 1 ? Math.floor(cores) : 1;
}

function checkCount(value: unknown, min: number, name: string): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot create the pool: ${name} must be a number, got ${typeof value}`);
  }
  const whole = Number.isInteger(value) || (name === "maxQueued" && value === Infinity);
  if (!whole || value < min) {
    throw new RangeError(
      `Cannot create the pool: ${name} must be a whole number >= ${min}, got ${value}`,
    );
  }
  return value;
}

function checkIdleTimeout(value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot create the pool: idleTimeout must be a number, got ${typeof value}`,
    );
  }
  // Above 2^31 - 1 ms a timer fires at once: such a timeout means "never".
  if (Number.isNaN(value) || value < 0 || (value > MAX_TIMER_MS && value !== Infinity)) {
    throw new RangeError(
      `Cannot create the pool: idleTimeout must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, or Infinity, got ${value}`,
    );
  }
  return value;
}

/** The most workers a pool may have (far beyond any machine's cores). */
const MAX_SIZE = 1024;
/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The options a pool understands. */
const POOL_OPTIONS = ["size", "idleTimeout", "maxQueued", "whenFull", "resourceLimits"];

/** Refuses keys of `object` that are not in `known` (a misspelt option is not ignored). */
export function checkKnown(
  object: object,
  known: readonly string[],
  action: string,
  what: string,
): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `Cannot ${action}: unknown ${what} key ${JSON.stringify(key)} (known: ${known.join(", ")})`,
      );
    }
  }
}

function checkWhenFull(value: unknown): "wait" | "reject" {
  if (value === "wait" || value === "reject") return value;
  throw new TypeError(
    `Cannot create the pool: whenFull must be "wait" or "reject", got ${JSON.stringify(value)}`,
  );
}
