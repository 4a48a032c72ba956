/**
 * Internal: the state behind a task, and which task is running now.
 *
 * The running task is carried across `await`s (`context.ts`), so a `sleep`,
 * `recv` or bounded `send` awaited inside a task is tied to it without the
 * task passing anything: `abort()` and `run()`'s shutdown reach it at once.
 * A task's state is also its outcome (`outcome.ts`), one object per task.
 *
 * @module
 */
import { currentOf, outsideAll, runIn, TASK } from "./context.ts";

export { reactionsCarryTask } from "./context.ts";
import { Outcome } from "./outcome.ts";

/**
 * Options of calls that can wait.
 *
 * @example Pass a caller's signal on to weft's waits
 * ```ts
 * import { sleep, type WaitOptions } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * async function nap(ms: number, options?: WaitOptions): Promise<string> {
 *   await sleep(ms, options);
 *   return "rested";
 * }
 * const controller = new AbortController();
 * const napping = nap(60_000, { signal: controller.signal });
 * const reason = new Error("wake up");
 * controller.abort(reason);
 * // The wait rejects with the signal's reason as it is.
 * assert.equal(await napping.catch((error: unknown) => error), reason);
 * assert.equal(await nap(0), "rested");
 * ```
 */
export interface WaitOptions {
  /** Aborts the wait; it then rejects with `signal.reason` as it is. */
  signal?: AbortSignal;
}

/** A wait (a sleep, a receive, a send) that a task's abort must end. */
export abstract class Wait {
  /** The task waiting, if the wait began inside one. */
  task: TaskState | null = null;
  /** Previous wait of the same task. */
  prevWait: Wait | null = null;
  /** Next wait of the same task. */
  nextWait: Wait | null = null;
  /** Ends the wait with `reason` as its rejection. */
  abstract cancel(reason: unknown): void;
}

/** A task's coop budget for zero-length sleeps (tokio's). */
export interface Budget {
  /** The macrotask epoch of the last zero-length sleep. */
  epoch: number;
  /** Zero-length sleeps in that epoch. */
  used: number;
}

/** The tasks spawned under one `run()`, cancelled when its main settles. */
export class Scope {
  /** Live tasks. */
  readonly tasks: Set<TaskState> = new Set();
  /** Cleanups registered by other parts (worker threads, pools). */
  readonly cleanups: Set<() => void> = new Set();
  /** Set once main has settled. */
  closed = false;
  /** The reason tasks are cancelled with, once closed. */
  reason: unknown = undefined;

  /** Cancels every live task and runs every cleanup. */
  shutdown(reason: unknown): void {
    this.closed = true;
    this.reason = reason;
    for (const task of this.tasks) task.abort(reason, false);
    this.tasks.clear();
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups.clear();
  }
}

/**
 * The mutable state of one task, and its outcome (settled by the task's
 * function or by an abort, observed through its handle).
 */
export class TaskState extends Outcome<unknown> {
  /** The task itself: a task is its own frame in the async context (`context.ts`). */
  readonly [TASK]: TaskState = this;
  /** The run() that owns this task, if any. */
  readonly scope: Scope | null;
  /** The first pending wait, head of a doubly linked list. */
  waits: Wait | null = null;
  /** Its coop budget for zero-length sleeps, made by its first `sleep(0)`. */
  budget: Budget | null = null;
  /** Created on first access to `signal` (and by an abort). */
  controller: AbortController | null = null;

  /** Creates the state of a task owned by `scope`. */
  constructor(scope: Scope | null) {
    super();
    this.scope = scope;
  }

  /** The task's signal, aborted when the task is. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Whether the task was aborted (its signal was: nothing else aborts it). */
  get aborted(): boolean {
    return this.controller?.signal.aborted === true;
  }

  /** The abort reason (undefined while not aborted). */
  get reason(): unknown {
    return this.controller?.signal.reason;
  }

  /** Whether the task's function has settled (and the task was not aborted). */
  get finished(): boolean {
    return this.settled && !this.aborted;
  }

  /** The task's function settled: it leaves its scope's live tasks. */
  finish(): void {
    this.scope?.tasks.delete(this);
  }

  /**
   * Aborts the task: its signal fires and every pending wait rejects with the
   * signal's reason (`reason`, or an `AbortError` when it is undefined).
   */
  abort(reason: unknown, report: boolean): void {
    this.controller ??= new AbortController();
    if (this.controller.signal.aborted) return;
    this.scope?.tasks.delete(this);
    // Waits reject with signal.reason as it is, never with undefined: the
    // reason is fixed before the signal's listeners run (and `aborted` is
    // true from then on).
    const cause = reason === undefined
      ? new DOMException("The task was aborted", "AbortError")
      : reason;
    this.controller.abort(cause);
    let wait = this.waits;
    this.waits = null;
    while (wait !== null) {
      const next = wait.nextWait;
      wait.task = null;
      wait.prevWait = wait.nextWait = null;
      wait.cancel(cause);
      wait = next;
    }
    this.taskAborted(reason, report);
  }

  /** The task was aborted with `reason` (as given); its handle's part, for a spawned task. */
  protected taskAborted(_reason: unknown, _report: boolean): void {}
}

/** The task whose code is running now, if any. */
export function currentTask(): TaskState | undefined {
  return currentOf<TaskState>();
}

/**
 * Runs `fn` outside every task. For callbacks that are no task's code (the
 * shared host timer, deferred consumer polls): the host keeps the context of
 * whoever armed them, and waits begun there must not be tied to that task.
 */
export function outsideTasks<R>(fn: () => R): R {
  return outsideAll(fn);
}

/**
 * Registers `cleanup` to run when the current `run()` finishes. Returns a
 * function that unregisters it, or undefined outside a run (or once it is ending).
 */
export function onRunEnd(cleanup: () => void): (() => void) | undefined {
  const scope = currentTask()?.scope;
  if (scope === undefined || scope === null || scope.closed) return undefined;
  scope.cleanups.add(cleanup);
  return () => scope.cleanups.delete(cleanup);
}

/** Runs `fn` as the code of `task`. */
export function runAs<A, R>(task: TaskState, fn: (arg: A) => R, arg: A): R {
  return runIn(task, fn, arg);
}

/**
 * Ties `wait` to the running task. Returns the reason to reject with at once
 * when that task is already aborted, else undefined.
 */
export function linkWait(wait: Wait): { reason: unknown } | undefined {
  const task = currentTask();
  if (task === undefined) return undefined;
  if (task.finished) keepAlive(task);
  if (task.aborted) return { reason: task.reason };
  wait.task = task;
  wait.nextWait = task.waits;
  if (task.waits !== null) task.waits.prevWait = wait;
  task.waits = wait;
  return undefined;
}

/**
 * A wait begun by a finished task's code (a promise chain it left running)
 * is still work of its run(): the task rejoins the run's live tasks, or, once
 * the run is over, is cancelled so the wait ends at once.
 */
function keepAlive(task: TaskState): void {
  const scope = task.scope;
  if (scope === null) return;
  if (scope.closed) task.abort(scope.reason, false);
  else scope.tasks.add(task);
}

/** Unties `wait` from its task (it completed). */
export function unlinkWait(wait: Wait): void {
  const task = wait.task;
  if (task === null) return;
  if (wait.prevWait !== null) wait.prevWait.nextWait = wait.nextWait;
  else task.waits = wait.nextWait;
  if (wait.nextWait !== null) wait.nextWait.prevWait = wait.prevWait;
  wait.task = wait.prevWait = wait.nextWait = null;
}
