/**
 * `deno task soak`: runs random pipelines in real time for a while, sampling
 * the heap after a full GC, and fails if the heap grows without bound.
 *
 * - Pipelines: one to three channel sources fed by producer tasks (finite, or
 *   endless until a send is refused), now and then a thread (`spawnThread`),
 *   through random combinators (`filter`, `take`, `skip`, `takeWhile`,
 *   `skipWhile`, `throttle`, `timeout`, `timeoutRepeating`, `chunksTimeout`,
 *   `merge`, `chain`, `fuse`, `mapAsync`), consumed in random ways, often
 *   stopped early. Durations are a few milliseconds. Sixteen run at once.
 * - Each pipeline must end (30 s at most), yield each source's values in
 *   increasing order without duplicates, and stop every producer.
 * - Pipelines run in rounds of a few seconds. Between rounds, when every
 *   pipeline has ended: no weft timer and no thread may be left; `gc()`, then
 *   `Deno.memoryUsage().heapUsed` is sampled. At the end the heap must be
 *   flat: the slope of a linear fit over the second half of the samples at
 *   most 1 MB/min, and the last quarter's minimum at most 4 MB above the
 *   first quarter's.
 *
 * ```sh
 * deno task soak                   # 10 minutes
 * deno task soak --minutes 2       # shorter
 * deno task soak --minutes 1 --leak  # self-test: a deliberate leak must fail
 * ```
 *
 * @module
 */
import { channel, SendError } from "../channel.ts";
import { Stream } from "../stream.ts";
import { sleep, spawnTask, yieldNow } from "../task.ts";
import { spawnThread } from "../worker_producer.ts";
import { liveThreads } from "../_thread/worker.ts";
import { pendingTimers } from "../_runtime/timer.ts";
import { Rng } from "./_rng.ts";

const USAGE = "usage: deno task soak [--minutes N] [--sample-seconds S] [--seed N] [--leak]";

function option(name: string, fallback: number): number {
  const at = Deno.args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(Deno.args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`Cannot soak: ${name} needs a number > 0\n${USAGE}`);
    Deno.exit(2);
  }
  return value;
}

const minutes = option("--minutes", 10);
const sampleSeconds = option("--sample-seconds", 5);
const seed = Math.floor(option("--seed", Math.floor(Math.random() * 2 ** 31) + 1));
const leak = Deno.args.includes("--leak");
const CONCURRENCY = 16;
const PIPELINE_LIMIT_MS = 30_000;
const SLOPE_LIMIT = 1024 * 1024; // bytes per minute, over the second half
const GROWTH_LIMIT = 4 * 1024 * 1024; // bytes, last quarter's minimum over the first's

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("Cannot soak: run with --v8-flags=--expose-gc (deno task soak does)");
  Deno.exit(2);
}

// Seeded, so a run can be replayed with --seed.
const rng = new Rng(seed);

function between(min: number, max: number): number {
  return rng.int(min, max);
}

function chance(p: number): boolean {
  return rng.chance(p);
}

// -- Pipelines --

/** Source s's i-th value: the source is recoverable from it, and the order. */
const SPAN = 1_000_000;

/** One pipeline's producers, and its shape (printed when it fails). */
interface Pipeline {
  readonly producers: Producer[];
  readonly shape: string[];
}

/** What one pipeline's sources did, to check after it ended. */
interface Producer {
  /** Endless producers must see their send refused; finite ones must finish. */
  readonly endless: boolean;
  done: PromiseLike<unknown>;
}

interface Stats {
  pipelines: number;
  items: number;
  threads: number;
  problems: string[];
}

const stats: Stats = { pipelines: 0, items: 0, threads: 0, problems: [] };
const leaked: unknown[] = [];
let nextSource = 0;

function problem(text: string): void {
  if (stats.problems.length < 50) stats.problems.push(text);
}

/**
 * A producer's wait. An endless producer yields with `yieldNow()` rather than
 * `sleep(0)`: a task looping on `sleep(0)` alone never lets a stream consumer
 * run (weft's `sleep(0)` resolves at once, with no coop budget as tokio's has).
 */
function pause(ms: number, endless: boolean): Promise<void> {
  return ms === 0 && endless ? yieldNow() : sleep(ms);
}

/** A channel fed by a producer task: `count` values (endless if null), small gaps. */
function taskSource(pipeline: Pipeline): Stream<number> {
  const id = nextSource++ % 4_000;
  const [tx, rx] = channel<number>();
  const count = chance(0.3) ? null : between(0, 300);
  const maxGap = between(0, 3);
  pipeline.shape.push(`task(${count ?? "endless"}, gaps <= ${maxGap})`);
  const done = spawnTask(async () => {
    for (let i = 0; count === null || i < count; i++) {
      if (i % between(1, 20) === 0) await pause(between(0, maxGap), count === null);
      try {
        tx.send(id * SPAN + i);
      } catch (error) {
        if (error instanceof SendError) return;
        throw error;
      }
    }
    tx.close();
  });
  pipeline.producers.push({ endless: count === null, done });
  return Stream.from(rx);
}

