/**
 * Internal: what both worker runtimes (threads and the blocking pool) need
 * inside their workers, shipped there as source ({@linkcode workerHelpersSource})
 * in front of the runtime: the worker half of the error wire
 * (`describeError`, from `errors.ts`), {@linkcode compileFunction} and the
 * `sleepSync` argument check (`checkDuration`, from `_runtime/checks.ts`). They
 * are self-contained: they may use nothing from outside their own bodies.
 *
 * The prelude also defines a no-op `__name` when none exists: a transpiler
 * (esbuild, tsx) may insert `__name(fn, "fn")` calls into the functions
 * weft ships as source, and into users' inline functions, and its helper
 * does not travel with them.
 *
 * @module
 */
import { checkDuration } from "../_runtime/checks.ts";
import { errorsSource } from "./errors.ts";

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

/** Defines what transpilers' `__name(target, value)` does, if nothing else did. */
const NAME_PRELUDE = `globalThis.__name ??= function (target, value) {
  try { Object.defineProperty(target, "name", { value, configurable: true }); } catch {}
  return target;
};
`;

/** The helpers' source, to put in front of a worker runtime's. */
export function workerHelpersSource(): string {
  return `${NAME_PRELUDE}${errorsSource()}${compileFunction.toString()}\n${checkDuration.toString()}\n`;
}
