/**
 * Benchmark of `spawnBlocking`'s pool beside its peers (issues 8 and 17),
 * separate from `bench/run.ts`, in one process and one run:
 *
 * - weft's `BlockingPool` (inline functions, as `spawnBlocking` takes them);
 * - piscina, tinypool, workerpool and poolifier-web-worker, from the npm
 *   registry, each in its fastest documented setup for Deno: a worker module
 *   with named task functions (`bench/_pool_jobs.ts` and the two
 *   `_pool_*_worker.ts` files). tinypool runs with `useAtomics: false`: with
 *   its default (`true`), its first `run()` never settles on Deno 2.9.6 (the
 *   process hangs; checked with a 20 s timeout);
 * - a hand-written floor: N `node:worker_threads` workers, each job one
 *   `postMessage` of `[id, x]` answered with `[id, x + 1]` (dealt round-robin).
 *
 * Rows, each on pools whose workers are all started and warm:
 *
 * 1. Round trip: one tiny job (`x + 1`) spawned and awaited at a time, on a
 *    pool of one worker: µs per job (lower is better). Aim: weft at or below
 *    piscina.
 * 2. Throughput: 20,000 tiny jobs spawned at once and awaited together, on a
 *    pool of two: jobs/s (higher is better). Aim: weft >= 0.8x the
 *    hand-written `postMessage` floor.
 * 3. Speed-up: 16 CPU-bound jobs (a hash loop) on a pool of two, against the
 *    same jobs run one after another on the main thread, in the same run
 *    (the bound is the number of cores, 2).
 *
 * Contenders run interleaved round-robin within a row; each run is checked
 * (the sum of the answers); tables give medians and ranges over the runs,
 * and the load average (`/proc/loadavg`) before and after.
 *
 * ```sh
 * deno task bench:blocking               # 5 runs
 * deno task bench:blocking --runs=9
 * deno task bench:blocking --quick       # 1 run, small sizes: proves it still runs
 * ```
 *
 * @module
 */
import { Worker as NodeWorker } from "node:worker_threads";
import { Piscina } from "npm:piscina@5.3.2";
import { Tinypool } from "npm:tinypool@2.2.0";
import workerpool from "npm:workerpool@10.0.3";
import { FixedThreadPool } from "npm:poolifier-web-worker@0.5.15";
import { type BlockingContext, BlockingPool } from "../blocking.ts";
import { hashRounds } from "./_pool_jobs.ts";

const args = new Map(
  Deno.args.map((arg) => arg.replace(/^--/, "").split("=") as [string, string | undefined]),
);
const QUICK = args.has("quick");
const RUNS = Number(args.get("runs") ?? (QUICK ? 1 : 5));
/** Sequential round trips per measurement; each run takes TRIP_ROUNDS of them per contender. */
const TRIPS = QUICK ? 200 : 500;
/**
 * Round-robin rounds of round trips per run: latency on a shared machine
 * drifts within seconds (a sleeping worker's wake-up), so the contenders
 * take turns in short measurements and the median is over all of them.
 */
const TRIP_ROUNDS = QUICK ? 1 : 10;
/** Tiny jobs at once per throughput measurement. */
const BURST = QUICK ? 2_000 : 20_000;
/** CPU-bound jobs per measurement, and the hash rounds of each. */
const JOBS = QUICK ? 4 : 16;
const ROUNDS = QUICK ? 200_000 : 10_000_000;
/** Workers of the throughput and speed-up pools. */
const WORKERS = 2;

const JOBS_URL = new URL("./_pool_jobs.ts", import.meta.url);

/** A started pool, as every contender offers it. */
interface Runner {
  tiny(x: number): PromiseLike<number>;
  hash(seed: number, rounds: number): PromiseLike<number>;
  close(): Promise<void>;
}

/** A contender: starts a pool of `size` workers. */
interface Contender {
  name: string;
  start(size: number): Promise<Runner>;
}

/** weft's tiny job, sent as source. */
function weftTiny(_ctx: BlockingContext, x: number): number {
  return x + 1;
}

/** weft's CPU-bound job, sent as source: built from `hashRounds`'s own source (it is self-contained). */
const weftHash = new Function(
  "_ctx",
  "seed",
  "rounds",
  `return (${hashRounds.toString()})(seed, rounds);`,
) as (ctx: BlockingContext, seed: number, rounds: number) => number;

