/**
 * The fake clocks the conformance programs run under: weft's `TestClock`,
 * and `@sinonjs/fake-timers` driven by `tickAsync` as a new user would drive
 * it. `@std/testing`'s `FakeTime` steps as sinon does (one real macrotask
 * between two timers); it cannot be installed here, so sinon stands for both.
 *
 * @module
 */
import FakeTimers from "@sinonjs/fake-timers";
import { TestClock } from "../../testing.ts";
import type { Clock } from "./scenario.ts";

/** The clocks every program runs under. */
export const CLOCKS = ["TestClock", "sinon"] as const;

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
