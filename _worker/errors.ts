/**
 * Internal: both ends of an error's trip from a worker (a thread or a pool
 * job) to the main side.
 *
 * Structured clone keeps only the built-in error classes, so the worker
 * describes what was thrown ({@linkcode describeError}: name, message,
 * stack, class name, cause, own properties) and the main side rebuilds an
 * error that reads the same ({@linkcode rebuildError}): the same `name`,
 * `message` and `stack`, a constructor with the same class name, `instanceof
 * Error`. Built-in classes, `DOMException`, `Deno.errors.*` and weft's
 * `SendError` come back as themselves.
 *
 * `describeError` runs in the worker: its source is shipped there
 * ({@linkcode errorsSource}), so it uses nothing outside its own body.
 * `rebuildError` runs on the main side and trusts nothing it is given: a
 * malformed description (what a job's own code could post) becomes a plain
 * `Error`; class names are never looked up on plain objects (a class named
 * `toString` or `constructor` is just a class of that name); it never throws.
 *
 * @module
 */
import { SendError } from "../channel.ts";

/** An error from a thread or a pool job as it crosses to the main side. */
export interface ErrorDescription {
  /** True for Error-like objects, false for other thrown values. */
  isError: boolean;
  /** `error.name`. */
  name: string;
  /** `error.message`. */
  message: string;
  /** `error.stack`. */
  stack: string;
  /** The name of the error's constructor. */
  className: string;
  /** A thrown non-Error value, or a SendError's value (when it could be cloned). */
  value: unknown;
  /** The described `cause`, if any. */
  cause: ErrorDescription | undefined;
  /** Other own enumerable properties (when they could be cloned). */
  props: Record<string, unknown> | undefined;
}

/**
 * Describes a thrown value so the main side can rebuild it (class, message,
 * stack, cause, fields). Runs in the worker; self-contained.
 */
export function describeError(error: unknown, depth = 0): ErrorDescription {
  function cloneOr(value: unknown, fallback: unknown): unknown {
    try {
      return structuredClone(value);
    } catch {
      return fallback;
    }
  }
  function text(value: unknown): string {
    try {
      return String(value);
    } catch {
      return "";
    }
  }
  const e = error as Record<string, unknown> | null;
  let errorLike = false;
  try {
    errorLike = error instanceof Error ||
      (typeof e === "object" && e !== null && typeof e.message === "string");
  } catch {
    // A proxy or getter that throws: described as a plain value.
  }
  if (!errorLike || e === null) {
    return {
      isError: false,
      name: "",
      message: "",
      stack: "",
      className: "",
      value: cloneOr(error, text(error)),
      cause: undefined,
      props: undefined,
    };
  }
  const props: Record<string, unknown> = {};
  let hasProps = false;
  let className = "Error";
  let cause: ErrorDescription | undefined = undefined;
  let stack = "";
  try {
    for (const key of Object.keys(e)) {
      if (key === "name" || key === "message" || key === "stack" || key === "cause") continue;
      props[key] = e[key];
      hasProps = true;
    }
    const ctor = (e as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === "string" && ctor.name !== "") className = ctor.name;
    if (typeof e.stack === "string") stack = e.stack;
    if (e.cause !== undefined && depth < 8) cause = describeError(e.cause, depth + 1);
  } catch {
    // Getters that throw: what was read so far is kept.
  }
  return {
    isError: true,
    name: text(e.name),
    message: text(e.message),
    stack,
    className,
    value: undefined,
    cause,
    props: hasProps ? cloneOr(props, undefined) as Record<string, unknown> : undefined,
  };
}

/** The worker-side half's source, to put in front of a worker runtime's. */
export function errorsSource(): string {
  return `${describeError.toString()}\n`;
}

type ErrorClass = new (message?: string) => Error;

const BUILT_IN = new Map<string, ErrorClass>([
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
  ["ReferenceError", ReferenceError],
  ["EvalError", EvalError],
  ["URIError", URIError],
]);

/** Classes made for error classes the main thread does not have, by name. */
const madeClasses = new Map<string, ErrorClass>();
/** At most this many made classes are kept (class names come from the worker). */
const MADE_LIMIT = 256;
/** How deep a chain of causes is rebuilt. */
const CAUSE_DEPTH = 8;

