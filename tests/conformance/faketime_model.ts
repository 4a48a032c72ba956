/**
 * A model of `@std/testing/time`'s `FakeTime` (std 1.x), which cannot be
 * installed here: the same timer semantics, written down from its source, so
 * that weft is tested under that clock's way of stepping too.
 *
 * - `setTimeout(f, d)` is due at `now + max(0, floor(d))` (intervals at least
 *   1 ms); timers due at one instant fire in the order they were set.
 * - Setting `now` fires every timer due up to the new time in one synchronous
 *   loop, with no microtask between two of them.
 * - `nextAsync()` waits for one real `setTimeout(0)` (its `runMicrotasks()`),
 *   then moves to the next due instant and fires what is due there;
 *   `runAllAsync()` repeats it until no timer is left. `tickAsync(ms)` waits
 *   once, then sets `now` forward by `ms`: every timer up to there fires in
 *   the one loop, before any task resumed by the first has run, so programs
 *   that sleep more than once are driven by `nextAsync()` / `runAllAsync()`.
 *
 * @module
 */

interface Timer {
  id: number;
  due: number;
  callback: () => void;
  every: number | undefined;
}

type Saved = Pick<
  typeof globalThis,
  "Date" | "setTimeout" | "clearTimeout" | "setInterval" | "clearInterval"
>;

/** `FakeTime`'s stepping, installed on `globalThis` until `restore()`. */
export class FakeTimeModel {
  readonly #saved: Saved;
  /** Live timers, by id. */
  readonly #timers = new Map<number, Timer>();
  #now: number;
  #ids = 1;

  constructor(start = 0) {
    this.#now = start;
    this.#saved = {
      Date: globalThis.Date,
      setTimeout: globalThis.setTimeout,
      clearTimeout: globalThis.clearTimeout,
      setInterval: globalThis.setInterval,
      clearInterval: globalThis.clearInterval,
    };
    const RealDate = this.#saved.Date;
    const now = () => this.#now;
    class FakeDate extends RealDate {
      constructor(...args: unknown[]) {
        super(...((args.length === 0 ? [now()] : args) as [number]));
      }
      static override now(): number {
        return now();
      }
    }
    const add = (callback: unknown, delay: unknown, repeat: boolean): number => {
      const ms = Math.max(repeat ? 1 : 0, Math.floor(Number(delay) || 0));
      const id = this.#ids++;
      const fn = callback as () => void;
      this.#timers.set(id, {
        id,
        due: this.#now + ms,
        callback: fn,
        every: repeat ? ms : undefined,
      });
      return id;
    };
    const clear = (id: unknown) => void this.#timers.delete(Number(id));
    Object.assign(globalThis, {
      Date: FakeDate,
      setTimeout: (callback: unknown, delay?: unknown) => add(callback, delay, false),
      setInterval: (callback: unknown, delay?: unknown) => add(callback, delay, true),
      clearTimeout: clear,
      clearInterval: clear,
    });
  }

  /** Virtual now. */
  get now(): number {
    return this.#now;
  }

  /** Fires every timer due up to `value` in one synchronous loop, as `FakeTime`'s `now` setter. */
  set now(value: number) {
    for (;;) {
      const first = this.#first();
      if (first === undefined || first.due > value) break;
      this.#now = first.due;
      if (first.every === undefined) this.#timers.delete(first.id);
      else {
        // Re-set: a fresh id puts it after the timers already due then.
        this.#timers.delete(first.id);
        const id = this.#ids++;
        this.#timers.set(id, { ...first, id, due: first.due + first.every });
      }
      first.callback();
    }
    this.#now = value;
  }

  /** When the next timer is due, if any. */
  get nextDue(): number | undefined {
    return this.#first()?.due;
  }

  /** Timers still pending. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** `runMicrotasks()`: one real `setTimeout(0)`. */
  runMicrotasks(): Promise<void> {
    return new Promise((resolve) => this.#saved.setTimeout(resolve, 0));
  }

  /** `nextAsync()`: waits once, then fires the next due instant; false if none. */
  async nextAsync(): Promise<boolean> {
    await this.runMicrotasks();
    const first = this.#first();
    if (first === undefined) return false;
    this.now = first.due;
    return true;
  }

  /** `tickAsync(ms)`: waits once, then fires everything due up to `now + ms` in one loop. */
  async tickAsync(ms: number): Promise<void> {
    await this.runMicrotasks();
    this.now = this.#now + ms;
  }

  /** Restores the host's timers and `Date`. */
  restore(): void {
    Object.assign(globalThis, this.#saved);
    this.#timers.clear();
  }

  /** The timer due first (ties: the one set first). */
  #first(): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (first === undefined || timer.due < first.due) first = timer;
    }
    return first;
  }
}
