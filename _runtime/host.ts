/**
 * Internal: how weft defers work to "once every ready task has run" (the
 * deferred re-poll of woken stream consumers, `yieldNow()`), under
 * real time and under any fake clock.
 *
 * Under real time (and under weft's `TestClock`, which waits for weft to be
 * idle before it moves on) that is a real macrotask (`setImmediate`): it runs
 * once the microtask queue is empty, and unlike a nested `setTimeout(0)` it is
 * not clamped to 4 ms.
 *
 * Another fake clock (`@sinonjs/fake-timers`, `@std/testing`'s `FakeTime`)
 * knows nothing of weft: it fires its next timer after one real macrotask of
 * its own, so weft's deferred work would race it and be seen at a later
 * instant. When `Date.now` is not the host's own (a fake clock owns time),
 * deferred work therefore waits in one queue, and each step of it is also a
 * zero-delay timer of that clock: the clock cannot move past the instant
 * before it has run every step (it fires timers in time order), and a real
 * macrotask still runs the step when nobody ticks. Steps run one at a time,
 * the next armed in a microtask, so a clock that fires every due timer in one
 * synchronous loop (`FakeTime`) still lets each step's microtasks run before
 * the next step. While a thread computes (a busy check says so), a zero-delay
 * timer holds the clock at the instant.
 *
 * @module
 */
import { clearImmediate, setImmediate } from "node:timers";
import { busyElsewhere, installedClock } from "./virtual_time.ts";

/** Runs `callback` in a fresh real macrotask, whatever clock is installed. */
export const hostMacrotask: (callback: () => void) => void = setImmediate;

/** A settled promise: its reactions are microtasks no fake clock can defer. */
const settled = Promise.resolve();

/**
 * Runs `callback` in a microtask, as `queueMicrotask` does, but through a
 * promise reaction: sinon fakes `queueMicrotask` by default (its jobs run only
 * at its next timer, after it has moved the clock).
 */
export function microtask(callback: () => void): void {
  settled.then(callback);
}

// -- Which clock owns time --

/** The `Date.now` last looked at, and whether it was a fake one. */
let checkedNow: unknown = undefined;
let nowIsFake = false;

/** Whether a fake clock owns time: `Date.now` is not the host's native one. */
export function fakeTime(): boolean {
  const now = Date.now;
  if (now !== checkedNow) {
    checkedNow = now;
    nowIsFake = !Function.prototype.toString.call(now).includes("[native code]");
  }
  return nowIsFake;
}

/** Whether a fake clock other than `TestClock` (which waits for weft itself) owns time. */
function foreignClock(): boolean {
  return installedClock() === null && fakeTime();
}

// -- Deferred work --

/** Deferred callbacks, in order, while a foreign fake clock is (or was) installed. */
const steps: (() => void)[] = [];
/** The real macrotask of the armed step. */
let real: ReturnType<typeof setImmediate> | null = null;
/** The fake clock's zero-delay timer of the armed step, and the clock's functions. */
let fake: { id: unknown; setter: unknown; clear: (id: number) => void } | null = null;

/** Runs `callback` once every ready task has run, at this instant. */
export function macrotask(callback: () => void): void {
  if (steps.length === 0 && real === null && fake === null && !foreignClock()) {
    setImmediate(callback);
    return;
  }
  steps.push(callback);
  arm();
}

/**
 * Under a foreign fake clock, holds it at this instant while a thread
 * computes (a busy check of `virtual_time.ts` says so).
 */
export function holdIfBusy(): void {
  if (fake === null && foreignClock() && busyElsewhere()) arm();
}

/** Whether deferred work waits (for `TestClock`'s idle check). */
export function stepsPending(): boolean {
  return steps.length > 0;
}

function arm(): void {
  const work = steps.length > 0;
  const foreign = foreignClock();
  if (!work && !(foreign && busyElsewhere())) return;
  // A hold alone is only a fake timer: it must not spin real macrotasks.
  if (work && real === null) real = setImmediate(step);
  const setter = globalThis.setTimeout;
  if (foreign && (fake === null || fake.setter !== setter)) {
    if (fake !== null) fake.clear(fake.id as number);
    fake = { id: zeroDelay(setter), setter, clear: globalThis.clearTimeout };
  }
}

/** A clock that says, as sinon's does, whether it is in the middle of a tick. */
type TickingClock = { duringTick?: boolean };

/**
 * Sets a zero-delay timer on the fake clock: due at this instant. sinon puts
 * a zero-delay timer set during a tick one millisecond later (a browser's
 * minimum delay); its clock, which it hangs on the timer functions it
 * installs, is told it is not ticking while weft sets its step.
 */
function zeroDelay(setter: typeof globalThis.setTimeout): unknown {
  const clock = (setter as { clock?: TickingClock }).clock;
  if (clock?.duringTick !== true) return setter(step, 0);
  clock.duringTick = false;
  try {
    return setter(step, 0);
  } finally {
    clock.duringTick = true;
  }
}

function step(): void {
  if (real !== null) clearImmediate(real);
  real = null;
  if (fake !== null) fake.clear(fake.id as number);
  fake = null;
  const callback = steps.shift();
  // The next step is armed once this one's synchronous part is over.
  microtask(arm);
  callback?.();
}
