/**
 * Internal: tokio's `Interval`, the clock behind `interval()`, `intervalAt()`
 * and `timeoutRepeating()`.
 *
 * A tick is due at `start`, then every `period`. When a tick is taken more
 * than 5 ms after it was due (tokio's threshold), the next one is due, by the
 * missed-tick behaviour:
 * - `"burst"` (default): `period` after the late tick's due time, so missed
 *   ticks come back to back until the interval has caught up;
 * - `"delay"`: `period` after now: the schedule shifts;
 * - `"skip"`: at the next multiple of `period` on the original schedule
 *   after now: missed ticks are dropped.
 * `reset()` moves the next tick to now + `period`.
 *
 * `intervalSource` checks the arguments of `interval()` and `intervalAt()`
 * and makes their stage.
 *
 * @module
 */
import { Delay, now, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { checkPeriod } from "./checks.ts";

/**
 * What an interval does with ticks missed while nobody polled (tokio's
 * `MissedTickBehavior`), once a tick is taken more than 5 ms late:
 * `"burst"` yields the missed ticks back to back until caught up; `"delay"`
 * makes the next tick due one period after the late one was taken; `"skip"`
 * drops the missed ticks and keeps the original schedule.
 *
 * @example One slow item, three behaviours
 * ```ts
 * import { interval, type MissedTickBehavior } from "@weft/weft/stream";
 * import { sleep } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * async function ticks(missedTickBehavior: MissedTickBehavior): Promise<number[]> {
 *   const start = Date.now();
 *   const seen: number[] = [];
 *   const done = interval(10, { missedTickBehavior }).take(4).forEach(async (t) => {
 *     seen.push(t - start);
 *     if (seen.length === 1) await sleep(35); // the ticks due at 10, 20 and 30 wait
 *   });
 *   await clock.tick(100);
 *   await done;
 *   return seen;
 * }
 * assert.deepStrictEqual(await ticks("burst"), [0, 10, 20, 30]);
 * assert.deepStrictEqual(await ticks("delay"), [0, 10, 45, 55]);
 * assert.deepStrictEqual(await ticks("skip"), [0, 10, 40, 50]);
 * ```
 */
export type MissedTickBehavior = "burst" | "delay" | "skip";

/** tokio's lateness threshold, in ms, before the missed-tick behaviour applies. */
const LATE_MS = 5;

/** A periodic deadline. */
export class Interval {
  /** Fires at the next tick (rounded up to a whole ms). */
  readonly #delay: Delay;
  /** The next tick's exact due time, possibly fractional. */
  #due: number;
  /** The period in ms. */
  readonly #period: number;
  /** What to do after a late tick. */
  readonly #behavior: MissedTickBehavior;

  constructor(start: number, period: number, behavior: MissedTickBehavior = "burst") {
    this.#delay = new Delay(start);
    this.#due = start;
    this.#period = period;
    this.#behavior = behavior;
  }

  /** Returns the due time of a tick that has come, else undefined (and `cx` will be woken). */
  pollTick(cx: Waker): number | undefined {
    if (!this.#delay.poll(cx)) return undefined;
    const due = this.#due;
    const at = now();
    this.#due = at > due + LATE_MS ? this.#afterLate(due, at) : due + this.#period;
    this.#delay.reset(this.#due);
    return due;
  }

  /** Moves the next tick to now + period. */
  reset(): void {
    this.#due = now() + this.#period;
    this.#delay.reset(this.#due);
  }

  /** Stops the interval. */
  cancel(): void {
    this.#delay.cancel();
  }

  /** The next due time after a tick due at `due` was taken late, at `at`. */
  #afterLate(due: number, at: number): number {
    const period = this.#period;
    if (this.#behavior === "delay") return at + period;
    if (this.#behavior === "skip") return at + period - ((at - due) % period);
    return due + period;
  }
}

/** tokio's `IntervalStream`: yields each tick's due time (ms since the epoch). */
export class IntervalSource implements Source<number> {
  /** The clock. */
  readonly #interval: Interval;

  constructor(start: number, period: number, behavior: MissedTickBehavior) {
    this.#interval = new Interval(start, period, behavior);
  }

  poll(cx: Waker): Poll<number> {
    return this.#interval.pollTick(cx) ?? PENDING;
  }

  close(): void {
    this.#interval.cancel();
  }
}

/**
 * Options of `interval` and `intervalAt`.
 *
 * @example A slow consumer, ticks delayed rather than bunched
 * ```ts
 * import { interval, type IntervalOptions } from "@weft/weft/stream";
 * import { sleep } from "@weft/weft/task";
 * import { TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const options: IntervalOptions = { missedTickBehavior: "delay" };
 * const seen: [number, number][] = [];
 * const done = interval(10, options).take(3).forEach(async (tick) => {
 *   seen.push([tick, clock.elapsed]);
 *   await sleep(25);
 * });
 * await clock.tick(100);
 * await done;
 * // [due, taken]: each late tick moves the next one to a period after it was taken.
 * assert.deepStrictEqual(seen, [[0, 0], [10, 25], [35, 50]]);
 * ```
 */
export interface IntervalOptions {
  /**
   * What happens after a tick taken more than 5 ms late (tokio's
   * `MissedTickBehavior`): `"burst"` yields the missed ticks back to back
   * until caught up; `"delay"` schedules the next tick `ms` after now;
   * `"skip"` drops the missed ticks and keeps the original schedule.
   * @default {"burst"}
   */
  missedTickBehavior?: MissedTickBehavior;
}

/**
 * The stage of `interval()` (`start` now) and `intervalAt()`; throws at once
 * for a bad start, period or behaviour, in that order.
 */
export function intervalSource(
  start: number,
  ms: number,
  options: IntervalOptions | undefined,
): IntervalSource {
  if (typeof start !== "number" || !Number.isFinite(start)) {
    throw new RangeError(
      `Cannot make an interval: the start must be a finite timestamp in ms, got ${String(start)}`,
    );
  }
  checkPeriod(ms, "make an interval");
  return new IntervalSource(start, ms, checkBehavior(options?.missedTickBehavior));
}

function checkBehavior(behavior: unknown): MissedTickBehavior {
  if (behavior === undefined) return "burst";
  if (behavior === "burst" || behavior === "delay" || behavior === "skip") return behavior;
  throw new RangeError(
    `Cannot make an interval: missedTickBehavior must be "burst", "delay" or "skip", got ${
      String(behavior)
    }`,
  );
}
