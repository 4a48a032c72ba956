/**
 * Internal: the argument checks and the error `Stream`'s methods and
 * `interval()` share (each throws at the call, "Cannot <action>: <why>").
 *
 * @module
 */
import { checkCount, checkDuration } from "../_runtime/checks.ts";

/** Checks a chunk size: an integer >= 1. */
export function checkChunk(n: number, action: string): void {
  checkCount(n, action);
  if (n < 1) throw new RangeError(`Cannot ${action}: the chunk size must be at least 1, got 0`);
}

/** Checks a period: a finite number of ms > 0. */
export function checkPeriod(ms: number, action: string): void {
  checkDuration(ms, action);
  if (ms === 0) throw new RangeError(`Cannot ${action}: the period must be greater than 0, got 0`);
}

/** The error of a stream used after it was consumed or moved. */
export function spent(action: string): TypeError {
  return new TypeError(
    `Cannot ${action}: this stream was already consumed or moved into another stream`,
  );
}
