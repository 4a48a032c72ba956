/**
 * Test helpers: a fake clock that drives weft (and anything else that reads
 * `setTimeout`, `setInterval` and `Date`) through virtual time, instant by
 * instant, as tokio's paused clock does.
 *
 * At each instant the clock fires the timers due, then lets every task and
 * stream consumer woken at that instant run to a standstill before it moves on,
 * so timelines are exact and repeatable: a test asserts `[ms, value]` pairs.
 *
 * @example Assert a timeline under virtual time
 * ```ts
 * import { TestClock } from "@weft/weft/testing";
 * import { sleep, spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const seen: [number, string][] = [];
 * spawnTask(async () => {
 *   for (const word of ["a", "b"]) {
 *     await sleep(100);
 *     seen.push([clock.elapsed, word]);
 *   }
 * });
 * await clock.tick(1_000);
 * assert.deepStrictEqual(seen, [[100, "a"], [200, "b"]]);
 * ```
 *
 * @module
 */
import { hostMacrotask, stepsPending } from "./_runtime/host.ts";
import { schedulerIdle } from "./_runtime/scheduler.ts";
import { busyElsewhere, installedClock, setInstalledClock } from "./_runtime/virtual_time.ts";

interface FakeTimer {
  /** Host-visible id. */
  id: number;
  /** Virtual time it is due. */
  at: number;
  /** Creation order, to break ties. */
  seq: number;
  /** The callback. */
  callback: (...args: unknown[]) => void;
  /** Extra arguments. */
  args: unknown[];
  /** Repeat period for intervals, else undefined. */
  every: number | undefined;
}

/**
 * Options of {@linkcode TestClock.install}.
 *
 * @example Start on a fixed date; stop a runaway interval
 * ```ts
 * import { TestClock, type TestClockOptions } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * const options: TestClockOptions = { now: Date.UTC(2026, 0, 1), loopLimit: 100 };
 * using clock = TestClock.install(options);
 * assert.equal(new Date().toISOString(), "2026-01-01T00:00:00.000Z");
 * // An interval re-arms forever: runAll() gives up after 100 instants.
 * const id = setInterval(() => {}, 10);
 * await assert.rejects(clock.runAll(), /more than 100 instants/);
 * clearInterval(id);
 * assert.equal(clock.elapsed, 1_010);
 * ```
 */
export interface TestClockOptions {
  /**
   * The virtual time to start at, in ms since the epoch.
   * @default {0}
   */
  now?: number;
  /**
   * How many timers one `tick` may fire before it gives up (a runaway loop).
   * @default {1_000_000}
   */
  loopLimit?: number;
}

type Globals = {
  setTimeout: typeof globalThis.setTimeout;
  clearTimeout: typeof globalThis.clearTimeout;
  setInterval: typeof globalThis.setInterval;
  clearInterval: typeof globalThis.clearInterval;
  Date: DateConstructor;
};

/** Whether weft has work in flight at this instant (consumers to poll, threads running). */
function busy(): boolean {
  return !schedulerIdle() || stepsPending() || busyElsewhere();
}

/**
 * A fake clock for tests. `install()` replaces `setTimeout`, `clearTimeout`,
 * `setInterval`, `clearInterval` and `Date` on `globalThis` until `uninstall()`
 * (or `using` disposal).
 *
 * - `tick(ms)` advances virtual time, firing timers in deadline order; after
 *   each instant it waits for weft's tasks and consumers to settle.
 * - Timers set for the same instant fire in the order they were set.
 * - A 0 ms timeout set at instant T fires at T, not T + 1.
 *
 * @example Measure what a task saw
 * ```ts
 * import { TestClock } from "@weft/weft/testing";
 * import { sleep } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const done = sleep(250).then(() => clock.elapsed);
 * await clock.tick(300);
 * assert.equal(await done, 250);
 * ```
 */
export class TestClock implements Disposable {
  /** The saved host functions. */
  readonly #saved: Globals;
  /** Pending timers by id. */
  readonly #timers = new Map<number, FakeTimer>();
  /** Virtual now. */
  #now: number;
  /** Virtual time at install. */
  readonly #start: number;
  /** Ids and creation order. */
  #seq = 1;
  /** Limit of timers fired by one advance. */
  readonly #loopLimit: number;

