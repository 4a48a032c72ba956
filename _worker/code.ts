/**
 * Internal: how `spawnThread` and `spawnBlocking` name the code a worker
 * runs: a function's source (checked to be real source, not a class) or a
 * module's absolute URL. The worker side turns the source back into a
 * function with `compileFunction` (`helpers.ts`).
 *
 * @module
 */

/**
 * The source of `fn`, to be compiled in a worker.
 *
 * @throws {TypeError} `Cannot <action>: ...` if `fn` is not a function, is native or bound, or is a class.
 */
export function functionSource(fn: unknown, action: string): string {
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot ${action}: expected a function, got ${typeName(fn)}`);
  }
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(
      `Cannot ${action}: the function's source is not available (a native or bound function)`,
    );
  }
  if (/^class\b/.test(source)) {
    throw new TypeError(`Cannot ${action}: expected a function, got a class`);
  }
  return source;
}

/** The absolute URL `module` names, or undefined if it names none (not a URL, not absolute). */
export function moduleHref(module: unknown): string | undefined {
  if (module instanceof URL) return module.href;
  if (typeof module === "string" && URL.canParse(module)) return new URL(module).href;
  return undefined;
}

/** How a bad argument reads in an error: its type, and a string's text. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `a string (${JSON.stringify(value)})`;
  return typeof value;
}