/** Where a thread or job was spawned: an `Error` made there, or any object with its stack. */
export interface SpawnSite {
  /** The stack, as V8 formats it (read only when a rebuilt error needs it). */
  readonly stack?: string | undefined;
}

/**
 * Rebuilds the thrown value a worker described. Never throws: a description
 * that is not one becomes an `Error` saying so. `site`, when given, is where
 * the thread or job was spawned: its frames outside weft are added at the
 * end of the rebuilt error's stack.
 */
export function rebuildError(description: unknown, site?: SpawnSite): unknown {
  try {
    const error = rebuild(description, 0);
    if (site !== undefined && error instanceof Error) addSite(error, site);
    return error;
  } catch (cause) {
    return new Error("Cannot rebuild the error: the worker sent a malformed description", {
      cause,
    });
  }
}

function rebuild(description: unknown, depth: number): unknown {
  if (typeof description !== "object" || description === null) {
    throw new TypeError("not an object");
  }
  const d = description as Partial<Record<keyof ErrorDescription, unknown>>;
  if (d.isError !== true) return d.value;
  const name = typeof d.name === "string" ? d.name : "Error";
  const message = typeof d.message === "string" ? d.message : "";
  const className = typeof d.className === "string" && d.className !== "" ? d.className : "Error";
  const props = isRecord(d.props) ? d.props : undefined;
  const error = instantiate(className, name, message, props);
  if (error.name !== name) define(error, "name", name);
  define(
    error,
    "stack",
    typeof d.stack === "string" && d.stack !== "" ? d.stack : `${name}: ${message}`,
  );
  if (d.cause !== undefined && depth < CAUSE_DEPTH) {
    let cause: unknown;
    try {
      cause = rebuild(d.cause, depth + 1);
    } catch {
      cause = new Error(
        "Cannot rebuild the error's cause: the worker sent a malformed description",
      );
    }
    define(error, "cause", cause);
  }
  if (props !== undefined) {
    for (const key of Object.keys(props)) define(error, key, props[key], true);
  }
  return error;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Sets an own property, never through a setter (a key named `__proto__` stays a key). */
function define(target: object, key: string, value: unknown, enumerable = false): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
}

function instantiate(
  className: string,
  name: string,
  message: string,
  props: Record<string, unknown> | undefined,
): Error {
  if (name === "SendError") return new SendError(props?.value, message);
  if (className === "DOMException") return new DOMException(message, name);
  const builtIn = BUILT_IN.get(className);
  if (builtIn !== undefined) return new builtIn(message);
  const denoErrors = (globalThis as { Deno?: { errors?: Record<string, unknown> } }).Deno?.errors;
  if (denoErrors !== undefined && Object.hasOwn(denoErrors, className)) {
    const denoClass = denoErrors[className];
    if (typeof denoClass === "function" && denoClass.prototype instanceof Error) {
      return new (denoClass as ErrorClass)(message);
    }
  }
  return new (classNamed(className))(message);
}

/** An `Error` subclass whose `name` (class and instances) is `className`. */
function classNamed(className: string): ErrorClass {
  let made = madeClasses.get(className);
  if (made !== undefined) return made;
  made = class extends Error {};
  Object.defineProperty(made, "name", { value: className, configurable: true });
  define(made.prototype, "name", className);
  if (madeClasses.size < MADE_LIMIT) madeClasses.set(className, made);
  return made;
}

/** Where weft's own files live: frames there are not the user's spawn site. */
const WEFT_ROOT = new URL("../", import.meta.url).href;
/** Weft's own files under the root: a top-level module or an internal folder. */
const WEFT_FILE = /^(?:_\w+\/|stream\/|\w+\.[jt]s:)/;

function isWeftFrame(line: string): boolean {
  const at = line.indexOf(WEFT_ROOT);
  return at >= 0 && WEFT_FILE.test(line.slice(at + WEFT_ROOT.length));
}

/**
 * Adds the user's frame of `site` (the first one outside weft) as the last
 * line of `error.stack`: the place that spawned the thread or job.
 */
function addSite(error: Error, site: SpawnSite): void {
  const stack = site.stack;
  if (typeof stack !== "string") return;
  const frame = stack.split("\n").find((line) =>
    line.trimStart().startsWith("at ") && !isWeftFrame(line)
  );
  if (frame === undefined) return;
  define(error, "stack", `${error.stack}\n    at (spawned) ${frame.trim().slice(3)}`);
}
