/**
 * Internal: `timeout`, tokio-stream's `Timeout`.
 *
 * Items pass through as `{ ok: true, value }`. The deadline is set when the
 * stage is created and moves to now + `ms` each time an item is yielded. When
 * the source has nothing ready and the deadline has passed, one
 * `{ ok: false, error: Elapsed }` is yielded and the deadline is disarmed
 * until the next item: at most one per gap, and the stream goes on. An item
 * already available wins over an expired deadline. The stream ends as soon as
 * its source ends.
 *
 * @module
 */
import { Delay, DONE, now, PENDING, type Poll, type Source, type Waker } from "../_runtime/poll.ts";
import { Elapsed } from "../task.ts";
import { FuseSource } from "./fuse.ts";

/**
 * An item, or the error that took its place: what `timeout` yields (with
 * `Elapsed`), and a broadcast receiver's stream (with `Lagged`). Test `ok`
 * to narrow it.
 *
 * @typeParam T The items.
 * @typeParam E The error.
 *
 * @example Tell items from timeouts
 * ```ts
 * import { Elapsed, type Result } from "@weft/weft/stream";
 * import { source, TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * function describe(result: Result<string, Elapsed>): string {
 *   return result.ok ? result.value : `gap (${result.error.name})`;
 * }
 * const done = source("a---b|").timeout(2).map(describe).toArray();
 * await clock.tick(10);
 * assert.deepStrictEqual(await done, ["a", "gap (Elapsed)", "b"]);
 * ```
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Marks gaps longer than `ms` with an `Elapsed` error. */
export class TimeoutSource<T> implements Source<Result<T, Elapsed>> {
  /** Upstream, fused. */
  readonly #source: FuseSource<T>;
  /** The allowed gap in ms. */
  readonly #ms: number;
  /** The current deadline. */
  readonly #deadline: Delay;
  /** Whether the deadline is armed (no Elapsed yielded since the last item). */
  #armed = true;

  constructor(source: Source<T>, ms: number) {
    this.#source = new FuseSource(source);
    this.#ms = ms;
    this.#deadline = new Delay(now() + ms);
  }

  poll(cx: Waker): Poll<Result<T, Elapsed>> {
    const item = this.#source.poll(cx);
    if (item === DONE) return DONE;
    if (item !== PENDING) {
      this.#deadline.reset(now() + this.#ms);
      this.#armed = true;
      return { ok: true, value: item };
    }
    if (!this.#armed || !this.#deadline.poll(cx)) return PENDING;
    this.#armed = false;
    return { ok: false, error: new Elapsed() };
  }

  close(): void {
    this.#deadline.cancel();
    this.#source.close();
  }
}
