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
import { macrotask } from "./_macrotask.ts";
import { outsideTasks } from "./_task.ts";

/** A consumer the scheduler can poll. */
export interface Pollable {
  /** Polls the consumer's pipeline on behalf of the scheduler. */
  runScheduled(): void;
}

/** Consumers woken since the last flush, in wake order. */
let queue: Pollable[] = [];
/** Whether a flush macrotask is already queued. */
let flushQueued = false;

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
  outsideTasks(flushConsumers);
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
  return !flushQueued && queue.length === 0;
}
