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

/**
 * The name a bundler gave its `__name` helper in the build weft runs from, if
 * it renamed it: esbuild with `--minify --keep-names` calls it, say, `s`, in
 * weft's runtimes and in users' functions alike. A probe with a named inner
 * function shows it: its source reads `s(inner, "inner")` (or with the inner
 * function renamed too) once such a build has been through it.
 */
function nameHelper(): string | undefined {
  function probe(): unknown {
    function inner(): void {}
    return inner;
  }
  const call = /([\w$]+)\(\s*(?:[\w$]+|function\s*\(\)\s*\{\s*\})\s*,\s*["']inner["']\s*\)/;
  return call.exec(probe.toString())?.[1];
}

/**
 * Defines what transpilers' `__name(target, value)` does, if nothing else
 * did, under its usual name and under the name this build gave it.
 */
function namePrelude(): string {
  const names = new Set(["__name", nameHelper() ?? "__name"]);
  const define = `function (target, value) {
  try { Object.defineProperty(target, "name", { value, configurable: true }); } catch {}
  return target;
}`;
  return [...names].map((name) => `globalThis[${JSON.stringify(name)}] ??= ${define};\n`).join("");
}

/** The helpers' source, to put in front of a worker runtime's. */
export function workerHelpersSource(): string {
  return `${namePrelude()}${errorsSource()}${compileFunction.toString()}
${checkDuration.toString()}
`;
}
