/**
 * Row 2: a pipeline over an array of N numbers (0..N-1): `map(x => x * 2)`,
 * `filter(x => x % 3 === 0)`, `take(N / 4)`, consumed. The items that come
 * out are 0, 6, 12, ...; every consumer checks each one and the count (the
 * check value is the count, or -1 on a mismatch).
 *
 * @module
 */
import { from as ixFrom } from "npm:ix@7.0.0/asynciterable";
import {
  filter as ixFilter,
  map as ixMap,
  take as ixTake,
} from "npm:ix@7.0.0/asynciterable/operators";
import { Effect as Effect3, Stream as Stream3 } from "npm:effect@3.22.4";
import { Effect as Effect4, Stream as Stream4 } from "npm:effect@4.1.0";
import { filter as rxFilter, from as rxFrom, map as rxMap, take as rxTake } from "npm:rxjs@7.8.2";
import { Stream } from "../stream.ts";
import { type Contender, timed } from "./_harness.ts";

const double = (x: number) => x * 2;
const byThree = (x: number) => x % 3 === 0;

/** Counts and checks the pipeline's output, one item at a time. */
class Check {
  next = 0;
  bad = 0;
  readonly push = (x: number): void => {
    if (x !== this.next * 6) this.bad++;
    this.next++;
  };
  get result(): number {
    return this.bad === 0 ? this.next : -1;
  }
}

async function drain(source: AsyncIterable<number>): Promise<number> {
  let next = 0;
  let bad = 0;
  for await (const x of source) {
    if (x !== next * 6) bad++;
    next++;
  }
  return bad === 0 ? next : -1;
}

async function* fromArray<T>(array: readonly T[]): AsyncGenerator<T> {
  for (let i = 0; i < array.length; i++) yield array[i]!;
}

async function* mapGen<T, U>(source: AsyncIterable<T>, f: (x: T) => U): AsyncGenerator<U> {
  for await (const x of source) yield f(x);
}

async function* filterGen<T>(source: AsyncIterable<T>, f: (x: T) => boolean): AsyncGenerator<T> {
  for await (const x of source) if (f(x)) yield x;
}

async function* takeGen<T>(source: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  if (n <= 0) return;
  let taken = 0;
  for await (const x of source) {
    yield x;
    if (++taken >= n) return;
  }
}

/** The contenders of row 2 for `n` source items; the metric is per source item (N). */
export function pipelineContenders(n: number): Contender[] {
  const source = Array.from({ length: n }, (_, i) => i);
  const limit = Math.floor(n / 4);
  // Items consumed: limit, provided enough pass the filter (about n / 3 do).
  const expected = limit;
  return [
    timed("plain synchronous loop", "baseline", expected, n, () => {
      const check = new Check();
      let taken = 0;
      if (limit > 0) {
        for (let i = 0; i < source.length; i++) {
          const y = source[i]! * 2;
          if (y % 3 !== 0) continue;
          check.push(y);
          if (++taken >= limit) break;
        }
      }
      return check.result;
    }, { reference: "1-4" }),
    timed("one hand-written async generator", "baseline", expected, n, () => {
      return drain((async function* () {
        if (limit <= 0) return;
        let taken = 0;
        for (let i = 0; i < source.length; i++) {
          const y = source[i]! * 2;
          if (y % 3 !== 0) continue;
          yield y;
          if (++taken >= limit) return;
        }
      })());
    }, { reference: "~105" }),
    timed("chained async generators", "baseline", expected, n, () => {
      return drain(takeGen(filterGen(mapGen(fromArray(source), double), byThree), limit));
    }, { reference: "~430" }),
    timed("IxJS 7 (ix/asynciterable)", "peer", expected, n, () => {
      return drain(ixFrom(source).pipe(ixMap(double), ixFilter(byThree), ixTake(limit)));
    }, { reference: "~1,900" }),
    timed("Effect 3 Stream, runForEach", "peer", expected, n, async () => {
      const check = new Check();
      await Effect3.runPromise(
        Stream3.fromIterable(source).pipe(
          Stream3.map(double),
          Stream3.filter(byThree),
          Stream3.take(limit),
          Stream3.runForEach((x) => Effect3.sync(() => check.push(x))),
        ),
      );
      return check.result;
    }, { reference: "~90" }),
    timed("Effect 3 Stream, runForEachChunk (chunked)", "peer", expected, n, async () => {
      const check = new Check();
      await Effect3.runPromise(
        Stream3.fromIterable(source).pipe(
          Stream3.map(double),
          Stream3.filter(byThree),
          Stream3.take(limit),
          Stream3.runForEachChunk((chunk) =>
            Effect3.sync(() => {
              for (const x of chunk) check.push(x);
            })
          ),
        ),
      );
      return check.result;
    }),
    timed("Effect 4 Stream, runForEach", "peer", expected, n, async () => {
      const check = new Check();
      await Effect4.runPromise(
        Stream4.fromIterable(source).pipe(
          Stream4.map(double),
          Stream4.filter(byThree),
          Stream4.take(limit),
          Stream4.runForEach((x) => Effect4.sync(() => check.push(x))),
        ),
      );
      return check.result;
    }, { reference: "~35" }),
    timed("Effect 4 Stream, runForEachArray (chunked)", "peer", expected, n, async () => {
      const check = new Check();
      await Effect4.runPromise(
        Stream4.fromIterable(source).pipe(
          Stream4.map(double),
          Stream4.filter(byThree),
          Stream4.take(limit),
          Stream4.runForEachArray((chunk) =>
            Effect4.sync(() => {
              for (let i = 0; i < chunk.length; i++) check.push(chunk[i]!);
            })
          ),
        ),
      );
      return check.result;
    }),
    timed("RxJS 7 (push, synchronous)", "peer", expected, n, () => {
      const check = new Check();
      rxFrom(source)
        .pipe(rxMap(double), rxFilter(byThree), rxTake(limit))
        .subscribe(check.push);
      return check.result;
    }, { reference: "~51" }),
    timed("weft: forEach", "weft", expected, n, async () => {
      const check = new Check();
      await Stream.iter(source).map(double).filter(byThree).take(limit).forEach(check.push);
      return check.result;
    }),
    timed("weft: toArray", "weft", expected, n, async () => {
      const check = new Check();
      const items = await Stream.iter(source).map(double).filter(byThree).take(limit).toArray();
      for (let i = 0; i < items.length; i++) check.push(items[i]!);
      return check.result;
    }),
    timed("weft: for await", "weft", expected, n, () => {
      return drain(Stream.iter(source).map(double).filter(byThree).take(limit));
    }),
  ];
}
