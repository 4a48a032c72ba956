/**
 * Rows 9-11 (issue 15): bounded concurrency on streams and many streams at
 * once.
 *
 * - Row 9: N items through an async function that resolves at once, at most
 *   8 in flight: weft's `mapAsync(f, { concurrency: 8 })` ordered and
 *   unordered against p-map, p-limit, p-queue, RxJS `mergeMap(f, 8)`, Effect
 *   `Stream.mapEffect(f, { concurrency: 8 })` and a hand-written limiter
 *   (eight workers pulling from one index: the platform's floor).
 * - Row 10: N items, each a real 1 ms timer, 50 in flight: wall time against
 *   the ideal N / 50 ms.
 * - Row 11: `Stream.mergeAll` of 16 streams of N / 16 numbers each against
 *   IxJS `merge` and RxJS `merge`, per item.
 *
 * Every contender sums what it gets; the check is that sum.
 *
 * @module
 */
import pMap from "npm:p-map@7.1.1";
import pLimit from "npm:p-limit@7.3.3";
import PQueue from "npm:p-queue@10.0.0";
import {
  from as rxFrom,
  lastValueFrom,
  merge as rxMerge,
  mergeMap,
  reduce as rxReduce,
} from "npm:rxjs@7.8.2";
import { from as ixFrom, merge as ixMerge } from "npm:ix@7.0.0/asynciterable";
import { Effect, Stream as EffectStream } from "npm:effect@3.22.4";
import { Stream } from "../stream.ts";
import { type Contender, timed } from "./_harness.ts";

/** The async function of row 9: resolves at once. */
const double = (x: number): Promise<number> => Promise.resolve(x * 2);

/** The async function of row 10: a real 1 ms timer. */
const later = (x: number): Promise<number> =>
  new Promise((resolve) => setTimeout(() => resolve(x), 1));

const add = (sum: number, x: number): number => sum + x;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The hand-written limiter: `limit` workers pulling the next item from one index. */
async function handWritten(
  items: readonly number[],
  limit: number,
  f: (x: number) => Promise<number>,
): Promise<number> {
  let next = 0;
  let sum = 0;
  const worker = async () => {
    while (next < items.length) {
      const value = await f(items[next++]!);
      sum += value;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return sum;
}

/** Every contender of a bounded-concurrency row: `f` over `n` items, `limit` at once. */
function limited(
  n: number,
  limit: number,
  f: (x: number) => Promise<number>,
  measure: (
    name: string,
    kind: "weft" | "peer" | "baseline",
    body: () => Promise<number>,
  ) => Contender,
): Contender[] {
  const items = range(n);
  return [
    measure(
      "weft: mapAsync ordered",
      "weft",
      () => Stream.iter(items).mapAsync(f, { concurrency: limit }).fold(0, add),
    ),
    measure(
      "weft: mapAsync unordered",
      "weft",
      () => Stream.iter(items).mapAsync(f, { concurrency: limit, ordered: false }).fold(0, add),
    ),
    measure(
      "p-map 7",
      "peer",
      async () => (await pMap(items, f, { concurrency: limit })).reduce(add, 0),
    ),
    measure("p-limit 7", "peer", async () => {
      const run = pLimit(limit);
      return (await Promise.all(items.map((x) => run(() => f(x))))).reduce(add, 0);
    }),
    measure("p-queue 10", "peer", async () => {
      const queue = new PQueue({ concurrency: limit });
      return (await Promise.all(items.map((x) => queue.add(() => f(x))))).reduce(
        (sum: number, x) => sum + (x as number),
        0,
      );
    }),
    measure(
      "RxJS 7 mergeMap(f, n)",
      "peer",
      () => lastValueFrom(rxFrom(items).pipe(mergeMap(f, limit), rxReduce(add, 0))),
    ),
    measure("Effect 3 Stream.mapEffect(f, { concurrency })", "peer", () =>
      Effect.runPromise(
        EffectStream.fromIterable(items).pipe(
          EffectStream.mapEffect((x) => Effect.promise(() => f(x)), { concurrency: limit }),
          EffectStream.runFold(0, add),
        ),
      )),
    measure("hand-written limiter", "baseline", () => handWritten(items, limit, f)),
  ];
}

/** Row 9's contenders: N items, an async function that resolves at once, 8 in flight. */
export function concurrencyContenders(n: number): Contender[] {
  const expected = n * (n - 1);
  return limited(n, 8, double, (name, kind, body) => timed(name, kind, expected, n, body));
}

/** Row 10's contenders: N items, a real 1 ms timer each, 50 in flight; metric `ms` (wall). */
export function timerContenders(n: number): Contender[] {
  const expected = (n * (n - 1)) / 2;
  return limited(n, 50, later, (name, kind, body) => {
    const contender = timed(name, kind, expected, n, body);
    return {
      ...contender,
      async measure() {
        const sample = await contender.measure();
        return { check: sample.check, metrics: { ms: (sample.metrics.ns! * n) / 1e6 } };
      },
    };
  });
}

/** Row 11's contenders: 16 streams of N / 16 numbers merged, per item. */
export function mergeAllContenders(n: number): Contender[] {
  const per = Math.floor(n / 16);
  const total = per * 16;
  const parts = Array.from({ length: 16 }, (_, k) => range(per).map((i) => k * per + i));
  const expected = (total * (total - 1)) / 2;
  return [
    timed(
      "weft: Stream.mergeAll",
      "weft",
      expected,
      total,
      () => Stream.mergeAll(parts.map((part) => Stream.iter(part))).fold(0, add),
    ),
    timed("IxJS 7 merge", "peer", expected, total, async () => {
      const [first, ...rest] = parts.map((part) => ixFrom(part));
      let sum = 0;
      for await (const x of ixMerge(first!, ...rest)) sum += x;
      return sum;
    }),
    timed(
      "RxJS 7 merge",
      "peer",
      expected,
      total,
      () => lastValueFrom(rxMerge(...parts.map((part) => rxFrom(part))).pipe(rxReduce(add, 0))),
    ),
  ];
}