const weft: Contender = {
  name: "weft BlockingPool",
  start(size) {
    const pool = new BlockingPool({ size, idleTimeout: Infinity });
    return Promise.resolve({
      tiny: (x) => pool.spawn(weftTiny, x),
      hash: (seed, rounds) => pool.spawn(weftHash, seed, rounds),
      close: () => pool.shutdown(),
    });
  },
};

const piscina: Contender = {
  name: "piscina 5.3.2",
  start(size) {
    const pool = new Piscina({ filename: JOBS_URL.href, minThreads: size, maxThreads: size });
    return Promise.resolve({
      tiny: (x) => pool.run(x, { name: "tiny" }),
      hash: (seed, rounds) => pool.run({ seed, rounds }, { name: "hash" }),
      close: () => pool.destroy(),
    });
  },
};

const tinypool: Contender = {
  name: "tinypool 2.2.0 (useAtomics: false)",
  start(size) {
    // useAtomics: true (the default) hangs on Deno 2.9.6: the first run() never settles.
    const pool = new Tinypool({
      filename: JOBS_URL.href,
      minThreads: size,
      maxThreads: size,
      useAtomics: false,
    });
    return Promise.resolve({
      tiny: (x) => pool.run(x, { name: "tiny" }),
      hash: (seed, rounds) => pool.run({ seed, rounds }, { name: "hash" }),
      close: () => pool.destroy(),
    });
  },
};

const workerpoolContender: Contender = {
  name: "workerpool 10.0.3",
  start(size) {
    const script = new URL("./_pool_workerpool_worker.ts", import.meta.url).pathname;
    const pool = workerpool.pool(script, {
      minWorkers: size,
      maxWorkers: size,
      workerType: "thread",
    });
    return Promise.resolve({
      tiny: (x) => pool.exec("tiny", [x]) as PromiseLike<number>,
      hash: (seed, rounds) => pool.exec("hash", [{ seed, rounds }]) as PromiseLike<number>,
      close: async () => {
        await pool.terminate();
      },
    });
  },
};

const poolifier: Contender = {
  name: "poolifier-web-worker 0.5.15",
  start(size) {
    const url = new URL("./_pool_poolifier_worker.ts", import.meta.url);
    const pool = new FixedThreadPool<unknown, number>(size, url);
    return Promise.resolve({
      tiny: (x) => pool.execute(x, "tiny"),
      hash: (seed, rounds) => pool.execute({ seed, rounds }, "hash"),
      close: () => pool.destroy(),
    });
  },
};

/** The floor: `size` node:worker_threads workers, one `postMessage` per job, dealt round-robin. */
const handWritten: Contender = {
  name: "hand-written postMessage (node:worker_threads)",
  start(size) {
    const url = new URL("./_pool_echo_worker.ts", import.meta.url);
    const workers = Array.from({ length: size }, () => new NodeWorker(url));
    const pending = new Map<number, (value: number) => void>();
    for (const worker of workers) {
      worker.on("message", ([id, value]: [number, number]) => {
        const resolve = pending.get(id)!;
        pending.delete(id);
        resolve(value);
      });
    }
    let last = 0;
    const post = (job: number[]) =>
      new Promise<number>((resolve) => {
        pending.set(job[0]!, resolve);
        workers[job[0]! % size]!.postMessage(job);
      });
    return Promise.resolve({
      tiny: (x) => post([++last, x]),
      hash: (seed, rounds) => post([++last, seed, rounds]),
      close: async () => {
        await Promise.all(workers.map((worker) => worker.terminate()));
      },
    });
  },
};

const CONTENDERS = [weft, piscina, tinypool, workerpoolContender, poolifier, handWritten];

/** A row's measurement on one runner: its check value and its time. */
type Measure = (runner: Runner) => Promise<{ check: number; ms: number }>;

async function roundTrips(runner: Runner): Promise<{ check: number; ms: number }> {
  let check = 0;
  const started = performance.now();
  for (let i = 0; i < TRIPS; i++) check += await runner.tiny(i);
  return { check, ms: performance.now() - started };
}