  private constructor(options: TestClockOptions) {
    this.#now = options.now ?? 0;
    this.#start = this.#now;
    this.#loopLimit = options.loopLimit ?? 1_000_000;
    this.#saved = {
      setTimeout: globalThis.setTimeout,
      clearTimeout: globalThis.clearTimeout,
      setInterval: globalThis.setInterval,
      clearInterval: globalThis.clearInterval,
      Date: globalThis.Date,
    };
  }

  /**
   * Installs a fake clock on `globalThis`.
   *
   * @param options Start time and loop limit.
   * @returns The clock; dispose it (or call `uninstall`) to restore the host timers.
   * @throws {TypeError} If a TestClock is already installed.
   */
  static install(options: TestClockOptions = {}): TestClock {
    if (installedClock() !== null) {
      throw new TypeError("Cannot install the test clock: one is already installed");
    }
    const clock = new TestClock(options);
    clock.#patch();
    setInstalledClock(clock);
    return clock;
  }

  /** Virtual time in ms since the epoch (what `Date.now()` returns). */
  get now(): number {
    return this.#now;
  }

  /** Virtual ms since the clock was installed. */
  get elapsed(): number {
    return this.#now - this.#start;
  }

  /** How many host timers (timeouts and intervals) are pending. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /**
   * Advances virtual time by `ms`, firing every timer due on the way, one
   * instant at a time, and letting weft settle after each.
   *
   * @param ms How far to advance, in ms (>= 0).
   * @returns A promise that resolves at the new time, once everything due has run.
   * @throws {RangeError} If `ms` is negative or not finite.
   */
  async tick(ms: number): Promise<void> {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`Cannot tick: the duration must be a finite number >= 0, got ${ms}`);
    }
    await this.#advanceTo(this.#now + ms);
  }

  /**
   * Advances to the next timer, fires everything due at that instant, and settles.
   *
   * @returns The new virtual elapsed time, or undefined if no timer is pending.
   */
  async next(): Promise<number | undefined> {
    await this.#settle();
    const first = this.#first();
    if (first === undefined) return undefined;
    await this.#advanceTo(first.at);
    return this.elapsed;
  }

  /**
   * Fires timers until none is left, instant by instant.
   *
   * @returns A promise that resolves when no timer is pending.
   * @throws {Error} If more than the loop limit of timers fire (a runaway interval).
   */
  async runAll(): Promise<void> {
    let fired = 0;
    for (;;) {
      await this.#settle();
      const first = this.#first();
      if (first === undefined) return;
      await this.#advanceTo(first.at);
      if (++fired > this.#loopLimit) {
        throw new Error(`Cannot run all timers: more than ${this.#loopLimit} instants`);
      }
    }
  }

  /** Lets pending tasks and consumers run at the current instant, without moving time. */
  settle(): Promise<void> {
    return this.#settle();
  }

  /** Restores the host's timers and `Date`; pending fake timers are dropped. */
  uninstall(): void {
    if (installedClock() !== this) return;
    Object.assign(globalThis, this.#saved);
    this.#timers.clear();
    setInstalledClock(null);
  }

  /** Uninstalls the clock, as `uninstall()`. */
  [Symbol.dispose](): void {
    this.uninstall();
  }

  async #advanceTo(target: number): Promise<void> {
    await this.#settle();
    let fired = 0;
    for (;;) {
      const first = this.#first();
      if (first === undefined || first.at > target) break;
      this.#now = first.at;
      this.#fire(first);
      await this.#settle();
      if (++fired > this.#loopLimit) {
        throw new Error(`Cannot tick: more than ${this.#loopLimit} timers fired (a runaway loop?)`);
      }
    }
    this.#now = target;
    await this.#settle();
  }

  #fire(timer: FakeTimer): void {
    if (timer.every === undefined) this.#timers.delete(timer.id);
    else {
      timer.at += timer.every;
      timer.seq = this.#seq++;
    }
    timer.callback(...timer.args);
  }

  #first(): FakeTimer | undefined {
    let first: FakeTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (
        first === undefined || timer.at < first.at ||
        (timer.at === first.at && timer.seq < first.seq)
      ) {
        first = timer;
      }
    }
    return first;
  }

  async #settle(): Promise<void> {
    // Two quiet macrotask turns in a row: every microtask chain and every
    // queued consumer poll of this instant has run.
    let quiet = 0;
    while (quiet < 2) {
      await new Promise<void>((resolve) => hostMacrotask(resolve));
      quiet = busy() ? 0 : quiet + 1;
    }
  }

  #add(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
    if (typeof callback !== "function") {
      throw new TypeError("Cannot set a timer: the callback must be a function");
    }
    const ms = Math.max(0, Math.floor(Number(delay) || 0));
    const id = this.#seq++;
    this.#timers.set(id, {
      id,
      at: this.#now + (repeat ? Math.max(1, ms) : ms),
      seq: id,
      callback: callback as (...args: unknown[]) => void,
      args,
      every: repeat ? Math.max(1, ms) : undefined,
    });
    return id;
  }

  #patch(): void {
    const add = (callback: unknown, delay: unknown, args: unknown[], repeat: boolean) =>
      this.#add(callback, delay, args, repeat);
    const clear = (id: unknown) => {
      this.#timers.delete(Number(id));
    };
    const now = () => this.#now;
    const RealDate = this.#saved.Date;
    class FakeDate extends RealDate {
      constructor(...args: unknown[]) {
        super(...((args.length === 0 ? [now()] : args) as [number]));
      }
      static override now(): number {
        return now();
      }
    }
    Object.assign(globalThis, {
      setTimeout: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
        add(callback, delay, args, false),
      setInterval: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
        add(callback, delay, args, true),
      clearTimeout: clear,
      clearInterval: clear,
      Date: FakeDate,
    });
  }
}
export { expectTimeline, type ExpectTimelineOptions } from "./_testing/expect.ts";
export type { MarbleOptions } from "./_testing/marble.ts";
export { source } from "./_testing/source.ts";
export {
  type Timeline,
  timeline,
  type TimelineInput,
  type TimelineOptions,
} from "./_testing/timeline.ts";
