/**
 * Internal: the state behind a task, and which task is running now.
 *
 * The running task is found through `AsyncLocalStorage`, so a `sleep`, `recv`
 * or bounded `send` awaited inside a task is tied to it without the task
 * passing anything: `abort()` and `run()`'s shutdown reach it at once.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** Options of calls that can wait. */
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

/** Told when a task is aborted (its handle). */
export interface AbortListener {
  /** The task was aborted with `reason`; `report` if the failure should be reported. */
  taskAborted(reason: unknown, report: boolean): void;
}

/** The mutable state of one task. */
export class TaskState {
  /** The run() that owns this task, if any. */
  readonly scope: Scope | null;
  /** Set when aborted; the abort reason is in `reason`. */
  aborted = false;
  /** Set when the task's function has settled. */
  finished = false;
  /** The abort reason. */
  reason: unknown = undefined;
  /** The first pending wait, head of a doubly linked list. */
  waits: Wait | null = null;
  /** The macrotask epoch of the task's last zero-length sleep (tokio's budget). */
  budgetEpoch = -1;
  /** Zero-length sleeps in that epoch. */
  budgetUsed = 0;
  /** Created on first access to `signal`. */
  controller: AbortController | null = null;
  /** Called when the task is aborted (settles its handle). */
  onAbort: AbortListener | null = null;

  /** Creates the state of a task owned by `scope`. */
  constructor(scope: Scope | null) {
    this.scope = scope;
  }

  /** The task's signal, aborted when the task is. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** The task's function settled: it leaves its scope's live tasks. */
  finish(): void {
    this.finished = true;
    this.scope?.tasks.delete(this);
  }

  /**
   * Aborts the task: its signal fires and every pending wait rejects with the
   * signal's reason (`reason`, or an `AbortError` when it is undefined).
   */
  abort(reason: unknown, report: boolean): void {
    if (this.aborted) return;
    this.aborted = true;
    this.scope?.tasks.delete(this);
    // Waits reject with signal.reason as it is, never with undefined: the
    // reason is fixed before the signal's listeners run.
    this.reason = reason === undefined
      ? new DOMException("The task was aborted", "AbortError")
      : reason;
    this.controller ??= new AbortController();
    this.controller.abort(this.reason);
    let wait = this.waits;
    this.waits = null;
    while (wait !== null) {
      const next = wait.nextWait;
      wait.task = null;
      wait.prevWait = wait.nextWait = null;
      wait.cancel(this.reason);
      wait = next;
    }
    this.onAbort?.taskAborted(reason, report);
  }
}

const current = new AsyncLocalStorage<TaskState>();

/** The task whose code is running now, if any. */
export function currentTask(): TaskState | undefined {
  return current.getStore();
}

/**
 * Runs `fn` outside every task. For callbacks that are no task's code (the
 * shared host timer, deferred consumer polls): the host keeps the context of
 * whoever armed them, and waits begun there must not be tied to that task.
 */
export function outsideTasks<R>(fn: () => R): R {
  return current.exit(fn);
}

/**
 * Registers `cleanup` to run when the current `run()` finishes. Returns a
 * function that unregisters it, or undefined outside a run (or once it is ending).
 */
export function onRunEnd(cleanup: () => void): (() => void) | undefined {
  const scope = current.getStore()?.scope;
  if (scope === undefined || scope === null || scope.closed) return undefined;
  scope.cleanups.add(cleanup);
  return () => scope.cleanups.delete(cleanup);
}

/** Runs `fn` as the code of `task`. */
export function runAs<A, R>(task: TaskState, fn: (arg: A) => R, arg: A): R {
  return current.run(task, fn, arg);
}

/**
 * Ties `wait` to the running task. Returns the reason to reject with at once
 * when that task is already aborted, else undefined.
 */
export function linkWait(wait: Wait): { reason: unknown } | undefined {
  const task = current.getStore();
  if (task === undefined) return undefined;
  if (task.finished && !task.aborted) keepAlive(task);
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
