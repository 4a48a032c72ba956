/**
 * Helpers of the per-combinator stream tests: timed sources that count how
 * they are closed, and a `timeline()` that consumes a stream under the test
 * clock and returns its whole `[ms, item]` list.
 *
 * @module
 */
import { channel, SendError } from "../../channel.ts";
import { sleep, spawnTask } from "../../task.ts";
import { Stream } from "../../stream.ts";
import type { TestClock } from "../../testing.ts";
import { assertEquals } from "../_assert.ts";

/** The last entry of a timeline whose stream ended by itself. */
export const END = "<END>";
/** The last entry of a timeline whose stream was still running at the cut-off. */
export const CUTOFF = "<CUTOFF>";

/** One `[virtual ms, item]` pair; the last one is `END` or `CUTOFF`. */
export type Entry<T> = [number, T | typeof END | typeof CUTOFF];

/** A timed item: `[ms since the source was made, value]`. */
export type Event<T> = readonly [number, T];

/**
 * Consumes `stream` with `for await` for `ms` virtual milliseconds and returns
 * every `[clock.elapsed, item]` pair, then `[ms, END]` when the stream ended,
 * or `[ms, CUTOFF]` when it was still running at `ms` (it is then closed, as a
 * consumer that gives up).
 *
 * @throws What the stream throws.
 */
export async function timeline<T>(
  stream: Stream<T>,
  clock: TestClock,
  ms = 10_000,
): Promise<Entry<T>[]> {
  const entries: Entry<T>[] = [];
  let cutoff = false;
  const done = (async () => {
    for await (const item of stream) entries.push([clock.elapsed, item]);
    entries.push([clock.elapsed, cutoff ? CUTOFF : END]);
  })();
  let settled = false;
  done.then(() => settled = true, () => settled = true);
  await clock.tick(ms);
  if (!settled) {
    cutoff = true;
    stream.close();
  }
  await done;
  return entries;
}

/** A timed source fed through a channel by a producer task, as in the conformance cases. */
export interface Feed<T> {
  /** The stream of the channel's receiver. */
  readonly stream: Stream<T>;
  /** `[ms, value]` of each send that went through. */
  readonly sent: [number, T][];
  /** `[ms, value]` of the send refused with `SendError`; the producer stopped there. */
  readonly refused: [number, T][];
}

/** Options of {@linkcode feed}. */
export interface FeedOptions {
  /** When the sender is closed; `null`: never. Default: right after the last send. */
  closeAt?: number | null;
}

/**
 * Spawns a producer task that sends each `[ms, value]` at that time (since
 * now) into an unbounded channel, and returns the receiver as a stream. A send
 * that throws `SendError` (the receiver was closed) is recorded and stops the
 * producer, as listing 17-40's interval task stops.
 */
export function feed<T>(
  events: readonly Event<T>[],
  options: FeedOptions = {},
): Feed<T> {
  const [tx, rx] = channel<T>();
  const start = Date.now();
  const sent: [number, T][] = [];
  const refused: [number, T][] = [];
  const last = events.at(-1)?.[0] ?? 0;
  const closeAt = options.closeAt === undefined ? last : options.closeAt;
  spawnTask(async () => {
    for (const [at, value] of events) {
      await sleepUntil(start + at);
      try {
        tx.send(value);
      } catch (error) {
        if (!(error instanceof SendError)) throw error;
        refused.push([Date.now() - start, value]);
        return;
      }
      sent.push([Date.now() - start, value]);
    }
    if (closeAt === null) return;
    await sleepUntil(start + closeAt);
    tx.close();
  });
  return { stream: Stream.from(rx), sent, refused };
}

function sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
  const options = signal === undefined ? {} : { signal };
  return sleep(Math.max(0, at - Date.now()), options);
}

/**
 * An async iterable of timed items that counts how it is used: iterators
 * made, `next()` and `return()` calls. `return()` ends a pending `next()` and
 * clears its timer, so nothing is left behind.
 */
export class Probe<T> implements AsyncIterable<T> {
  /** Iterators made. */
  iterators = 0;
  /** `next()` calls. */
  nexts = 0;
  /** `return()` calls. */
  returns = 0;
  /** The items. */
  readonly #events: readonly Event<T>[];
  /** When it ends after the last item; null: never. */
  readonly #endAt: number | null;

  /**
   * @param events `[ms since the first next(), value]`, in time order.
   * @param endAt When it ends; default: right after the last item; `null`: never.
   */
  constructor(events: readonly Event<T>[], endAt?: number | null) {
    this.#events = events;
    this.#endAt = endAt === undefined ? (events.at(-1)?.[0] ?? 0) : endAt;
  }

  /** Whether it was returned exactly once. */
  get closedOnce(): boolean {
    return this.returns === 1;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    this.iterators++;
    const controller = new AbortController();
    let start: number | undefined;
    let index = 0;
    const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
    return {
      next: async (): Promise<IteratorResult<T>> => {
        this.nexts++;
        start ??= Date.now();
        const event = this.#events[index++];
        const at = event?.[0] ?? this.#endAt;
        try {
          if (at === null) await forever(controller.signal);
          else await sleepUntil(start + at, controller.signal);
        } catch {
          return done;
        }
        return event === undefined ? done : { done: false, value: event[1] };
      },
      return: (): Promise<IteratorResult<T>> => {
        this.returns++;
        controller.abort();
        return Promise.resolve(done);
      },
    };
  }
}

function forever(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener("abort", reject, { once: true }));
}

/** A synchronous iterable that counts iterators, `next()` and `return()` calls. */
export class Counted<T> implements Iterable<T> {
  /** Iterators made. */
  iterators = 0;
  /** `next()` calls. */
  nexts = 0;
  /** `return()` calls. */
  returns = 0;
  /** The items. */
  readonly #items: readonly T[];

  /** @param items What it yields. */
  constructor(items: readonly T[]) {
    this.#items = items;
  }

  [Symbol.iterator](): Iterator<T> {
    this.iterators++;
    let index = 0;
    return {
      next: (): IteratorResult<T> => {
        this.nexts++;
        if (index < this.#items.length) return { done: false, value: this.#items[index++]! };
        return { done: true, value: undefined };
      },
      return: (): IteratorResult<T> => {
        this.returns++;
        index = this.#items.length;
        return { done: true, value: undefined };
      },
    };
  }
}

/** Asserts that no timer of weft (or of the test) is left on the clock. */
export function assertNoTimers(clock: TestClock): void {
  assertEquals(clock.pendingTimers, 0, "a timer was left behind");
}
