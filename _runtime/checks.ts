/**
 * Internal: the argument checks every public call uses, so a bad argument is
 * refused the same way everywhere ("Cannot <action>: ..."), at the call.
 *
 * `checkDuration` is also shipped as source into worker threads and pool
 * workers (their `sleepSync`): it uses nothing from outside its own body.
 *
 * @module
 */

/** Checks a duration argument: finite and not negative. */
export function checkDuration(ms: unknown, action: string): number {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    const got = typeof ms === "number"
      ? String(ms)
      : typeof ms === "string"
      ? `string ${JSON.stringify(ms)}`
      : ms === null
      ? "null"
      : typeof ms;
    throw new RangeError(
      `Cannot ${action}: the duration must be a finite number of milliseconds >= 0, got ${got}`,
    );
  }
  return ms;
}

/** Checks a count argument: a non-negative integer. */
export function checkCount(n: unknown, action: string): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Cannot ${action}: the count must be an integer >= 0, got ${String(n)}`);
  }
  return n;
}

/** Checks a callback argument. */
export function checkFunction(f: unknown, action: string): void {
  if (typeof f !== "function") {
    throw new TypeError(`Cannot ${action}: expected a function, got ${typeof f}`);
  }
}