async function burst(runner: Runner): Promise<{ check: number; ms: number }> {
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => runner.tiny(i)));
  const ms = performance.now() - started;
  return { check: answers.reduce((a, b) => a + b, 0), ms };
}

async function hashes(runner: Runner): Promise<{ check: number; ms: number }> {
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: JOBS }, (_, j) => runner.hash(j + 1, ROUNDS)),
  );
  const ms = performance.now() - started;
  return { check: answers.reduce((a, b) => (a + b) >>> 0, 0), ms };
}

/** The same CPU-bound jobs, one after another on the main thread. */
function inlineHashes(): { check: number; ms: number } {
  const started = performance.now();
  let check = 0;
  for (let j = 0; j < JOBS; j++) check = (check + hashRounds(j + 1, ROUNDS)) >>> 0;
  return { check, ms: performance.now() - started };
}

/** Each contender's times (ms) in a row, or why it could not run. */
type Outcome = { times: number[] } | { failed: string };

/**
 * Runs one row: starts each contender's pool of `size`, warms it up, then
 * measures them round-robin `RUNS` times (`rounds` times each run);
 * `extra` is measured in the same rounds (the main thread's own time, for
 * the speed-up).
 */
async function row(
  size: number,
  measure: Measure,
  warm: (runner: Runner) => Promise<unknown>,
  expected: number,
  extra?: () => { check: number; ms: number },
  rounds = 1,
): Promise<{ outcomes: Outcome[]; extraTimes: number[] }> {
  const runners: (Runner | null)[] = [];
  const outcomes: Outcome[] = [];
  for (const contender of CONTENDERS) {
    try {
      const runner = await contender.start(size);
      await warm(runner);
      runners.push(runner);
      outcomes.push({ times: [] });
    } catch (error) {
      runners.push(null);
      outcomes.push({ failed: `could not run on Deno ${Deno.version.deno}: ${why(error)}` });
    }
  }
  const extraTimes: number[] = [];
  try {
    for (let run = 0; run < RUNS * rounds; run++) {
      for (const [i, runner] of runners.entries()) {
        const outcome = outcomes[i]!;
        if (runner === null || !("times" in outcome)) continue;
        try {
          const { check, ms } = await measure(runner);
          if (check !== expected) throw new Error(`wrong answer ${check}, expected ${expected}`);
          outcome.times.push(ms);
        } catch (error) {
          outcomes[i] = { failed: `failed on Deno ${Deno.version.deno}: ${why(error)}` };
        }
      }
      if (extra !== undefined) {
        const { check, ms } = extra();
        if (check !== expected) throw new Error(`inline: wrong answer ${check}`);
        extraTimes.push(ms);
      }
    }
  } finally {
    await Promise.all(runners.map((runner) => runner?.close().catch(() => {})));
  }
  return { outcomes, extraTimes };
}

