/**
 * Helpers of the per-combinator stream tests: timed sources that count how
 * they are closed, and a `timeline()` that consumes a stream under the test
 * clock and returns its whole `[ms, item]` list.
 *
 * @module
 */
import { PENDING, type Poll, type Source, type Waker } from "../../_runtime/poll.ts";
import { channel, SendError } from "../../channel.ts";
import { sleep, spawnTask } from "../../task.ts";
import { Stream } from "../../stream.ts";
import { pollStage } from "../../stream/from.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";

/** A stream of a hand-written poll stage (`Stream.from` of its `pollStage` wrapper). */
export function fromSource<T>(source: Source<T>): Stream<T> {
  return Stream.from(pollStage(source));
}

/** The last entry of a timeline whose stream ended by itself. */
export const END = "<END>";
/** The last entry of a timeline whose stream was still running at the cut-off. */
export const CUTOFF = "<CUTOFF>";

/** One `[virtual ms, item]` pair; the last one is `END` or `CUTOFF`. */
export type Entry<T> = [number, T | typeof END | typeof CUTOFF];

/** A timed item: `[ms since the source was made, value]`. */
export type Event<T> = readonly [number, T];

/** How a timeline consumes its stream: each goes through a different path of the consumer. */
export type Via = "for await" | "next()" | "forEach()";

/** Every way of consuming, for {@linkcode assertTimeline}. */
export const VIAS: readonly Via[] = ["for await", "next()", "forEach()"];

/**
 * Consumes `stream` for `ms` virtual milliseconds and returns every
 * `[clock.elapsed, item]` pair, then `[ms, END]` when the stream ended, or
 * `[ms, CUTOFF]` when it was still running at `ms` (the consumer then gives
 * up: the stream is closed, or forEach's signal aborted).
 *
 * @throws What the stream throws.
 */
export async function timeline<T>(
  stream: Stream<T>,
  clock: TestClock,
  ms = 10_000,
  via: Via = "for await",
): Promise<Entry<T>[]> {
  const entries: Entry<T>[] = [];
  const record = (item: T) => void entries.push([clock.elapsed, item]);
  const controller = new AbortController();
  let endedAt: number | undefined;
  const done = consume(stream, via, record, controller.signal).finally(() => {
    endedAt ??= clock.elapsed;
  });
  done.catch(() => {});
  await clock.tick(ms);
  if (endedAt === undefined) {
    endedAt = clock.elapsed;
    stream.close();
    controller.abort(CUTOFF);
    try {
      await done;
    } catch (error) {
      if (error !== CUTOFF) throw error;
    }
    entries.push([endedAt, CUTOFF]);
    return entries;
  }
  await done;
  entries.push([endedAt, END]);
  return entries;
}

async function consume<T>(
  stream: Stream<T>,
  via: Via,
  record: (item: T) => void,
  signal: AbortSignal,
): Promise<void> {
  if (via === "forEach()") return stream.forEach(record, { signal });
  if (via === "for await") {
    for await (const item of stream) record(item);
    return;
  }
  for (let item; (item = await stream.next()) !== undefined;) record(item);
}

/**
 * Runs `make(clock)` under a fresh test clock once per way of consuming and
 * asserts that each yields exactly `expected`; then lets every timer run and
 * asserts that none is left.
 */
