/**
 * Internal: when woken stream consumers are polled again.
 *
 * tokio polls a woken task after the tasks already ready have run, never in
 * the middle of them. weft mirrors that: a consumer woken by a send is queued
 * here and polled in one macrotask, after every microtask (every task resumed
 * at this instant) has run. The timer driver polls consumers woken by their
 * own deadlines synchronously, before it resumes sleeping tasks.
 *
 * @module
 */
import { macrotask, microtask } from "./host.ts";
import { outsideTasks } from "./task_state.ts";

/** A consumer the scheduler can poll. */
export interface Pollable {
  /** Polls the consumer's pipeline on behalf of the scheduler. */
  runScheduled(): void;
}

/** Consumers woken since the last flush, in wake order. */
let queue: Pollable[] = [];
/** Whether a flush macrotask is already queued. */
let flushQueued = false;

/**
 * Counts the scheduler's ticks (flushes, timer firings), as tokio's scheduler
 * counts its ticks: a consumer pulled in a new tick is polled anew, with a
 * fresh budget. ("Turn" means one thing in weft: a thread's place in the
 * virtual-time order of `_thread/turns.ts`.)
 */
let tick = 0;

/** The current scheduler tick. */
export function currentTick(): number {
  return tick;
}

/** Starts a new scheduler tick (the timer driver firing). */
export function newTick(): void {
  tick++;
}

/** Queues `consumer` for the next flush. */
export function enqueue(consumer: Pollable): void {
  queue.push(consumer);
  scheduleFlush();
}

/** Makes sure a flush macrotask is queued. */
export function scheduleFlush(): void {
  if (flushQueued) return;
  flushQueued = true;
  macrotask(flush);
}

function flush(): void {
  flushQueued = false;
  if (yielded.length > 0 && (queue.length === 0 || yieldRounds < EVENT_INTERVAL)) {
    // Tasks that spent their budget run again before woken consumers are
    // polled, as tokio polls `block_on`'s future only once its run queue is
    // empty or `event_interval` tasks have run.
    yieldRounds++;
    const batch = yielded;
    yielded = [];
    for (const resume of batch) resumeTask(resume);
    if (queue.length > 0) scheduleFlush();
    return;
  }
  yieldRounds = 0;
  tick++;
  outsideTasks(flushConsumers);
  if (yielded.length > 0) scheduleFlush();
}

// -- Tasks that spent their coop budget --

/** tokio's `event_interval`: task polls between two polls of `block_on`'s future. */
const EVENT_INTERVAL = 61;
/** Resumptions of tasks that spent their budget, for the next flush. */
let yielded: (() => void)[] = [];
/** Flushes that ran only yielded tasks since consumers were last polled. */
let yieldRounds = 0;

/**
 * Resumes a task that spent its coop budget (tokio: a `Pending` that wakes
 * the task at once, which puts it at the back of the run queue): in the next
 * flush, after the tasks ready now and before woken consumers are polled.
 */
export function resumeAfterYield(resume: () => void): void {
  yielded.push(resume);
  scheduleFlush();
}

/** Polls every queued consumer now. Consumers woken meanwhile wait for the next flush. */
export function flushConsumers(): void {
  if (queue.length === 0) return;
  const current = queue;
  queue = [];
  for (const consumer of current) consumer.runScheduled();
}

/** Whether no consumer is waiting to be polled and no flush is queued. */
export function schedulerIdle(): boolean {
  return !flushQueued && queue.length === 0 && deferred.length === 0 && yielded.length === 0;
}

// -- The task gate --
//
// tokio runs the consumer (the `block_on` future) until it is pending before
// any task woken at the same instant runs. A JS consumer pulls item after item
// across microtasks, so tasks resumed meanwhile would run between two of
// its pulls. Task resumptions (a sleep ending, a spawned task starting) go
// through this gate: while a consumer is between an item and its next pending
// pull, they wait; they run when the last such consumer is pending again, or
// in a macrotask if a consumer never pulls again.

/** Consumers that got an item and have not been pending since. */
let activeConsumers = 0;
/** Task resumptions held back while consumers are active. */
let deferred: (() => void)[] = [];
/** Whether a macrotask will release the held resumptions anyway. */
let releaseQueued = false;

/** Whether a task resumed now may run at once (no consumer is between two pulls). */
export function tasksMayResume(): boolean {
  return activeConsumers === 0 && deferred.length === 0;
}

/** Runs `resume` now, or once no consumer is between two pulls. */
export function resumeTask(resume: () => void): void {
  if (tasksMayResume()) return resume();
  deferred.push(resume);
  if (releaseQueued) return;
  releaseQueued = true;
  macrotask(releaseDeferred);
}

/** A consumer got an item: tasks wait until it is pending again. */
export function consumerActive(): void {
  activeConsumers++;
}

/**
 * A consumer is pending again (`release`), or has finished. A finished
 * consumer does not release the held tasks at once: its code goes on (a
 * `run()` main returning cancels them, as tokio's runtime drops its tasks when
 * `block_on` returns); the macrotask releases them otherwise.
 */
export function consumerQuiet(release: boolean): void {
  activeConsumers--;
  // Released in a microtask, not inside the consumer's pull.
  if (release && activeConsumers === 0 && deferred.length > 0) microtask(releaseIfQuiet);
}

function releaseIfQuiet(): void {
  if (activeConsumers === 0) releaseDeferred();
}

/** Whether task resumptions are being held back (a consumer is active or they wait). */
export function tasksHeld(): boolean {
  return deferred.length > 0;
}

function releaseDeferred(): void {
  releaseQueued = false;
  while (deferred.length > 0) {
    const batch = deferred;
    deferred = [];
    for (const resume of batch) resume();
  }
}