function why(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function range(values: number[], digits: number): string {
  const format = (x: number) => x.toLocaleString("en", { maximumFractionDigits: digits });
  return `${format(Math.min(...values))}-${format(Math.max(...values))}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function loadAverage(): string {
  try {
    return `load average ${Deno.readTextFileSync("/proc/loadavg").trim()}`;
  } catch {
    return `load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`;
  }
}

/** Prints a row's table: `value` turns a time (ms) into the row's unit; higher is better if `up`. */
function report(
  title: string,
  unit: string,
  outcomes: Outcome[],
  value: (ms: number) => number,
  digits: number,
  up: boolean,
): (number | null)[] {
  const medians = outcomes.map((o) => ("times" in o ? median(o.times.map(value)) : null));
  const base = medians[0]!;
  const rows = CONTENDERS.map((contender, i) => {
    const outcome = outcomes[i]!;
    if (!("times" in outcome)) return [contender.name, outcome.failed, "", ""];
    const m = medians[i]!;
    const vs = up ? base / m : m / base;
    return [
      contender.name,
      m.toLocaleString("en", { maximumFractionDigits: digits }),
      range(outcome.times.map(value), digits),
      i === 0 ? "1.00x" : `${vs.toFixed(2)}x`,
    ];
  });
  console.log(`\n${title}\n`);
  console.log(table(["contender", `${unit} (median)`, "range", "weft's lead"], rows));
  return medians;
}

const format = (x: number) => x.toLocaleString("en");
console.log(`deno task bench:blocking${Deno.args.length ? ` ${Deno.args.join(" ")}` : ""}`);
console.log(
  `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores, ${RUNS} run${
    RUNS === 1 ? "" : "s"
  }, ${loadAverage()}`,
);
console.log(`("weft's lead": how many times better weft is; below 1.00x the peer is ahead)`);

const sum = (n: number) => (n * (n + 1)) / 2;
const warmTrips = async (runner: Runner) => {
  for (let i = 0; i < 300; i++) await runner.tiny(i);
};
const trips = await row(1, roundTrips, warmTrips, sum(TRIPS), undefined, TRIP_ROUNDS);
const tripUs = report(
  `1. Round trip: tiny jobs one at a time, pool of 1, ${RUNS * TRIP_ROUNDS} turns of ${
    format(TRIPS)
  } per contender (µs per job, lower is better)`,
  "µs/job",
  trips.outcomes,
  (ms) => (ms * 1000) / TRIPS,
  1,
  false,
);

const warmBurst = async (runner: Runner) => {
  for (let k = 0; k < 3; k++) {
    await Promise.all(Array.from({ length: 500 }, (_, i) => runner.tiny(i)));
  }
};
const bursts = await row(WORKERS, burst, warmBurst, sum(BURST));
const perSecond = report(
  `2. Throughput: ${
    format(BURST)
  } tiny jobs at once, pool of ${WORKERS} (jobs/s, higher is better)`,
  "jobs/s",
  bursts.outcomes,
  (ms) => (BURST * 1000) / ms,
  0,
  true,
);

const warmHash = (runner: Runner) =>
  Promise.all(Array.from({ length: WORKERS * 2 }, (_, j) => runner.hash(j, 1000)));
let expectedHash = 0;
for (let j = 0; j < JOBS; j++) expectedHash = (expectedHash + hashRounds(j + 1, ROUNDS)) >>> 0;
const cpu = await row(WORKERS, hashes, warmHash, expectedHash, inlineHashes);
const inlineMs = median(cpu.extraTimes);
const speedUps = report(
  `3. Speed-up: ${JOBS} CPU-bound jobs of ${format(ROUNDS)} hash rounds, pool of ${WORKERS}, ` +
    `over the main thread alone (median ${
      inlineMs.toFixed(0)
    } ms; higher is better, bound ${WORKERS}x)`,
  "speed-up",
  cpu.outcomes,
  (ms) => inlineMs / ms,
  2,
  true,
);

/** The best peer's median (not weft, not the hand-written floor). */
function bestPeer(medians: (number | null)[], up: boolean): [string, number] | null {
  let best: [string, number] | null = null;
  for (let i = 1; i < CONTENDERS.length - 1; i++) {
    const m = medians[i];
    if (m == null) continue;
    if (best === null || (up ? m > best[1] : m < best[1])) best = [CONTENDERS[i]!.name, m];
  }
  return best;
}

console.log("\nGoals (issue 17):");
const floor = perSecond[CONTENDERS.length - 1];
if (perSecond[0] != null && floor != null) {
  const ratio = perSecond[0] / floor;
  console.log(
    `- throughput >= 0.80x the hand-written floor: ${ratio.toFixed(2)}x ${
      ratio >= 0.8 ? "(met)" : "(missed)"
    }`,
  );
}
if (tripUs[0] != null && tripUs[1] != null) {
  const ratio = tripUs[0] / tripUs[1];
  console.log(
    `- round trip at or below piscina's: ${ratio.toFixed(2)}x piscina's ${
      ratio <= 1 ? "(met)" : "(missed)"
    }`,
  );
}
for (
  const [label, medians, up] of [
    ["round trip", tripUs, false],
    ["throughput", perSecond, true],
    ["speed-up", speedUps, true],
  ] as const
) {
  const best = bestPeer(medians, up);
  const own = medians[0];
  if (best === null || own == null) continue;
  const lead = up ? own / best[1] : best[1] / own;
  console.log(
    `- ${label} ahead of every peer: ${lead.toFixed(2)}x the best (${best[0]}) ${
      lead >= 1 ? "(met)" : "(missed)"
    }`,
  );
}
console.log(`\n${loadAverage()}`);
