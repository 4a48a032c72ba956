/**
 * Row 3: a Worker sends N values to the main thread, where async code
 * consumes them one at a time (`for await`, a promise per item), except the
 * one contender that reads the shared ring in chunks and weft's own stream
 * consumer (`Stream.from(rx).forEach`, a callback per item, a promise only
 * when it must wait).
 *
 * Each run starts a fresh Worker. The headline is the time from the first
 * value consumed to the last, per item: it leaves out the Worker's start-up,
 * which weft's `spawnThread` cannot separate from its run; the total (from
 * `new Worker` to the last value) is printed beside it.
 *
 * Numbers: 0..N-1, each checked in order. Objects: `{ i, s }`, each checked
 * (`i` in order, `s` its length). The check value is the count, or -1.
 *
 * @module
 */
import {
  type Batch,
  BatchQueue,
  type makeObject,
  makeRing,
  MiniQueue,
  RingReader,
  type WorkerStart,
} from "./_baselines.ts";
import type { Contender, Sample } from "./_harness.ts";
import { channel, type Receiver } from "../channel.ts";
import { Stream } from "../stream.ts";
import { spawnThread, type ThreadContext, type ThreadSender } from "../worker_producer.ts";

const WORKER_URL = new URL("./_worker.ts", import.meta.url);
const BATCH = 1024;
const RING_CAPACITY = 1 << 16;

/** A plain object of the object contenders. */
export type Item = ReturnType<typeof makeObject>;

/** What the consumer timed: the first and last value's times, and the check. */
interface Consumed {
  first: number;
  check: number;
}

async function consumeNumbers(source: AsyncIterable<number>): Promise<Consumed> {
  let expected = 0;
  let bad = 0;
  let first = 0;
  for await (const x of source) {
    if (expected === 0) first = performance.now();
    if (x !== expected) bad++;
    expected++;
  }
  return { first, check: bad === 0 ? expected : -1 };
}

async function forEachNumbers(source: Receiver<number>): Promise<Consumed> {
  let expected = 0;
  let bad = 0;
  let first = 0;
  await Stream.from(source).forEach((x) => {
    if (expected === 0) first = performance.now();
    if (x !== expected) bad++;
    expected++;
  });
  return { first, check: bad === 0 ? expected : -1 };
}

async function consumeObjects(source: AsyncIterable<Item>): Promise<Consumed> {
  let expected = 0;
  let bad = 0;
  let first = 0;
  for await (const o of source) {
    if (expected === 0) first = performance.now();
    if (o.i !== expected || o.s.length !== (expected % 100 < 10 ? 6 : 7)) bad++;
    expected++;
  }
  return { first, check: bad === 0 ? expected : -1 };
}

function sample(n: number, start: number, consumed: Consumed): Sample {
  const end = performance.now();
  return {
    check: consumed.check,
    metrics: { ns: ((end - consumed.first) * 1e6) / n, totalMs: end - start },
  };
}

/** Starts the baseline worker and waits for its "ready". */
function startWorker(): Promise<Worker> {
  const worker = new Worker(WORKER_URL, { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = () => resolve(worker);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
  });
}

/** A queue of the batches `worker` posts, ended by its `null`. */
function batchesOf<T>(worker: Worker): BatchQueue<T> {
  const queue = new BatchQueue<T>();
  worker.onmessage = (event: MessageEvent<Batch<T> | null>) => {
    if (event.data === null) queue.close();
    else queue.push(event.data);
  };
  return queue;
}