export async function assertTimeline<T>(
  make: (clock: TestClock) => Stream<T>,
  expected: Entry<T>[],
  ms = 10_000,
): Promise<void> {
  for (const via of VIAS) {
    using clock = TestClock.install();
    const actual = await timeline(make(clock), clock, ms, via);
    assertEquals(actual, expected, `timeline via ${via}`);
    await clock.runAll();
    assertNoTimers(clock);
  }
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

/** Items 1, 2, 3, 4 at 0, 10, 20, 30 ms, then nothing, never ending. */
const ENDLESS: readonly Event<number>[] = [[0, 1], [10, 2], [20, 3], [30, 4]];

/**
 * Asserts early cancellation of the stream `build` makes of a source, three
 * ways: the consumer breaks out of `for await` after `items` items (over a
 * counting async iterable, then over a channel receiver), and `take(items)`
 * ends a `toArray()`. Each time the source must have been closed exactly once
 * (the producer's next send throws `SendError`), and no timer may be left.
 */
export async function assertBreakCloses<T>(
  build: (source: Stream<number>) => Stream<T>,
  items = 1,
): Promise<void> {
  for (const kind of ["async iterable", "receiver", "take"] as const) {
    using clock = TestClock.install();
    const probe = new Probe(ENDLESS, null);
    const fed = feed([...ENDLESS, [40, 5], [50, 6], [5_000, 7]], { closeAt: null });
    const stream = build(kind === "receiver" ? fed.stream : Stream.from(probe));
    let count = 0;
    const done = kind === "take"
      ? stream.take(items).toArray().then((all) => void (count = all.length))
      : (async () => {
        for await (const _ of stream) if (++count === items) break;
      })();
    await clock.tick(1_000);
    await done;
    assertEquals(count, items, `${kind}: items before the stop`);
    await clock.runAll();
    if (kind === "receiver") {
      assertEquals(fed.refused.length, 1, "the producer's send after the stop throws SendError");
    } else {
      assertEquals([probe.iterators, probe.returns], [1, 1], `${kind}: iterators made, returned`);
    }
    assertNoTimers(clock);
  }
}

/**
 * Asserts that an error thrown by a callback of the stream `build` makes ends
 * the stream with that very error, after closing the source exactly once and
 * clearing every timer. `build` gets a source of 1, 2, 3, 4 (at 0, 10, 20,
 * 30 ms, never ending) and `failure`, which its callback throws on item 2.
 * Checked through `for await` (poll path) and `toArray()` (drain path).
 */
export async function assertErrorCloses<T>(
  build: (source: Stream<number>, failure: Error) => Stream<T>,
): Promise<void> {
  for (const via of ["for await", "toArray()"] as const) {
    using clock = TestClock.install();
    const probe = new Probe(ENDLESS, null);
    const failure = new Error("callback failed");
    const stream = build(Stream.from(probe), failure);
    const done = via === "toArray()" ? stream.toArray() : (async () => {
      for await (const _ of stream);
    })();
    done.catch(() => {});
    await clock.tick(1_000);
    const error = await assertRejects(done, Error);
    assert(error === failure, `${via}: rejects with the callback's own error, got ${error}`);
    assertEquals([probe.iterators, probe.returns], [1, 1], `${via}: iterators made, returned`);
    await clock.runAll();
    assertNoTimers(clock);
  }
}

/**
 * A hand-driven poll stage (weft's internal `Source`), for the rules only a
 * stage can show: it answers each poll with the next entry of `script`
 * (an item, `PENDING` or `DONE`), then `PENDING` forever, and counts polls
 * and closes. Wrap it with `fromSource`.
 */
export class Scripted<T> implements Source<T> {
  /** Polls so far. */
  polls = 0;
  /** `close()` calls so far. */
  closes = 0;
  /** The answers still to give. */
  readonly #script: Poll<T>[];

  /** @param script The answers, in order. */
  constructor(script: Poll<T>[]) {
    this.#script = [...script];
  }

  poll(_cx: Waker): Poll<T> {
    this.polls++;
    return this.#script.length > 0 ? this.#script.shift()! : PENDING;
  }

  close(): void {
    this.closes++;
  }
}

/**
 * Collects the stream `make()` builds three times, through `toArray()` (the
 * consumer's drain path), `for await` and `next()` (its poll path), asserts
 * that all three agree, and returns the items. For streams that need no time.
 */
export async function collectAll<T>(make: () => Stream<T>): Promise<T[]> {
  const drained = await make().toArray();
  const iterated: T[] = [];
  for await (const item of make()) iterated.push(item);
  const pulled: T[] = [];
  const stream = make();
  for (let item; (item = await stream.next()) !== undefined;) pulled.push(item as T);
  assertEquals(iterated, drained, "for await and toArray() differ");
  assertEquals(pulled.length <= drained.length, true, "next() yielded more than toArray()");
  return drained;
}
