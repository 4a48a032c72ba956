/**
 * Internal: one timer driver for every weft deadline.
 *
 * All sleeps and combinator deadlines live in buckets keyed by their deadline
 * (whole milliseconds, as tokio's timer wheel), ordered by a min-heap of
 * distinct deadlines. A single `setTimeout`, looked up on `globalThis` each time
 * it is armed, waits for the earliest one, so a million sleeps cost one host
 * timer and fake clocks (`@sinonjs/fake-timers`, `@std/testing`) control weft.
 *
 * When the timer fires at instant T, entries due at T fire in two phases, as
 * tokio's current-thread runtime orders them: first the deadlines that wake
 * stream consumers, which are re-polled at once; then the sleeps of tasks,
 * whose continuations run next; consumers those tasks wake are re-polled in
 * the macrotask queued here, before any fake clock moves on.
 *
 * @module
 */
import { holdIfBusy } from "./host.ts";
import { flushConsumers, newTick, resumeTask, scheduleFlush } from "./scheduler.ts";
import { outsideTasks } from "./task_state.ts";

/** The longest delay a host timer takes (2^31 - 1 ms); longer ones re-arm. */
const MAX_DELAY = 2_147_483_647;

/** Something the driver fires at its deadline. */
export interface TimerEntry {
  /** Absolute deadline in ms (`Date.now()` scale). */
  deadline: number;
  /** Position in its bucket, or -1 when not scheduled. */
  slot: number;
  /** True for deadlines that wake a stream consumer (fired first). */
  readonly wakesConsumer: boolean;
  /** Called once by the driver when the deadline is reached. */
  fire(): void;
}

class Bucket {
  /** Entries in insertion order; removed ones become null. */
  readonly entries: (TimerEntry | null)[] = [];
  /** Entries still scheduled. */
  live = 0;
}

/** Distinct deadlines, a binary min-heap. */
const heap: number[] = [];
/** Deadline -> its entries. */
const buckets = new Map<number, Bucket>();
/** Total scheduled entries. */
let liveEntries = 0;
/** The host timer currently armed, if any. */
let armed: { at: number; id: unknown; setter: unknown; clear: (id: number) => void } | null = null;

/** The current time in whole milliseconds, read through `Date.now()`. */
export function now(): number {
  return Date.now();
}

/** Schedules `entry` at `entry.deadline`. */
export function insert(entry: TimerEntry): void {
  let bucket = buckets.get(entry.deadline);
  if (bucket === undefined) {
    bucket = new Bucket();
    buckets.set(entry.deadline, bucket);
    heapPush(entry.deadline);
  }
  entry.slot = bucket.entries.length;
  bucket.entries.push(entry);
  bucket.live++;
  liveEntries++;
  arm();
}

/** Unschedules `entry` if it is scheduled. */
export function remove(entry: TimerEntry): void {
  if (entry.slot < 0) return;
  const bucket = buckets.get(entry.deadline);
  const slot = entry.slot;
  entry.slot = -1;
  if (bucket === undefined) return;
  bucket.entries[slot] = null;
  bucket.live--;
  liveEntries--;
  // A host timer armed for an emptied bucket stays: it wakes, finds nothing
  // due, and re-arms. Only an empty driver clears it.
  if (liveEntries === 0) disarm();
}

/** How many entries are scheduled (for tests and diagnostics). */
export function pendingTimers(): number {
  return liveEntries;
}

function arm(): void {
  const setter = globalThis.setTimeout;
  const first = earliestLive();
  if (first === undefined) return disarm();
  // An earlier wake-up is as good: it re-arms when it finds nothing due. This
  // keeps deadlines that move later (timeouts reset by each item) off the host.
  if (armed !== null && armed.at <= first && armed.setter === setter) return;
  disarm();
  const delay = Math.min(MAX_DELAY, Math.max(0, first - now()));
  armed = { at: first, id: setter(onTimer, delay), setter, clear: globalThis.clearTimeout };
}

function disarm(): void {
  if (armed === null) return;
  // Cleared through the clock that armed it: a fake clock installed or
  // removed since then has its own ids.
  armed.clear(armed.id as number);
  armed = null;
}

/** The earliest deadline that still has live entries, dropping empty ones. */
function earliestLive(): number | undefined {
  while (heap.length > 0) {
    const first = heap[0]!;
    const bucket = buckets.get(first);
    if (bucket !== undefined && bucket.live > 0) return first;
    buckets.delete(first);
    heapPop();
  }
  return undefined;
}

function onTimer(): void {
  // Host callbacks run in the context of whatever armed them: fire outside
  // any task, so what the entries start is not tied to an unrelated task.
  outsideTasks(fireNow);
}

function fireNow(): void {
  armed = null;
  newTick();
  const due = takeDue(now());
  if (due.length > 0) fireDue(due);
  arm();
  // A thread woken now computes: another fake clock must wait for it here.
  holdIfBusy();
}

function takeDue(time: number): TimerEntry[] {
  const due: TimerEntry[] = [];
  while (heap.length > 0 && heap[0]! <= time) {
    const deadline = heapPop()!;
    const bucket = buckets.get(deadline);
    buckets.delete(deadline);
    if (bucket === undefined) continue;
    for (const entry of bucket.entries) {
      if (entry === null) continue;
      entry.slot = -1;
      due.push(entry);
    }
    liveEntries -= bucket.live;
  }
  return due;
}

function fireDue(due: TimerEntry[]): void {
  let woke = false;
  let sleeps = false;
  for (const entry of due) {
    if (entry.wakesConsumer) {
      entry.fire();
      woke = true;
    } else {
      sleeps = true;
    }
  }
  if (woke) flushConsumers();
  // Tasks resume once the consumers polled above are pending again (or in a
  // macrotask queued now, before the flush below).
  if (sleeps) resumeTask(() => fireSleeps(due));
  // Consumers woken by the tasks just resumed are polled at this same instant
  // (host.ts: a fake clock cannot step past it).
  scheduleFlush();
}

function fireSleeps(due: TimerEntry[]): void {
  for (const entry of due) {
    if (!entry.wakesConsumer) entry.fire();
  }
}

function heapPush(value: number): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function heapPop(): number | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  let i = 0;
  const n = heap.length;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && heap[right]! < heap[left]! ? right : left;
    if (heap[child]! >= last) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
}