/** A thread that sends values with short real sleeps until it is stopped. */
function threadSource(pipeline: Pipeline): Stream<number> {
  const id = nextSource++ % 4_000;
  stats.threads++;
  const [tx, rx] = channel<number>();
  const count = between(100, 5_000);
  pipeline.shape.push(`thread(${count})`);
  const thread = spawnThread(
    (tx, thread, base: number, count: number) => {
      for (let i = 0; i < count; i++) {
        try {
          tx.send(base + i);
        } catch (error) {
          if (error instanceof thread.SendError) return;
          throw error;
        }
        if (i % 50 === 49) thread.sleepSync(1);
      }
    },
    tx,
    { args: [id * SPAN, count] },
  );
  pipeline.producers.push({ endless: false, done: thread.join() });
  return Stream.from(rx);
}

function source(pipeline: Pipeline): Stream<number> {
  return chance(0.01) ? threadSource(pipeline) : taskSource(pipeline);
}

const STAGES = [
  "filter",
  "take",
  "skip",
  "takeWhile",
  "skipWhile",
  "throttle",
  "timeout",
  "timeoutRepeating",
  "chunksTimeout",
  "merge",
  "chain",
  "fuse",
  "mapAsync",
  "map",
];
const CONSUMERS = ["toArray", "for await", "forEach", "next()", "take+toArray"];

/** One random stage; every stage keeps values unchanged, so order can be checked. */
function stage(stream: Stream<number>, pipeline: Pipeline): Stream<number> {
  const which = between(0, 13);
  pipeline.shape.push(STAGES[which]!);
  switch (which) {
    case 0:
      return stream.filter((x) => x % between(1, 3) !== 1);
    case 1:
      return stream.take(between(0, 400));
    case 2:
      return stream.skip(between(0, 50));
    case 3:
      return stream.takeWhile((x) => x % SPAN < between(0, 400));
    case 4:
      return stream.skipWhile((x) => x % SPAN < between(0, 50));
    case 5:
      return stream.throttle(between(0, 2));
    case 6:
      return stream.timeout(between(1, 5)).filterMap((r) => r.ok ? r.value : undefined);
    case 7:
      return stream.timeoutRepeating(between(1, 5)).filterMap((r) => r.ok ? r.value : undefined);
    case 8:
      return stream.chunksTimeout(between(1, 8), between(1, 5)).filterMap((c) => c.at(-1));
    case 9:
      return stream.merge(source(pipeline));
    case 10:
      return stream.chain(source(pipeline));
    case 11:
      return stream.fuse();
    case 12:
      return stream.mapAsync(async (x) => {
        await yieldNow();
        return x;
      });
    default:
      return stream.map((x) => x);
  }
}

/**
 * Consumes in a random way, often stopping early (always when a source is
 * endless); returns what it saw.
 */
async function consume(
  stream: Stream<number>,
  endless: boolean,
  pipeline: Pipeline,
): Promise<number[]> {
  const seen: number[] = [];
  const stopAt = endless || chance(0.5) ? between(0, 300) : Infinity;
  const way = between(0, 4);
  pipeline.shape.push(`${CONSUMERS[way]}(stop at ${stopAt})`);
  switch (way) {
    case 0:
      return await (endless ? stream.take(stopAt) : stream).toArray();
    case 1:
      for await (const x of stream) {
        if (seen.length >= stopAt) break;
        seen.push(x);
      }
      return seen;
    case 2: {
      const controller = new AbortController();
      await stream.forEach((x) => {
        seen.push(x);
        if (seen.length >= stopAt) controller.abort("enough");
      }, { signal: controller.signal }).catch((reason) => {
        if (reason !== "enough") throw reason;
      });
      return seen;
    }
    case 3:
      for (let x; seen.length < stopAt && (x = await stream.next()) !== undefined;) seen.push(x);
      stream.close();
      return seen;
    default:
      return await stream.take(between(0, 300)).toArray();
  }
}

/** Each source's values must come in increasing order, each once. */
function checkOrder(items: readonly number[], shape: readonly string[]): void {
  const last = new Map<number, number>();
  for (const x of items) {
    const id = Math.floor(x / SPAN);
    const previous = last.get(id);
    if (previous !== undefined && x <= previous) {
      problem(
        `${shape.join(" > ")}: source ${id}: ${x} after ${previous} (duplicated or reordered)`,
      );
      return;
    }
    last.set(id, x);
  }
}

