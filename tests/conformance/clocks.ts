/**
 * The fake clocks the conformance programs run under: weft's `TestClock`;
 * `@sinonjs/fake-timers` driven by `tickAsync`, as a new user would drive it
 * (one timer, then one real macrotask, then the next timer); and a model of
 * `@std/testing`'s `FakeTime` (which cannot be installed here) driven by
 * `nextAsync` (one real macrotask, then every timer of the next instant).
 *
 * @module
 */
import FakeTimers from "@sinonjs/fake-timers";
import { TestClock } from "../../testing.ts";
import { FakeTimeModel } from "./faketime_model.ts";
import type { Clock } from "./scenario.ts";

/** The clocks every program runs under. */
export const CLOCKS = ["TestClock", "sinon", "FakeTime"] as const;

/**
 * The clocks that move from one instant to the next without waiting for a
 * real timer: `FakeTime` waits a real `setTimeout(0)` (about 2 ms in Deno) at
 * every instant, too slow for the listings' thousands of 1 ms intervals.
 */
export const FAST_CLOCKS = ["TestClock", "sinon"] as const;

/** One of {@linkcode CLOCKS}. */
export type ClockKind = (typeof CLOCKS)[number];

/** A clock a test drives: virtual time, a tick, and the timers still pending. */
export interface DrivenClock extends Clock {
  /** Timers still pending on the clock. */
  readonly pendingTimers: number;
}

/**
 * Runs `body` under a fresh clock of `kind` installed at virtual 0, and
 * uninstalls it on every path.
 */
export async function underClock<T>(
  kind: ClockKind,
  body: (clock: DrivenClock) => Promise<T>,
): Promise<T> {
  if (kind === "TestClock") {
    using clock = TestClock.install();
    return await body(clock);
  }
  if (kind === "FakeTime") {
    const time = new FakeTimeModel(0);
    try {
      return await body({
        get elapsed() {
          return time.now;
        },
        async tick(ms: number) {
          // FakeTime's tickAsync fires every timer up to the target in one
          // loop; nextAsync moves one instant at a time.
          const target = time.now + ms;
          for (;;) {
            await time.runMicrotasks();
            const next = time.nextDue;
            if (next === undefined || next > target) break;
            time.now = next;
          }
          time.now = target;
        },
        get pendingTimers() {
          return time.pendingTimers;
        },
      });
    } finally {
      time.restore();
    }
  }
  const fake = FakeTimers.withGlobal(globalThis).install({ now: 0 });
  try {
    return await body({
      get elapsed() {
        return fake.now;
      },
      async tick(ms: number) {
        await fake.tickAsync(ms);
      },
      get pendingTimers() {
        return fake.countTimers();
      },
    });
  } finally {
    fake.uninstall();
  }
}
