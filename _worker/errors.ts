/**
 * Internal: a thread's error rebuilt on the main thread.
 *
 * Structured clone keeps only the built-in error classes, so the worker sends
 * a description (name, message, stack, class name, cause, own properties) and
 * this file rebuilds an error that reads the same: the same `name`,
 * `message` and `stack`, a constructor with the same class name, `instanceof
 * Error`. Built-in classes, `DOMException`, `Deno.errors.*` and weft's
 * `SendError` come back as themselves.
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

type ErrorClass = new (message?: string) => Error;

const BUILT_IN: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Classes made for error classes the main thread does not have, by name. */
const madeClasses = new Map<string, ErrorClass>();

/** Rebuilds the thrown value a worker described. */
export function rebuildError(description: ErrorDescription): unknown {
  if (!description.isError) return description.value;
  const error = instantiate(description);
  if (error.name !== description.name) {
    Object.defineProperty(error, "name", {
      value: description.name,
      writable: true,
      configurable: true,
    });
  }
  Object.defineProperty(error, "stack", {
    value: description.stack || `${description.name}: ${description.message}`,
    writable: true,
    configurable: true,
  });
  if (description.cause !== undefined) {
    Object.defineProperty(error, "cause", {
      value: rebuildError(description.cause),
      writable: true,
      configurable: true,
    });
  }
  if (description.props !== undefined) Object.assign(error, description.props);
  return error;
}

function instantiate(d: ErrorDescription): Error {
  if (d.name === "SendError") return new SendError(d.props?.value, d.message);
  if (d.className === "DOMException") return new DOMException(d.message, d.name);
  const builtIn = BUILT_IN[d.className];
  if (builtIn !== undefined) return new builtIn(d.message);
  const denoErrors = (globalThis as { Deno?: { errors?: Record<string, unknown> } }).Deno?.errors;
  const denoClass = denoErrors?.[d.className];
  if (typeof denoClass === "function") return new (denoClass as ErrorClass)(d.message);
  return new (classNamed(d.className))(d.message);
}

/** An `Error` subclass whose `name` (class and instances) is `className`. */
function classNamed(className: string): ErrorClass {
  let made = madeClasses.get(className);
  if (made !== undefined) return made;
  made = { [className]: class extends Error {} }[className]!;
  Object.defineProperty(made.prototype, "name", {
    value: className,
    writable: true,
    configurable: true,
  });
  madeClasses.set(className, made);
  return made;
}

/** The error of a worker's `error` event (an uncaught error outside the thread's function). */
export function errorFromEvent(event: ErrorEvent): Error {
  const match = /^(?:Uncaught )?(?:\(in promise\) )?([A-Za-z_$][\w$]*): ([\s\S]*)$/.exec(
    event.message,
  );
  const name = match?.[1] ?? "Error";
  const message = match?.[2] ?? event.message;
  const where = event.filename ? `\n    at ${event.filename}:${event.lineno}:${event.colno}` : "";
  return rebuildError({
    isError: true,
    name,
    message,
    stack: `${name}: ${message}${where}`,
    className: name,
    value: undefined,
    cause: undefined,
    props: undefined,
  }) as Error;
}