function baseline(
  name: string,
  mode: WorkerStart["mode"],
  n: number,
  reference: string | undefined,
): Contender {
  return {
    name,
    kind: "baseline",
    expected: n,
    ...(reference !== undefined ? { reference } : {}),
    async measure(): Promise<Sample> {
      const start = performance.now();
      const worker = await startWorker();
      try {
        const message: WorkerStart = { mode, n, batch: BATCH };
        let consumed: Promise<Consumed>;
        if (mode === "per-item") {
          const queue = new MiniQueue<number>();
          worker.onmessage = (event: MessageEvent<number | null>) => {
            if (event.data === null) queue.close();
            else queue.push(event.data);
          };
          consumed = consumeNumbers(queue);
        } else if (mode === "ring") {
          message.ring = makeRing(RING_CAPACITY);
          message.capacity = RING_CAPACITY;
          consumed = consumeNumbers(new RingReader(message.ring, RING_CAPACITY));
        } else if (mode === "objects") {
          consumed = consumeObjects(batchesOf<Item>(worker));
        } else {
          consumed = consumeNumbers(batchesOf<number>(worker));
        }
        worker.postMessage(message);
        return sample(n, start, await consumed);
      } finally {
        worker.terminate();
      }
    },
  };
}

function ringInChunks(n: number): Contender {
  return {
    name: "SharedArrayBuffer ring, consumed in chunks",
    kind: "baseline",
    expected: n,
    reference: "~11",
    async measure(): Promise<Sample> {
      const start = performance.now();
      const worker = await startWorker();
      try {
        const ring = makeRing(RING_CAPACITY);
        const reader = new RingReader(ring, RING_CAPACITY);
        worker.postMessage({ mode: "ring", n, batch: BATCH, ring, capacity: RING_CAPACITY });
        let expected = 0;
        let bad = 0;
        let first = 0;
        for (let chunk; (chunk = await reader.nextChunk()) !== undefined;) {
          if (expected === 0) first = performance.now();
          for (let i = 0; i < chunk.length; i++) {
            if (chunk[i] !== expected) bad++;
            expected++;
          }
        }
        return sample(n, start, { first, check: bad === 0 ? expected : -1 });
      } finally {
        worker.terminate();
      }
    },
  };
}

function sendNumbers(tx: ThreadSender<unknown>, _thread: ThreadContext, n: number): void {
  for (let i = 0; i < n; i++) tx.send(i);
}

function sendObjects(tx: ThreadSender<unknown>, _thread: ThreadContext, n: number): void {
  // Inline thread functions cross as source: no imports (makeObject's shape, written out).
  for (let i = 0; i < n; i++) tx.send({ i, s: `item ${i % 100}` });
}

/** How a weft contender consumes: numbers by `for await` or `forEach`, or objects. */
type WeftConsumer = "for await" | "forEach" | "objects";

function weftThread(name: string, n: number, consumer: WeftConsumer): Contender {
  return {
    name,
    kind: "weft",
    expected: n,
    async measure(): Promise<Sample> {
      const start = performance.now();
      const [tx, rx] = channel<unknown>();
      spawnThread(consumer === "objects" ? sendObjects : sendNumbers, tx, { args: [n] });
      let consumed: Consumed;
      if (consumer === "objects") consumed = await consumeObjects(rx as AsyncIterable<Item>);
      else if (consumer === "forEach") consumed = await forEachNumbers(rx as Receiver<number>);
      else consumed = await consumeNumbers(rx as AsyncIterable<number>);
      return sample(n, start, consumed);
    },
  };
}

/** The contenders of row 3 for `n` values. */
export function threadContenders(n: number): Contender[] {
  return [
    baseline("one postMessage per item", "per-item", n, "~1,900"),
    baseline(`batched arrays (${BATCH} per postMessage)`, "array", n, "~105"),
    baseline(`batched Float64Array (${BATCH}, transferred)`, "float64", n, "~60"),
    baseline("SharedArrayBuffer ring (hand-written)", "ring", n, "~55"),
    ringInChunks(n),
    weftThread("weft: spawnThread, numbers", n, "for await"),
    weftThread("weft: spawnThread, numbers, Stream.forEach", n, "forEach"),
    baseline(`objects {i, s}: batched arrays (${BATCH})`, "objects", n, undefined),
    weftThread("weft: spawnThread, objects {i, s}", n, "objects"),
  ];
}
