/**
 * The bad-input table: every public call against wrong types, bad numbers and
 * use after close gives a clear error at the call, with a "Cannot ..." message.
 * The same table is published in README.md ("Bad input").
 */
import { assert, assertEquals } from "./_assert.ts";
import { broadcast, channel, SendError, watch } from "../channel.ts";
import { interval, intervalAt, Stream, StreamMap } from "../stream.ts";
import {
  CancellationToken,
  JoinSet,
  race,
  run,
  select,
  sleep,
  sleepUntil,
  spawnTask,
  timeout,
  timeoutAt,
} from "../task.ts";
import { BlockingPool } from "../blocking.ts";
import { spawnThread } from "../worker_producer.ts";
import { Barrier, Mutex, Notify, RwLock, Semaphore } from "../sync.ts";

type Case = { call: string; run: () => unknown; error: new (...args: never[]) => Error };

const stream = () => Stream.iter([1, 2, 3]);
const notAFunction = 42 as unknown as () => unknown;

/** A sender for thread cases that must fail before the sender is moved. */
const threadSender = () => channel<number>()[0];
const badOptions = 5 as unknown as { signal?: AbortSignal };
const badSignal = { signal: "stop" as unknown as AbortSignal };

const CASES: Case[] = [
  { call: "sleep(-1)", run: () => sleep(-1), error: RangeError },
  { call: "sleep(NaN)", run: () => sleep(NaN), error: RangeError },
  { call: "sleep(Infinity)", run: () => sleep(Infinity), error: RangeError },
  { call: 'sleep("5")', run: () => sleep("5" as unknown as number), error: RangeError },
  { call: "timeout(-1, p)", run: () => timeout(-1, Promise.resolve()), error: RangeError },
  { call: "spawnTask(42)", run: () => spawnTask(notAFunction), error: TypeError },
  { call: "run(42)", run: () => run(notAFunction), error: TypeError },
  {
    call: "new JoinSet().spawn(42)",
    run: () => new JoinSet().spawn(notAFunction),
    error: TypeError,
  },
  { call: "race()", run: () => (race as () => unknown)(), error: TypeError },
  { call: "race(p, 42)", run: () => race(Promise.resolve(), 42 as never), error: TypeError },
  { call: "select({})", run: () => select({}), error: TypeError },
  { call: "select({ a: 42 })", run: () => select({ a: 42 as never }), error: TypeError },
  { call: "sleepUntil(NaN)", run: () => sleepUntil(NaN), error: RangeError },
  {
    call: "timeoutAt(Infinity, p)",
    run: () => timeoutAt(Infinity, Promise.resolve()),
    error: RangeError,
  },
  {
    call: "token.runUntilCancelled(42)",
    run: () => new CancellationToken().runUntilCancelled(42 as never),
    error: TypeError,
  },
  {
    call: "a DropGuard disarmed twice",
    run: () => {
      const guard = new CancellationToken().dropGuard();
      guard.disarm();
      guard.disarm();
    },
    error: TypeError,
  },
  { call: "channel(-1)", run: () => channel(-1), error: RangeError },
  { call: "channel(1.5)", run: () => channel(1.5), error: RangeError },
  { call: "channel(NaN)", run: () => channel(NaN), error: RangeError },
  { call: "broadcast(0)", run: () => broadcast(0), error: RangeError },
  { call: "broadcast(1.5)", run: () => broadcast(1.5), error: RangeError },
  { call: "broadcast(-1)", run: () => broadcast(-1), error: RangeError },
  { call: "broadcast(2 ** 31)", run: () => broadcast(2 ** 31), error: RangeError },
  {
    call: "watch tx.sendModify(42)",
    run: () => watch(0)[0].sendModify(notAFunction as () => number),
    error: TypeError,
  },
  {
    call: "watch tx.sendIfModified(42)",
    run: () => watch(0)[0].sendIfModified(notAFunction as () => boolean),
    error: TypeError,
  },
  {
    call: "watch rx.waitFor(42)",
    run: () => watch(0)[1].waitFor(notAFunction as () => boolean),
    error: TypeError,
  },
  {
    call: "sendTimeout(v, -1)",
    run: () => channel<number>(1)[0].sendTimeout(1, -1),
    error: RangeError,
  },
  { call: "recvMany(1.5)", run: () => channel<number>()[1].recvMany(1.5), error: RangeError },
  {
    call: "reserve() with capacity 0",
    run: () => channel<number>(0)[0].reserve(),
    error: TypeError,
  },
  { call: "Stream.from(42)", run: () => Stream.from(42 as never), error: TypeError },
  { call: "Stream.iter(null)", run: () => Stream.iter(null as never), error: TypeError },
  { call: "map(42)", run: () => stream().map(notAFunction), error: TypeError },
  { call: "filter(42)", run: () => stream().filter(notAFunction), error: TypeError },
  { call: "filterMap(42)", run: () => stream().filterMap(notAFunction), error: TypeError },
  { call: "mapAsync(42)", run: () => stream().mapAsync(notAFunction), error: TypeError },
  { call: "takeWhile(42)", run: () => stream().takeWhile(notAFunction), error: TypeError },
  { call: "skipWhile(42)", run: () => stream().skipWhile(notAFunction), error: TypeError },
  { call: "take(-1)", run: () => stream().take(-1), error: RangeError },
  { call: "take(1.5)", run: () => stream().take(1.5), error: RangeError },
  { call: "skip(-1)", run: () => stream().skip(-1), error: RangeError },
  { call: "skip(NaN)", run: () => stream().skip(NaN), error: RangeError },
  { call: "throttle(-1)", run: () => stream().throttle(-1), error: RangeError },
  { call: "throttle(Infinity)", run: () => stream().throttle(Infinity), error: RangeError },
  { call: "timeout(NaN)", run: () => stream().timeout(NaN), error: RangeError },
  { call: "timeoutRepeating(0)", run: () => stream().timeoutRepeating(0), error: RangeError },
  { call: "chunksTimeout(0, 10)", run: () => stream().chunksTimeout(0, 10), error: RangeError },
  { call: "chunksTimeout(2, -1)", run: () => stream().chunksTimeout(2, -1), error: RangeError },
  { call: "interval(0)", run: () => interval(0), error: RangeError },
  { call: "interval(-5)", run: () => interval(-5), error: RangeError },
  {
    call: 'interval(10, { missedTickBehavior: "x" })',
    run: () => interval(10, { missedTickBehavior: "x" as never }),
    error: RangeError,
  },
  { call: "intervalAt(NaN, 10)", run: () => intervalAt(NaN, 10), error: RangeError },
  { call: "forEach(42)", run: () => stream().forEach(notAFunction), error: TypeError },
  { call: "buffered(0)", run: () => stream().buffered(0), error: RangeError },
  { call: "zip(42)", run: () => stream().zip(42 as never), error: TypeError },
  { call: "flatMap(42)", run: () => stream().flatMap(notAFunction as never), error: TypeError },
  { call: "scan(0, 42)", run: () => stream().scan(0, notAFunction as never), error: TypeError },
  { call: "mapWhile(42)", run: () => stream().mapWhile(notAFunction), error: TypeError },
  { call: "inspect(42)", run: () => stream().inspect(notAFunction), error: TypeError },
  { call: "chunks(0)", run: () => stream().chunks(0), error: RangeError },
  { call: "readyChunks(1.5)", run: () => stream().readyChunks(1.5), error: RangeError },
  { call: "takeUntil(42)", run: () => stream().takeUntil(42 as never), error: TypeError },
  { call: "Stream.mergeAll(42)", run: () => Stream.mergeAll(42 as never), error: TypeError },
  {
    call: "StreamMap.insert(k, 42)",
    run: () => new StreamMap().insert("k", 42 as never),
    error: TypeError,
  },
  { call: "bufferUnordered(1.5)", run: () => stream().bufferUnordered(1.5), error: RangeError },
  {
    call: "mapAsync(f, { concurrency: 0 })",
    run: () => stream().mapAsync((x) => x, { concurrency: 0 }),
    error: RangeError,
  },
  {
    call: "forEachConcurrent(-1, f)",
    run: () => stream().forEachConcurrent(-1, () => {}),
    error: RangeError,
  },
  {
    call: "forEachConcurrent(2, 42)",
    run: () => stream().forEachConcurrent(2, notAFunction),
    error: TypeError,
  },
  {
    call: "new BlockingPool({ size: 2 ** 32 })",
    run: () => new BlockingPool({ size: 2 ** 32 }),
    error: RangeError,
  },
  {
    call: "new BlockingPool({ idleTimeout: 2 ** 31 })",
    run: () => new BlockingPool({ idleTimeout: 2 ** 31 }),
    error: RangeError,
  },
  {
    call: "new BlockingPool({ sise: 2 })",
    run: () => new BlockingPool({ sise: 2 } as never),
    error: TypeError,
  },
  {
    call: "new BlockingPool({ resourceLimits: { maxOldGenerationSizeMb: -1 } })",
    run: () => new BlockingPool({ resourceLimits: { maxOldGenerationSizeMb: -1 } }),
    error: RangeError,
  },
  {
    call: "spawnThread(fn, tx, null)",
    run: () => spawnThread(() => {}, threadSender(), null as never),
    error: TypeError,
  },
  {
    call: 'spawnThread(fn, tx, { deno: { permissions: "none" } })',
    run: () => spawnThread(() => {}, threadSender(), { deno: { permissions: "none" } } as never),
    error: TypeError,
  },
  {
    call: "a stream used twice",
    run: () => {
      const s = stream();
      s.map((x) => x);
      return s.map((x) => x);
    },
    error: TypeError,
  },
  {
    call: "a stream iterated twice",
    run: () => {
      const s = stream();
      s[Symbol.asyncIterator]();
      return s[Symbol.asyncIterator]();
    },
    error: TypeError,
  },
  {
    call: "a receiver iterated twice",
    run: () => {
      const [, rx] = channel<number>();
      rx[Symbol.asyncIterator]();
      return rx[Symbol.asyncIterator]();
    },
    error: TypeError,
  },
  {
    call: "send after the receiver closed",
    run: () => {
      const [tx, rx] = channel<number>();
      rx.close();
      tx.send(1);
    },
    error: SendError,
  },
  {
    call: "send on a closed sender",
    run: () => {
      const [tx] = channel<number>();
      tx.close();
      tx.send(1);
    },
    error: SendError,
  },
  {
    call: "clone of a closed sender",
    run: () => {
      const [tx] = channel<number>();
      tx.close();
      tx.clone();
    },
    error: TypeError,
  },
  { call: "new Semaphore(-1)", run: () => new Semaphore(-1), error: RangeError },
  { call: "new Semaphore(1.5)", run: () => new Semaphore(1.5), error: RangeError },
  {
    call: "new Semaphore(MAX_PERMITS + 1)",
    run: () => new Semaphore(Semaphore.MAX_PERMITS + 1),
    error: RangeError,
  },
  { call: "acquire(-1)", run: () => new Semaphore(1).acquire(-1), error: RangeError },
  { call: "acquire(0.5)", run: () => new Semaphore(1).acquire(0.5), error: RangeError },
  { call: 'acquire("1")', run: () => new Semaphore(1).acquire("1" as never), error: RangeError },
  { call: "acquire(1, 5)", run: () => new Semaphore(1).acquire(1, badOptions), error: TypeError },
  {
    call: 'acquire(1, { signal: "stop" })',
    run: () => new Semaphore(1).acquire(1, badSignal),
    error: TypeError,
  },
  { call: "tryAcquire(NaN)", run: () => new Semaphore(1).tryAcquire(NaN), error: RangeError },
  { call: "addPermits(-1)", run: () => new Semaphore(1).addPermits(-1), error: RangeError },
  {
    call: "addPermits past MAX_PERMITS",
    run: () => new Semaphore(1).addPermits(Semaphore.MAX_PERMITS),
    error: RangeError,
  },
  { call: "forgetPermits(1.5)", run: () => new Semaphore(1).forgetPermits(1.5), error: RangeError },
  {
    call: "split(-1)",
    run: () => new Semaphore(1).tryAcquire()!.split(-1),
    error: RangeError,
  },
  {
    call: "merge of another semaphore's permit",
    run: () => new Semaphore(1).tryAcquire()!.merge(new Semaphore(1).tryAcquire()!),
    error: TypeError,
  },
  { call: "lock(5)", run: () => new Mutex(0).lock(badOptions), error: TypeError },
  { call: "a released MutexGuard's value", run: () => releasedGuard().value, error: TypeError },
  {
    call: "new RwLock(v, { maxReaders: 0 })",
    run: () => new RwLock(0, { maxReaders: 0 }),
    error: RangeError,
  },
  { call: "new RwLock(v, 5)", run: () => new RwLock(0, badOptions as never), error: TypeError },
  { call: "read(5)", run: () => new RwLock(0).read(badOptions), error: TypeError },
  { call: "write(5)", run: () => new RwLock(0).write(badOptions), error: TypeError },
  { call: "notified(5)", run: () => new Notify().notified(badOptions), error: TypeError },
  { call: "new Barrier(-1)", run: () => new Barrier(-1), error: RangeError },
  { call: "new Barrier(2.5)", run: () => new Barrier(2.5), error: RangeError },
  { call: "Barrier wait(5)", run: () => new Barrier(2).wait(badOptions), error: TypeError },
];

function releasedGuard(): { value: number } {
  const guard = new Mutex(0).tryLock()!;
  guard.release();
  return guard;
}

for (const { call, run: attempt, error } of CASES) {
  Deno.test(`bad input: ${call} throws ${error.name} at the call`, () => {
    let caught: unknown;
    try {
      attempt();
    } catch (e) {
      caught = e;
    }
    assert(caught instanceof error, `${call}: expected ${error.name}, got ${String(caught)}`);
    assert(
      (caught as Error).message.startsWith("Cannot "),
      `${call}: message should start with "Cannot ": ${(caught as Error).message}`,
    );
  });
}

Deno.test("bad input: a refused send hands its value back", () => {
  const [tx, rx] = channel<{ id: number }>();
  const value = { id: 7 };
  tx.send({ id: 1 });
  rx.close();
  let caught: unknown;
  try {
    tx.send(value);
  } catch (e) {
    caught = e;
  }
  assert(caught instanceof SendError);
  assertEquals(caught.value, value);
  assertEquals(rx.tryRecv(), { id: 1 });
});
