/**
 * Internal: the check of a deadline argument (`sleepUntil`, `timeoutAt`).
 *
 * @module
 */

/** Checks a `Date.now()`-scale deadline: a finite number (one in the past is fine). */
export function checkDeadline(deadline: unknown, action: string): number {
  if (typeof deadline !== "number" || !Number.isFinite(deadline)) {
    throw new RangeError(
      `Cannot ${action}: the deadline must be a finite Date.now() timestamp, got ${
        String(deadline)
      }`,
    );
  }
  return deadline;
}
