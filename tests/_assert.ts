/**
 * Assertions for tests and doc examples, from `node:assert/strict` (built into
 * Deno). Swapping to `@std/assert` is a change of this file only.
 *
 * @module
 */
import assertModule from "node:assert/strict";

/** Asserts deep, strict equality. */
export function assertEquals<T>(actual: unknown, expected: T, message?: string): void {
  if (message === undefined) assertModule.deepStrictEqual(actual, expected);
  else assertModule.deepStrictEqual(actual, expected, message);
}

/** Asserts that `condition` is truthy. */
export function assert(condition: unknown, message?: string): asserts condition {
  if (message === undefined) assertModule.ok(condition);
  else assertModule.ok(condition, message);
}

/** Asserts that `fn` throws an error of class `type` whose message includes `includes`. */
export function assertThrows(
  fn: () => unknown,
  type: abstract new (...args: never[]) => Error,
  includes?: string,
): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assertModule.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
  if (includes !== undefined) assertModule.ok((caught as Error).message.includes(includes));
  return caught as Error;
}

/** Asserts that `promise` rejects with an error of class `type`. */
export async function assertRejects(
  promise: PromiseLike<unknown>,
  type: abstract new (...args: never[]) => Error,
  includes?: string,
): Promise<Error> {
  let caught: unknown = undefined;
  let rejected = false;
  try {
    await promise;
  } catch (error) {
    rejected = true;
    caught = error;
  }
  assertModule.ok(rejected, "expected the promise to reject");
  assertModule.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
  if (includes !== undefined) assertModule.ok((caught as Error).message.includes(includes));
  return caught as Error;
}
