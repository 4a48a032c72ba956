/**
 * Internal: helpers both worker runtimes (threads and the blocking pool)
 * need inside their workers. They are self-contained: their source is shipped
 * into each worker beside the runtime ({@linkcode workerHelpersSource}), so
 * they may use nothing from outside their own bodies.
 *
 * @module
 */
import type { ErrorDescription } from "./errors.ts";

/** Describes a thrown value so the main side can rebuild it (class, message, stack, cause, fields). */
export function describeError(error: unknown, depth = 0): ErrorDescription {
  function cloneOr(value: unknown, fallback: unknown): unknown {
    try {
      return structuredClone(value);
    } catch {
      return fallback;
    }
  }
  const e = error as Record<string, unknown> | null;
  const errorLike = error instanceof Error ||
    (typeof e === "object" && e !== null && typeof e.message === "string");
  if (!errorLike || e === null) {
    return {
      isError: false,
      name: "",
      message: "",
      stack: "",
      className: "",
      value: cloneOr(error, String(error)),
      cause: undefined,
      props: undefined,
    };
  }
  const props: Record<string, unknown> = {};
  let hasProps = false;
  for (const key of Object.keys(e)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause") continue;
    props[key] = e[key];
    hasProps = true;
  }
  const ctor = (e as { constructor?: { name?: unknown } }).constructor;
  return {
    isError: true,
    name: String(e.name),
    message: String(e.message),
    stack: typeof e.stack === "string" ? e.stack : "",
    className: typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "Error",
    value: undefined,
    cause: e.cause !== undefined && depth < 8 ? describeError(e.cause, depth + 1) : undefined,
    props: hasProps ? cloneOr(props, undefined) as Record<string, unknown> : undefined,
  };
}

/**
 * Turns a function's source (from `Function.prototype.toString`) back into a
 * function, named `sourceUrl` in stack traces; shorthand methods work too.
 */
export function compileFunction<F>(source: string, sourceUrl: string): F {
  const indirect = globalThis.eval;
  const tail = `\n)\n//# sourceURL=${sourceUrl}\n`;
  try {
    return indirect(`(${source}${tail}`);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  // A method written in shorthand, `name(...) { ... }`.
  const holder = indirect(`({${source}\n}${tail}`) as Record<string, F>;
  return Object.values(holder)[0]!;
}

/** The helpers' source, to put in front of a worker runtime's. */
export function workerHelpersSource(): string {
  return `${describeError.toString()}\n${compileFunction.toString()}\n`;
}
