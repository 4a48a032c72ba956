/**
 * Row 8: one producer, 10 subscribers, each reads every value with
 * `for await` (ns per value sent, so per 10 deliveries).
 *
 * - Burst: the producer sends N values, then closes; then the subscribers
 *   drain. weft's ring is N (rounded up to a power of two) so nobody lags.
 * - Paced: the producer yields a macrotask after every 128 values; each
 *   subscriber wakes and drains what is there, so buffers stay small (weft's
 *   ring is 256).
 *
 * Peers: RxJS 7 `Subject` with 10 hand-written Observable -> AsyncIterable
 * adapters (each buffers in an array), and Effect 4 `PubSub` with 10
 * subscriptions read by fibers (`PubSub.take`, Effect's own way; the
 * publisher offers chunks of 128 with `publishAll`, and in the paced case
 * yields to the other fibers after each with `Effect.yieldNow`; a bounded
 * PubSub, which makes the publisher wait for the slowest subscriber, took
 * 80 µs per value here, too slow to run at N = 1,000,000). Every
 * contender checks that each subscriber saw 0..N-1 in order: the check is
 * 10 * N.
 *
 * @module
 */
import { setImmediate } from "node:timers";
import { Effect, Fiber, PubSub } from "npm:effect@4.1.0";
import { Subject } from "npm:rxjs@7.8.2";
import { broadcast } from "../channel.ts";
import {
  type Contender,
  drainInOrder as consume,
  observableToAsyncIterable as toAsyncIterable,
  timed,
} from "./_harness.ts";

/** One macrotask (setImmediate: not clamped as a nested setTimeout(0) is). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Subscribers in every contender. */
export const SUBSCRIBERS = 10;
/** Values sent between two macrotasks in the paced case. */
export const CHUNK = 128;

/** Sums what the subscribers report (any -1 poisons the sum). */
async function total(counts: Promise<number>[]): Promise<number> {
  const all = await Promise.all(counts);
  return all.includes(-1) ? -1 : all.reduce((a, b) => a + b, 0);
}

/** weft: 10 receivers, `for await` each. */
async function weftRun(n: number, capacity: number, paced: boolean): Promise<number> {
  const [tx, rx] = broadcast<number>(capacity);
  const receivers = [rx];
  while (receivers.length < SUBSCRIBERS) receivers.push(tx.subscribe());
  const counts = receivers.map(consume);
  for (let i = 0; i < n; i++) {
    tx.send(i);
    if (paced && i % CHUNK === CHUNK - 1) await turn();
  }
  tx.close();
  return await total(counts);
}

/** RxJS: one Subject, 10 adapted subscriptions. */
async function rxRun(n: number, paced: boolean): Promise<number> {
  const subject = new Subject<number>();
  const counts = Array.from(
    { length: SUBSCRIBERS },
    () => consume(toAsyncIterable<number>(subject)),
  );
  for (let i = 0; i < n; i++) {
    subject.next(i);
    if (paced && i % CHUNK === CHUNK - 1) await turn();
  }
  subject.complete();
  return await total(counts);
}

/** Effect: an unbounded PubSub, 10 subscriptions read by fibers with `PubSub.take`. */
function effectFibers(n: number, paced: boolean): Promise<number> {
  return Effect.runPromise(Effect.scoped(Effect.gen(function* () {
    const pubsub = yield* PubSub.unbounded<number>();
    const readers = [];
    for (let s = 0; s < SUBSCRIBERS; s++) {
      const subscription = yield* PubSub.subscribe(pubsub);
      readers.push(
        yield* Effect.forkChild(Effect.gen(function* () {
          let bad = 0;
          for (let i = 0; i < n; i++) {
            if ((yield* PubSub.take(subscription)) !== i) bad++;
          }
          return bad === 0 ? n : -1;
        })),
      );
    }
    for (let i = 0; i < n; i += CHUNK) {
      const chunk = [];
      for (let j = i; j < Math.min(n, i + CHUNK); j++) chunk.push(j);
      yield* PubSub.publishAll(pubsub, chunk);
      if (paced) yield* Effect.yieldNow;
    }
    const counts = yield* Effect.all(readers.map(Fiber.join));
    return counts.includes(-1) ? -1 : counts.reduce((a, b) => a + b, 0);
  })));
}

/** The contenders of one case. */
export function broadcastContenders(n: number, paced: boolean): Contender[] {
  const expected = n * SUBSCRIBERS;
  const capacity = paced ? 2 * CHUNK : n;
  const list: Contender[] = [
    timed("RxJS 7 Subject, 10 hand-written adapters", "peer", expected, n, () => rxRun(n, paced)),
    timed(
      `Effect 4 PubSub.unbounded, 10 fibers${paced ? ", Effect.yieldNow after each chunk" : ""}`,
      "peer",
      expected,
      n,
      () => effectFibers(n, paced),
    ),
    timed(
      `weft: broadcast(${paced ? capacity : "N"}), 10 for await loops`,
      "weft",
      expected,
      n,
      () => weftRun(n, capacity, paced),
    ),
  ];
  return list;
}