function withLimit<T>(promise: Promise<T>, shape: readonly string[]): Promise<T | undefined> {
  let id: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<undefined>((resolve) => {
    id = setTimeout(() => {
      problem(`${shape.join(" > ")}: did not end within ${PIPELINE_LIMIT_MS} ms`);
      resolve(undefined);
    }, PIPELINE_LIMIT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(id));
}

async function onePipeline(): Promise<void> {
  const pipeline: Pipeline = { producers: [], shape: [] };
  let stream = source(pipeline);
  const stages = between(0, 5);
  for (let i = 0; i < stages; i++) stream = stage(stream, pipeline);
  const { producers, shape } = pipeline;
  try {
    const endless = producers.some((p) => p.endless);
    const items = await withLimit(consume(stream, endless, pipeline), shape);
    if (items !== undefined) {
      checkOrder(items, shape);
      stats.items += items.length;
    }
    // Every producer ends: finite ones by finishing, endless ones by a refused send.
    await withLimit(Promise.all(producers.map((p) => p.done)), [...shape, "(its producers)"]);
  } catch (error) {
    problem(`${shape.join(" > ")}: failed: ${error instanceof Error ? error.stack : error}`);
  }
  stats.pipelines++;
  if (leak) leaked.push(new Array(256).fill(stats.pipelines));
}

// -- Heap --

/** `[seconds since start, heapUsed]` samples. */
const samples: [number, number][] = [];
const started = performance.now();

function seconds(): number {
  return (performance.now() - started) / 1000;
}

function sample(): void {
  gc!();
  gc!();
  const heap = Deno.memoryUsage().heapUsed;
  samples.push([seconds(), heap]);
  const line = `t=${seconds().toFixed(0).padStart(4)} s  heap ${mb(heap).padStart(7)}  ` +
    `pipelines ${stats.pipelines}  items ${stats.items}  threads ${stats.threads}`;
  console.log(line);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** Least-squares slope of heap over time, in bytes per minute. */
function slopePerMinute(points: readonly [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? 0 : (sxy / sxx) * 60;
}

function minOf(points: readonly [number, number][]): number {
  return Math.min(...points.map(([, y]) => y));
}

/** Problems with the heap samples: growth over the run. */
function heapVerdict(): string[] {
  const n = samples.length;
  if (n < 8) return [`only ${n} heap samples: run longer (--minutes) or sample more often`];
  const quarter = Math.floor(n / 4);
  const firstMin = minOf(samples.slice(0, quarter));
  const lastMin = minOf(samples.slice(n - quarter));
  const slope = slopePerMinute(samples.slice(Math.floor(n / 2)));
  console.log(
    `heap: first quarter min ${mb(firstMin)}, last quarter min ${mb(lastMin)} ` +
      `(${lastMin >= firstMin ? "+" : ""}${mb(lastMin - firstMin)}); ` +
      `second-half slope ${mb(slope)}/min (limits ${mb(GROWTH_LIMIT)}, ${mb(SLOPE_LIMIT)}/min)`,
  );
  const problems: string[] = [];
  if (slope > SLOPE_LIMIT) problems.push(`the heap grows by ${mb(slope)}/min over the second half`);
  if (lastMin - firstMin > GROWTH_LIMIT) {
    problems.push(`the heap's floor rose by ${mb(lastMin - firstMin)}`);
  }
  return problems;
}

// -- Main --

console.log(
  `soak: ${minutes} min, ${CONCURRENCY} pipelines at once, a heap sample every ${sampleSeconds} s, ` +
    `seed ${seed}${leak ? ", with a deliberate leak (self-test)" : ""}`,
);
// Pipelines run in rounds of `sampleSeconds`; between rounds every pipeline
// has ended, so the sample measures what they left behind, not what is in flight.
const deadline = performance.now() + minutes * 60_000;
while (performance.now() < deadline) {
  const until = Math.min(performance.now() + sampleSeconds * 1000, deadline);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < until) await onePipeline();
  }));
  sample();
  if (pendingTimers() !== 0) problem(`${pendingTimers()} weft timers left pending between rounds`);
  if (liveThreads() !== 0) problem(`${liveThreads()} threads left running between rounds`);
}

const problems = [...stats.problems];
if (pendingTimers() !== 0) problems.push(`${pendingTimers()} weft timers left pending`);
if (liveThreads() !== 0) problems.push(`${liveThreads()} threads left running`);
problems.push(...heapVerdict());
console.log(
  `soak: ${stats.pipelines} pipelines, ${stats.items} items, ${stats.threads} threads ` +
    `in ${seconds().toFixed(0)} s`,
);
for (const text of problems) console.log(`  FAIL ${text}`);
console.log(problems.length === 0 ? "soak: passed" : `soak: FAILED (${problems.length} problems)`);
Deno.exit(problems.length === 0 ? 0 : 1);
