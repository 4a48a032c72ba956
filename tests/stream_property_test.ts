/**
 * Property tests of streams, on random cases with a fixed seed (set
 * `WEFT_SEED` and `WEFT_RUNS`, with env permission, to explore more:
 * `deno task fuzz`). What they prove:
 *
 * - `map`/`filter`/`filterMap`/`take`/`skip`/`takeWhile`/`skipWhile`/`chain`
 *   agree with the same functions on arrays, over synchronous, asynchronous
 *   and channel sources, whichever way the stream is consumed;
 * - `merge` yields exactly both sides' items, each side in its order;
 * - under a fake clock, `throttle(d)` yields each item at
 *   max(arrival, previous + d), and `timeout(d)` yields every item when it
 *   arrives with at most one `Elapsed` per silence;
 * - stopping the consumer at any point closes every source exactly once,
 *   closes every receiver (the producer's next send throws `SendError`), and
 *   leaves no timer behind.
 *
 * @module
 */
import fc from "fast-check";
import { channel, SendError } from "../channel.ts";
import { interval, type Result, Stream } from "../stream.ts";
import { sleep, spawnTask } from "../task.ts";
import { TestClock } from "../testing.ts";
import { pendingTimers } from "../_runtime/timer.ts";
import { assert, assertEquals } from "./_assert.ts";

// -- Seed and runs --

