/**
 * Internal: which task's code is running now, carried across `await`s.
 *
 * On Deno, weft keeps the running task in V8's continuation-preserved data
 * (what Deno's own `AsyncLocalStorage` keeps its stores in), reached through
 * Deno's core. A task is its own frame (it holds itself under weft's key),
 * so entering it allocates nothing, where an `AsyncLocalStorage.run` per task
 * costs about 450 B and several µs (a frame copy, an entry and a `WeakMap`
 * record). Where Deno's `AsyncLocalStorage`s have put stores, weft's frame is
 * a copy of theirs plus its key, and they copy weft's key (with the task's
 * other fields) when they enter theirs, so each sees its own values in the
 * other's code.
 * Elsewhere (Node, Bun, or a Deno whose core does not offer this), weft uses
 * an `AsyncLocalStorage`.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** The frame key under which weft keeps the running task; a task holds itself under it. */
export const TASK: unique symbol = Symbol("weft.task");

/** A task as its own frame. */
export interface Framed {
  /** The task itself. */
  readonly [TASK]: Framed;
}

/** The two functions of Deno's core that read and write the continuation-preserved data. */
interface AsyncContextCore {
  getAsyncContext(): unknown;
  setAsyncContext(frame: unknown): void;
}

/** Deno's core, if it offers the continuation-preserved data and reads back what is written. */
function denoCore(): AsyncContextCore | undefined {
  try {
    const deno = (globalThis as { Deno?: Record<symbol, unknown> & { internal?: symbol } }).Deno;
    if (deno === undefined || typeof deno.internal !== "symbol") return undefined;
    const core = (deno[deno.internal] as { core?: Partial<AsyncContextCore> } | undefined)?.core;
    const get = core?.getAsyncContext;
    const set = core?.setAsyncContext;
    if (typeof get !== "function" || typeof set !== "function") return undefined;
    const previous = get();
    const probe = {};
    set(probe);
    const works = get() === probe;
    set(previous);
    return works ? (core as AsyncContextCore) : undefined;
  } catch {
    return undefined;
  }
}

const core = denoCore();
const storage = core === undefined ? new AsyncLocalStorage<Framed>() : undefined;

/**
 * Whether a promise reaction runs as the code of the task that made it (V8's
 * continuation-preserved data carries it). An `AsyncLocalStorage` elsewhere
 * may not: a browser's stand-in keeps its store for synchronous code only.
 */
export const reactionsCarryTask: boolean = core !== undefined;

/** The frame that adds `task` to `previous` (`undefined` leaves only the other stores). */
function frameWith(previous: unknown, task: Framed | undefined): unknown {
  // A task alone: the previous frame held nothing, or only another task.
  if (previous === undefined || previous === null || (previous as Framed)[TASK] === previous) {
    return task;
  }
  return { __proto__: null, ...(previous as object), [TASK]: task };
}

/** The task whose code is running now, if any. */
export function currentOf<T extends Framed>(): T | undefined {
  if (core === undefined) return storage!.getStore() as T | undefined;
  return (core.getAsyncContext() as { [TASK]?: T } | undefined)?.[TASK];
}

/** Runs `fn(arg)` as the code of `task` (and what it awaits, as the code of `task` too). */
export function runIn<A, R>(task: Framed, fn: (arg: A) => R, arg: A): R {
  if (core === undefined) return storage!.run(task, fn, arg);
  return runFrom(core.getAsyncContext(), task, fn, arg);
}

/**
 * The async context running now (the other stores included), for
 * {@linkcode runFrom} to run later code in: a task started later sees the
 * stores of the code that spawned it, not of whatever starts it.
 */
export function contextNow(): unknown {
  if (core !== undefined) return core.getAsyncContext();
  return (AsyncLocalStorage as { snapshot?: () => unknown }).snapshot?.();
}

/** Runs `fn(arg)` as the code of `task`, in `context` (from {@linkcode contextNow}). */
export function runFrom<A, R>(context: unknown, task: Framed, fn: (arg: A) => R, arg: A): R {
  if (core === undefined) {
    if (typeof context !== "function") return storage!.run(task, fn, arg);
    return (context as (run: () => R) => R)(() => storage!.run(task, fn, arg));
  }
  const previous = core.getAsyncContext();
  core.setAsyncContext(frameWith(context, task));
  try {
    return fn(arg);
  } finally {
    core.setAsyncContext(previous);
  }
}

/** Runs `fn` as no task's code. */
export function outsideAll<R>(fn: () => R): R {
  if (core === undefined) return storage!.exit(fn);
  const previous = core.getAsyncContext();
  if ((previous as { [TASK]?: unknown } | undefined)?.[TASK] === undefined) return fn();
  core.setAsyncContext(frameWith(previous, undefined));
  try {
    return fn();
  } finally {
    core.setAsyncContext(previous);
  }
}