/** An integer from the environment, read only when env access was granted. */
function envInteger(name: string): number | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: name });
  if (state !== "granted") return undefined;
  const text = Deno.env.get(name);
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Cannot read ${name}: expected an integer, got ${text}`);
  }
  return value;
}

const SEED = envInteger("WEFT_SEED") ?? 42;
const RUNS = envInteger("WEFT_RUNS");

/** fast-check parameters: the seed, and `runs` unless WEFT_RUNS says otherwise. */
function params(runs: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: RUNS ?? runs };
}

// -- Sources --

/** The kinds of finite source a property runs over. */
type SourceKind = "iter" | "async iterable" | "channel";
const sourceKinds: readonly SourceKind[] = ["iter", "async iterable", "channel"];

/** A finite, timed sequence: item i arrives `gaps[i]` ms after the previous one. */
interface Timed {
  readonly items: readonly number[];
  readonly gaps: readonly number[];
  /** From the last item to the end. */
  readonly tail: number;
}

function timed(maxGap: number, maxLength = 20): fc.Arbitrary<Timed> {
  return fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.nat({ max: maxGap })), {
    maxLength,
    size: "max",
  }).chain((pairs) =>
    fc.nat({ max: maxGap }).map((tail) => ({
      items: pairs.map(([item]) => item),
      gaps: pairs.map(([, gap]) => gap),
      tail,
    }))
  );
}

/** A producer task's record: when each value went through, and the send refused. */
interface Fed {
  readonly stream: Stream<number>;
  readonly sent: [number, number][];
  refused: number;
  closedAt: number | undefined;
}

/**
 * A channel fed by a task that sleeps `gaps[i]` before sending item i, then
 * `tail` before closing; a send refused with `SendError` stops it.
 */
function feed(clock: TestClock, source: Timed): Fed {
  const [tx, rx] = channel<number>();
  const fed: Fed = { stream: Stream.from(rx), sent: [], refused: 0, closedAt: undefined };
  spawnTask(async () => {
    for (const [i, item] of source.items.entries()) {
      await sleep(source.gaps[i]!);
      try {
        tx.send(item);
      } catch (error) {
        if (!(error instanceof SendError)) throw error;
        fed.refused++;
        return;
      }
      fed.sent.push([clock.elapsed, item]);
    }
    await sleep(source.tail);
    tx.close();
    fed.closedAt = clock.elapsed;
  });
  return fed;
}

/** An async iterable of timed items that counts iterators, `return()` calls and its end. */
class CountingAsync implements AsyncIterable<number> {
  iterators = 0;
  returns = 0;
  finished = false;
  /** The item at index i, or undefined past the end (never, for an endless one). */
  readonly #item: (i: number) => number | undefined;
  /** The wait before item i. */
  readonly #gap: (i: number) => number;

  constructor(item: (i: number) => number | undefined, gap: (i: number) => number) {
    this.#item = item;
    this.#gap = gap;
  }

  static of(source: Timed): CountingAsync {
    const { items, gaps, tail } = source;
    return new CountingAsync((i) => items[i], (i) => i < items.length ? gaps[i]! : tail);
  }

  [Symbol.asyncIterator](): AsyncIterator<number> {
    this.iterators++;
    const controller = new AbortController();
    const end: IteratorReturnResult<undefined> = { done: true, value: undefined };
    let index = 0;
    return {
      next: async (): Promise<IteratorResult<number>> => {
        const i = index++;
        try {
          await sleep(this.#gap(i), { signal: controller.signal });
        } catch {
          return end;
        }
        const value = this.#item(i);
        if (value !== undefined) return { done: false, value };
        this.finished = true;
        return end;
      },
      return: (): Promise<IteratorResult<number>> => {
        this.returns++;
        controller.abort();
        return Promise.resolve(end);
      },
    };
  }

  /** Returned exactly once if it was started and did not finish, else never. */
  assertClosed(what: string): void {
    assert(this.iterators <= 1, `${what}: ${this.iterators} iterators made`);
    const expected = this.iterators === 1 && !this.finished ? 1 : 0;
    assertEquals(this.returns, expected, `${what}: return() calls`);
  }
}

/** A synchronous iterable of 0..length-1 that counts iterators, `return()` calls and its end. */
class CountingSync implements Iterable<number> {
  iterators = 0;
  returns = 0;
  finished = false;
  readonly #length: number;

  constructor(length: number) {
    this.#length = length;
  }

  [Symbol.iterator](): Iterator<number> {
    this.iterators++;
    let index = 0;
    return {
      next: (): IteratorResult<number> => {
        if (index < this.#length) return { done: false, value: index++ };
        this.finished = true;
        return { done: true, value: undefined };
      },
      return: (): IteratorResult<number> => {
        this.returns++;
        return { done: true, value: undefined };
      },
    };
  }

  /** Returned exactly once if it was started and did not finish, else never. */
  assertClosed(what: string): void {
    assert(this.iterators <= 1, `${what}: ${this.iterators} iterators made`);
    const expected = this.iterators === 1 && !this.finished ? 1 : 0;
    assertEquals(this.returns, expected, `${what}: return() calls`);
  }
}

function finiteStream(kind: SourceKind, clock: TestClock, source: Timed): Stream<number> {
  if (kind === "iter") return Stream.iter(source.items);
  if (kind === "async iterable") return Stream.from(CountingAsync.of(source));
  return feed(clock, source).stream;
}

/** Lets every timer run out and asserts that none is left, on the clock or in weft. */
async function settleAndAssertNoTimers(clock: TestClock, ms = 1_000): Promise<void> {
  await clock.tick(ms);
  assertEquals(clock.pendingTimers, 0, "host timers left on the clock");
  assertEquals(pendingTimers(), 0, "weft timers left");
}

// -- Consumers --

type Via = "toArray" | "for await" | "next()" | "forEach";
const vias: readonly Via[] = ["toArray", "for await", "next()", "forEach"];

async function collect<T>(stream: Stream<T>, via: Via): Promise<T[]> {
  if (via === "toArray") return await stream.toArray();
  const items: T[] = [];
  if (via === "forEach") {
    await stream.forEach((item) => void items.push(item));
  } else if (via === "for await") {
    for await (const item of stream) items.push(item);
  } else {
    for (let item; (item = await stream.next()) !== undefined;) items.push(item as T);
  }
  return items;
}

/** Consumes `stream` under `clock` until it ends (or `limit` ms pass: a failure). */
async function collectUnder<T>(clock: TestClock, stream: Stream<T>, via: Via): Promise<T[]> {
  let done = false;
  const items = collect(stream, via).finally(() => void (done = true));
  items.catch(() => {});
  for (let i = 0; i < 100 && !done; i++) await clock.tick(100);
  assert(done, "the stream did not end");
  return await items;
}

// -- Combinators against arrays --

type Op =
  | { kind: "map"; mul: number; add: number }
  | { kind: "filter"; mod: number; rem: number }
  | { kind: "filterMap"; mod: number; rem: number }
  | { kind: "take"; n: number }
  | { kind: "skip"; n: number }
  | { kind: "takeWhile"; below: number }
  | { kind: "skipWhile"; below: number }
  | { kind: "chain"; other: Timed; source: SourceKind };

const small = fc.integer({ min: -50, max: 50 });
const sourceKind = fc.constantFrom(...sourceKinds);

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("map" as const),
    mul: fc.integer({ min: -3, max: 3 }),
    add: fc.integer({ min: -10, max: 10 }),
  }),
  fc.record({
    kind: fc.constant("filter" as const),
    mod: fc.integer({ min: 1, max: 4 }),
    rem: fc.nat({ max: 3 }),
  }),
  fc.record({
    kind: fc.constant("filterMap" as const),
    mod: fc.integer({ min: 1, max: 4 }),
    rem: fc.nat({ max: 3 }),
  }),
  fc.record({ kind: fc.constant("take" as const), n: fc.nat({ max: 12 }) }),
  fc.record({ kind: fc.constant("skip" as const), n: fc.nat({ max: 12 }) }),
  fc.record({ kind: fc.constant("takeWhile" as const), below: small }),
  fc.record({ kind: fc.constant("skipWhile" as const), below: small }),
  fc.record({ kind: fc.constant("chain" as const), other: timed(3, 8), source: sourceKind }),
);

function residue(x: number, mod: number): number {
  return ((x % mod) + mod) % mod;
}

function filterMapOf(mod: number, rem: number): (x: number) => number | undefined {
  return (x) => residue(x, mod) === rem ? undefined : x * 2;
}

/** The array version of `op`. */
function onArray(items: number[], op: Op): number[] {
  switch (op.kind) {
    case "map":
      return items.map((x) => x * op.mul + op.add);
    case "filter":
      return items.filter((x) => residue(x, op.mod) === op.rem);
    case "filterMap": {
      const f = filterMapOf(op.mod, op.rem);
      return items.flatMap((x) => f(x) === undefined ? [] : [f(x)!]);
    }
    case "take":
      return items.slice(0, op.n);
    case "skip":
      return items.slice(op.n);
    case "takeWhile": {
      const stop = items.findIndex((x) => !(x < op.below));
      return stop < 0 ? items : items.slice(0, stop);
    }
    case "skipWhile": {
      const start = items.findIndex((x) => !(x < op.below));
      return start < 0 ? [] : items.slice(start);
    }
    case "chain":
      return [...items, ...op.other.items];
  }
}

/** The stream version of `op`. */
function onStream(clock: TestClock, stream: Stream<number>, op: Op): Stream<number> {
  switch (op.kind) {
    case "map":
      return stream.map((x) => x * op.mul + op.add);
    case "filter":
      return stream.filter((x) => residue(x, op.mod) === op.rem);
    case "filterMap":
      return stream.filterMap(filterMapOf(op.mod, op.rem));
    case "take":
      return stream.take(op.n);
    case "skip":
      return stream.skip(op.n);
    case "takeWhile":
      return stream.takeWhile((x) => x < op.below);
    case "skipWhile":
      return stream.skipWhile((x) => x < op.below);
    case "chain":
      return stream.chain(finiteStream(op.source, clock, op.other));
  }
}

Deno.test("map/filter/filterMap/take/skip/takeWhile/skipWhile/chain agree with arrays", async () => {
  await fc.assert(
    fc.asyncProperty(
      timed(3),
      sourceKind,
      fc.array(op, { maxLength: 6 }),
      fc.constantFrom(...vias),
      async (source, kind, ops, via) => {
        using clock = TestClock.install();
        const stream = ops.reduce(
          (s, o) => onStream(clock, s, o),
          finiteStream(kind, clock, source),
        );
        const expected = ops.reduce(onArray, [...source.items]);
        assertEquals(await collectUnder(clock, stream, via), expected);
        await settleAndAssertNoTimers(clock);
      },
    ),
    params(200),
  );
});

// -- merge --

type Tagged = readonly [side: number, value: number];

function tag(stream: Stream<number>, side: number): Stream<Tagged> {
  return stream.map((value) => [side, value] as const);
}

function sideOf(items: readonly Tagged[], side: number): number[] {
  return items.filter(([s]) => s === side).map(([, value]) => value);
}

Deno.test("merge yields exactly every side's items, each side in its order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(timed(5, 12), sourceKind), { minLength: 2, maxLength: 4 }),
      fc.constantFrom(...vias),
      async (sides, via) => {
        using clock = TestClock.install();
        const streams = sides.map(([source, kind], side) =>
          tag(finiteStream(kind, clock, source), side)
        );
        const merged = streams.slice(1).reduce((all, s) => all.merge(s), streams[0]!);
        const items = await collectUnder(clock, merged, via);
        assertEquals(items.length, sides.reduce((n, [source]) => n + source.items.length, 0));
        for (const [side, [source]] of sides.entries()) {
          assertEquals(sideOf(items, side), source.items, `side ${side}`);
        }
        await settleAndAssertNoTimers(clock);
      },
    ),
    params(150),
  );
});

Deno.test("merge of two ready sources alternates, starting with its own side", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(small), fc.array(small), async (a, b) => {
      const items = await tag(Stream.iter(a), 0).merge(tag(Stream.iter(b), 1)).toArray();
      const expected: Tagged[] = [];
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (i < a.length) expected.push([0, a[i]!]);
        if (i < b.length) expected.push([1, b[i]!]);
      }
      assertEquals(items, expected);
    }),
    params(200),
  );
});

// -- Timed: throttle and timeout under the test clock --

/** `[virtual ms, item]` of everything the stream yields, and when it ended. */
async function timelineOf<T>(
  clock: TestClock,
  stream: Stream<T>,
): Promise<{ entries: [number, T][]; end: number }> {
  const entries: [number, T][] = [];
  let end: number | undefined;
  const done = stream.forEach((item) => void entries.push([clock.elapsed, item]))
    .finally(() => void (end = clock.elapsed));
  done.catch(() => {});
  for (let i = 0; i < 100 && end === undefined; i++) await clock.tick(100);
  await done;
  assert(end !== undefined, "the stream did not end");
  return { entries, end };
}

Deno.test("throttle(d) yields each item at max(arrival, previous + d), none dropped or reordered", async () => {
  await fc.assert(
    fc.asyncProperty(timed(30), fc.nat({ max: 25 }), async (source, d) => {
      using clock = TestClock.install();
      const fed = feed(clock, source);
      const { entries, end } = await timelineOf(clock, fed.stream.throttle(d));
      assertEquals(entries.map(([, item]) => item), source.items, "items");
      for (let i = 1; i < entries.length; i++) {
        assert(
          entries[i]![0] - entries[i - 1]![0] >= d,
          `items ${i - 1} and ${i} closer than ${d}`,
        );
      }
      // The exact timing: the first item passes at once, each later one waits for d.
      let previous = -Infinity;
      const expected = fed.sent.map(([at, item]): [number, number] => {
        previous = Math.max(at, previous + d);
        return [previous, item];
      });
      assertEquals(entries, expected, "timeline");
      assertEquals(end, Math.max(fed.closedAt!, previous + d), "end");
      await settleAndAssertNoTimers(clock);
    }),
    params(150),
  );
});

type Out = [number, number | "Elapsed"];

/** tokio-stream's timeout, on a timeline: items at arrival, one Elapsed per silence of d. */
function timeoutModel(sent: readonly [number, number][], closedAt: number, d: number): Out[] {
  const out: Out[] = [];
  let deadline: number | null = d;
  const elapse = (until: number) => {
    if (deadline !== null && until >= deadline) out.push([deadline, "Elapsed"]);
    if (deadline !== null && until >= deadline) deadline = null;
  };
  for (const [at, item] of sent) {
    elapse(at);
    out.push([at, item]);
    deadline = at + d;
  }
  elapse(closedAt);
  return out;
}

function unwrap(result: Result<number, Error>): number | "Elapsed" {
  return result.ok ? result.value : "Elapsed";
}

Deno.test("timeout(d) yields every item in order, and at most one Elapsed per silence", async () => {
  await fc.assert(
    fc.asyncProperty(timed(40), fc.integer({ min: 1, max: 30 }), async (source, d) => {
      using clock = TestClock.install();
      const fed = feed(clock, source);
      const { entries, end } = await timelineOf(clock, fed.stream.timeout(d).map(unwrap));
      const items = entries.map(([, item]) => item);
      assertEquals(items.filter((x) => x !== "Elapsed"), source.items, "items");
      for (let i = 1; i < items.length; i++) {
        assert(items[i] !== "Elapsed" || items[i - 1] !== "Elapsed", `two Elapsed at ${i}`);
      }
      assertEquals(entries, timeoutModel(fed.sent, fed.closedAt!, d), "timeline");
      assertEquals(end, fed.closedAt, "the stream ends when its source ends");
      await settleAndAssertNoTimers(clock);
    }),
    params(150),
  );
});

// -- Cancellation --

/** A stage of a pipeline the consumer abandons. */
type Stage =
  | {
    kind: "map" | "filter" | "filterMap" | "takeWhile" | "skipWhile" | "fuse" | "mapAsync";
    k: number;
  }
  | { kind: "take" | "skip"; n: number }
  | { kind: "throttle" | "timeout" | "timeoutRepeating"; ms: number }
  | { kind: "chunksTimeout"; n: number; ms: number }
  | { kind: "merge" | "chain"; source: EndlessKind; gap: number };

/** Sources that never end by themselves (the synchronous one is long). */
type EndlessKind = "sync iterable" | "async iterable" | "channel" | "interval" | "readable";
const endlessKind = fc.constantFrom<EndlessKind>(
  "sync iterable",
  "async iterable",
  "channel",
  "interval",
  "readable",
);

const stage: fc.Arbitrary<Stage> = fc.oneof(
  fc.record({
    kind: fc.constantFrom(
      "map" as const,
      "filter" as const,
      "filterMap" as const,
      "takeWhile" as const,
      "skipWhile" as const,
      "fuse" as const,
      "mapAsync" as const,
    ),
    k: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constantFrom("take" as const, "skip" as const), n: fc.nat({ max: 8 }) }),
  fc.record({
    kind: fc.constantFrom("throttle" as const, "timeout" as const, "timeoutRepeating" as const),
    ms: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constant("chunksTimeout" as const),
    n: fc.integer({ min: 1, max: 4 }),
    ms: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constantFrom("merge" as const, "chain" as const),
    source: endlessKind,
    gap: fc.integer({ min: 1, max: 20 }),
  }),
);

/** How the consumer stops. */
type Stop = "break" | "take" | "next() then close()" | "forEach abort" | "any";
const stopKind = fc.constantFrom<Stop>(
  "break",
  "take",
  "next() then close()",
  "forEach abort",
  "any",
);

/** The wait before item i of an endless source: now and then 0, else 1 to `gap` ms. */
function gapAt(i: number, gap: number): number {
  return i % 3 === 1 ? 0 : 1 + (i * 7) % gap;
}

/** Every source of one pipeline, to check after the stop. */
class Sources {
  readonly syncs: CountingSync[] = [];
  readonly asyncs: CountingAsync[] = [];
  readonly readables: { readers: number; pulls: number; cancels: number }[] = [];
  readonly producers: { refused: number; sends: number }[] = [];

  make(kind: EndlessKind, gap: number): Stream<number> {
    switch (kind) {
      case "sync iterable": {
        const counted = new CountingSync(300);
        this.syncs.push(counted);
        return Stream.iter(counted);
      }
      case "async iterable": {
        const counted = new CountingAsync((i) => i, (i) => gapAt(i, gap));
        this.asyncs.push(counted);
        return Stream.from(counted);
      }
      case "channel":
        return this.#producer(gap);
      case "interval":
        return interval(gap);
      case "readable":
        return this.#readable(gap);
    }
  }

  /** An endless ReadableStream that counts its readers, pulls and cancels. */
  #readable(gap: number): Stream<number> {
    const record = { readers: 0, pulls: 0, cancels: 0 };
    this.readables.push(record);
    const controller = new AbortController();
    const readable = new ReadableStream<number>({
      async pull(stream) {
        const i = record.pulls++;
        await sleep(gapAt(i, gap), { signal: controller.signal }).then(
          () => stream.enqueue(i),
          () => {},
        );
      },
      cancel() {
        record.cancels++;
        controller.abort();
      },
    }, { highWaterMark: 0 });
    const getReader = readable.getReader.bind(readable);
    Object.assign(readable, {
      getReader: () => {
        record.readers++;
        return getReader();
      },
    });
    return Stream.from(readable);
  }

  /** An endless producer task that stops at its first refused send. */
  #producer(gap: number): Stream<number> {
    const [tx, rx] = channel<number>();
    const record = { refused: 0, sends: 0 };
    this.producers.push(record);
    spawnTask(async () => {
      for (let i = 0;; i++) {
        await sleep(gapAt(i, gap));
        try {
          tx.send(i);
        } catch (error) {
          if (!(error instanceof SendError)) throw error;
          record.refused++;
          return;
        }
        record.sends++;
      }
    });
    return Stream.from(rx);
  }

  assertClosed(): void {
    for (const [i, counted] of this.syncs.entries()) counted.assertClosed(`sync iterable ${i}`);
    for (const [i, counted] of this.asyncs.entries()) counted.assertClosed(`async iterable ${i}`);
    for (const [i, readable] of this.readables.entries()) {
      assert(readable.readers <= 1, `readable ${i}: ${readable.readers} readers taken`);
      assertEquals(readable.cancels, readable.readers, `readable ${i}: cancel() calls`);
    }
    for (const [i, producer] of this.producers.entries()) {
      assertEquals(producer.refused, 1, `producer ${i}: its send after the stop throws SendError`);
    }
  }
}

function withStage(sources: Sources, stream: Stream<number>, s: Stage): Stream<number> {
  switch (s.kind) {
    case "map":
      return stream.map((x) => x * s.k);
    case "filter":
      return stream.filter((x) => x % s.k === 0);
    case "filterMap":
      return stream.filterMap((x) => x % s.k === 0 ? undefined : x);
    case "takeWhile":
      return stream.takeWhile((x) => x < s.k * 5);
    case "skipWhile":
      return stream.skipWhile((x) => x < s.k * 5);
    case "fuse":
      return stream.fuse();
    case "mapAsync":
      return stream.mapAsync(async (x) => {
        await sleep(s.k);
        return x;
      });
    case "take":
      return stream.take(s.n);
    case "skip":
      return stream.skip(s.n);
    case "throttle":
      return stream.throttle(s.ms);
    case "timeout":
      return stream.timeout(s.ms).map((r) => r.ok ? r.value : -1);
    case "timeoutRepeating":
      return stream.timeoutRepeating(s.ms).map((r) => r.ok ? r.value : -1);
    case "chunksTimeout":
      return stream.chunksTimeout(s.n, s.ms).map((chunk) => chunk.length);
    case "merge":
      return stream.merge(sources.make(s.source, s.gap));
    case "chain":
      return stream.chain(sources.make(s.source, s.gap));
  }
}

/**
 * Consumes up to `k` items, then stops the way `stop` says; `cut` stops it
 * from outside (the stream is closed, or the consumer's signal aborted).
 */
async function consumeThenStop(
  stream: Stream<number>,
  stop: Stop,
  k: number,
  cut: AbortSignal,
): Promise<void> {
  let count = 0;
  const signal = { signal: cut };
  switch (stop) {
    case "break":
      cut.addEventListener("abort", () => stream.close());
      for await (const _ of stream) if (++count >= k) break;
      return;
    case "take":
      await stream.take(k).toArray(signal).catch(unlessCut);
      return;
    case "next() then close()":
      cut.addEventListener("abort", () => stream.close());
      while (count < k && (await stream.next()) !== undefined) count++;
      stream.close();
      return;
    case "forEach abort": {
      const controller = new AbortController();
      cut.addEventListener("abort", () => controller.abort(CUT));
      const stopAt = () => ++count >= k && controller.abort(CUT);
      if (k === 0) controller.abort(CUT);
      await stream.forEach(stopAt, { signal: controller.signal }).catch(unlessCut);
      return;
    }
    case "any":
      await stream.any(() => ++count >= k, signal).catch(unlessCut);
      return;
  }
}

/** The reason a consumer is stopped with. */
const CUT = "cut";

function unlessCut(reason: unknown): void {
  if (reason !== CUT) throw reason;
}

Deno.test("stopping the consumer at any point closes every source once and leaves no timer", async () => {
  await fc.assert(
    fc.asyncProperty(
      endlessKind,
      fc.integer({ min: 1, max: 20 }),
      fc.array(stage, { maxLength: 5 }),
      stopKind,
      fc.nat({ max: 12 }),
      fc.nat({ max: 400 }),
      async (kind, gap, stages, stop, k, cutAt) => {
        using clock = TestClock.install();
        const sources = new Sources();
        const stream = stages.reduce((s, st) => withStage(sources, s, st), sources.make(kind, gap));
        const cut = new AbortController();
        const consumed = consumeThenStop(stream, stop, k, cut.signal);
        consumed.catch(() => {});
        await clock.tick(cutAt);
        // Still running after cutAt ms: stopped from outside.
        cut.abort(CUT);
        await consumed;
        await settleAndAssertNoTimers(clock);
        sources.assertClosed();
      },
    ),
    params(200),
  );
});
