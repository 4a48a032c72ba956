/**
 * Benchmark of `spawnBlocking`'s pool (issue 8), separate from `bench/run.ts`:
 *
 * 1. Speed-up: the same CPU-bound jobs (a hand-written hash loop) on pools of
 *    1, 2 and all cores, against the time on one worker. Aim: at least 0.9x
 *    the number of workers. A hand-written split over web Workers (one
 *    message per worker, no scheduling) is the limit beside it.
 * 2. Round trip: a tiny job (`x + 1`) spawned and awaited one at a time, on a
 *    pool of one, against a hand-written `postMessage` round trip to one web
 *    Worker (and to one `node:worker_threads` Worker, the kind the pool uses).
 *    Aim: within 1.5x of the web Worker.
 *
 * Contenders of a table run in the same process, interleaved round-robin,
 * after a warm-up; each is checked (the hash, the sum of the answers); the
 * table gives the median and the range of the runs (and, for round trips,
 * the ratio of the best runs, which other processes on the cores disturb
 * least).
 *
 * ```sh
 * deno run bench/blocking.ts              # 5 runs
 * deno run bench/blocking.ts --runs=9
 * deno run bench/blocking.ts --quick      # 1 run, small sizes: proves it still runs
 * ```
 *
 * No permission is needed; with `--allow-sys` the load average is printed
 * too. Other processes on the cores lower the speed-up: the "cores got"
 * columns (this process's CPU time over wall time) show how much of the
 * machine each measurement had.
 *
 * Measured on the development machine (2 vCPUs, Deno 2.9.6, `--runs=7`, in
 * a quiet moment of a shared machine: cores got 1.00 and 1.92):
 *
 * | workers | weft ms | speed-up | efficiency | hand-written split ms | split speed-up |
 * |---------|---------|----------|------------|-----------------------|----------------|
 * | 1       | 787     | 1.00x    | 1.00       | 826                   | 1.00x          |
 * | 2       | 411     | 1.92x    | 0.96       | 405                   | 2.04x          |
 *
 * | round trip of `x + 1`                    | us (median) | vs web Worker | best vs best |
 * |------------------------------------------|-------------|---------------|--------------|
 * | hand-written postMessage, web Worker     | 40.8        | 1.00x         | 1.00x        |
 * | hand-written postMessage, node Worker    | 39.5        | 0.97x         | 0.88x        |
 * | weft `spawn` + await, pool of 1          | 46.7        | 1.14x         | 1.09x        |
 *
 * @module
 */
import process from "node:process";
import { Worker as NodeWorker } from "node:worker_threads";
import { type BlockingContext, BlockingPool } from "../blocking.ts";

const args = new Map(
  Deno.args.map((arg) => arg.replace(/^--/, "").split("=") as [string, string | undefined]),
);
const QUICK = args.has("quick");
const RUNS = Number(args.get("runs") ?? (QUICK ? 1 : 5));
const CORES = navigator.hardwareConcurrency;
/** CPU-bound jobs per measurement, and the hash rounds of each. */
const JOBS = QUICK ? 4 : 8 * CORES;
const ROUNDS = QUICK ? 200_000 : 20_000_000;
/** Round trips per measurement. */
const TRIPS = QUICK ? 200 : 10_000;

/** The CPU-bound job: xorshift and FNV-1a, `rounds` times; self-contained. */
function hashJob(_ctx: BlockingContext | null, seed: number, rounds: number): number {
  let x = seed | 1;
  let h = 0x811c9dc5;
  for (let i = 0; i < rounds; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    h = Math.imul(h ^ (x & 0xff), 0x01000193);
  }
  return h >>> 0;
}

/** The expected answer of the CPU-bound jobs: computed here once. */
function expectedHashes(): number {
  let sum = 0;
  for (let j = 0; j < JOBS; j++) sum = (sum + hashJob(null, j + 1, ROUNDS)) >>> 0;
  return sum;
}

/** One contender: measures once, returns its check value and its time. */
interface Contender {
  name: string;
  setUp(): Promise<void>;
  measure(): Promise<{ check: number; ms: number }>;
  tearDown(): Promise<void>;
}

function poolContender(size: number): Contender {
  let pool: BlockingPool;
  return {
    name: `weft BlockingPool, ${size} worker${size === 1 ? "" : "s"}`,
    async setUp() {
      pool = new BlockingPool({ size });
      // Starts every worker and compiles the job in each.
      await Promise.all(Array.from({ length: size * 2 }, (_, j) => pool.spawn(hashJob, j, 1000)));
    },
    async measure() {
      const started = performance.now();
      const hashes = await Promise.all(
        Array.from({ length: JOBS }, (_, j) => pool.spawn(hashJob, j + 1, ROUNDS)),
      );
      const ms = performance.now() - started;
      return { check: hashes.reduce((a, b) => (a + b) >>> 0, 0), ms };
    },
    tearDown: () => pool.shutdown(),
  };
}

/** The limit: `size` web Workers, each sent its share of the jobs in one message. */
function splitContender(size: number): Contender {
  const source = `const hashJob = ${hashJob.toString()};
self.onmessage = (e) => {
  const [seeds, rounds] = e.data;
  postMessage(seeds.map((seed) => hashJob(null, seed, rounds)));
};`;
  let workers: Worker[] = [];
  const ask = (worker: Worker, seeds: number[], rounds: number) =>
    new Promise<number[]>((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.postMessage([seeds, rounds]);
    });
  return {
    name: `hand-written split, ${size} web Worker${size === 1 ? "" : "s"}`,
    async setUp() {
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      workers = Array.from({ length: size }, () => new Worker(url, { type: "module" }));
      await Promise.all(workers.map((worker) => ask(worker, [1, 2], 1000)));
    },
    async measure() {
      const started = performance.now();
      const shares = workers.map((_, w) =>
        Array.from({ length: JOBS }, (_, j) => j + 1).filter((_, j) => j % size === w)
      );
      const answers = await Promise.all(workers.map((w, i) => ask(w, shares[i]!, ROUNDS)));
      const ms = performance.now() - started;
      return { check: answers.flat().reduce((a, b) => (a + b) >>> 0, 0), ms };
    },
    tearDown() {
      for (const worker of workers) worker.terminate();
      return Promise.resolve();
    },
  };
}

/** Sequential round trips through `once`, timed. */
async function trips(once: (x: number) => Promise<number>): Promise<{ check: number; ms: number }> {
  let check = 0;
  const started = performance.now();
  for (let i = 0; i < TRIPS; i++) check += await once(i);
  return { check, ms: performance.now() - started };
}

function poolTripContender(): Contender {
  let pool: BlockingPool;
  const tiny = (_ctx: BlockingContext, x: number) => x + 1;
  return {
    name: "weft spawn + await, pool of 1",
    async setUp() {
      pool = new BlockingPool({ size: 1 });
      for (let i = 0; i < 500; i++) await pool.spawn(tiny, i);
    },
    measure: () => trips((x) => Promise.resolve(pool.spawn(tiny, x))),
    tearDown: () => pool.shutdown(),
  };
}

function webTripContender(): Contender {
  let worker: Worker;
  let resolve: (value: number) => void = () => {};
  const once = (x: number) =>
    new Promise<number>((r) => {
      resolve = r;
      worker.postMessage(x);
    });
  return {
    name: "hand-written postMessage, web Worker",
    async setUp() {
      const source = "self.onmessage = (e) => postMessage(e.data + 1);";
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      worker = new Worker(url, { type: "module" });
      worker.onmessage = (event) => resolve(event.data);
      for (let i = 0; i < 500; i++) await once(i);
    },
    measure: () => trips(once),
    tearDown() {
      worker.terminate();
      return Promise.resolve();
    },
  };
}

function nodeTripContender(): Contender {
  let worker: NodeWorker;
  let resolve: (value: number) => void = () => {};
  const once = (x: number) =>
    new Promise<number>((r) => {
      resolve = r;
      worker.postMessage(x);
    });
  return {
    name: "hand-written postMessage, node:worker_threads",
    async setUp() {
      const source = `const { parentPort } = require("node:worker_threads");
parentPort.on("message", (x) => parentPort.postMessage(x + 1));`;
      worker = new NodeWorker(source, { eval: true });
      worker.on("message", (value: number) => resolve(value));
      for (let i = 0; i < 500; i++) await once(i);
    },
    measure: () => trips(once),
    async tearDown() {
      await worker.terminate();
    },
  };
}

/** Each contender's times (ms), and the cores this process got while it ran (CPU time / wall time). */
interface Measured {
  times: number[][];
  cores: number[][];
}

/** Runs the contenders round-robin, each checked on every run. */
async function race(contenders: Contender[], expected: number): Promise<Measured> {
  const measured: Measured = { times: contenders.map(() => []), cores: contenders.map(() => []) };
  for (const contender of contenders) await contender.setUp();
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const [i, contender] of contenders.entries()) {
        const cpu = process.cpuUsage();
        const { check, ms } = await contender.measure();
        const used = process.cpuUsage(cpu);
        if (check !== expected) {
          throw new Error(`${contender.name}: wrong answer ${check}, expected ${expected}`);
        }
        measured.times[i]!.push(ms);
        measured.cores[i]!.push((used.user + used.system) / 1000 / ms);
      }
    }
  } finally {
    for (const contender of contenders) await contender.tearDown();
  }
  return measured;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function range(values: number[], digits: number): string {
  return `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

async function speedUp(): Promise<void> {
  const sizes = [...new Set([1, 2, CORES])];
  const contenders = sizes.flatMap((size) => [poolContender(size), splitContender(size)]);
  const measured = await race(contenders, expectedHashes());
  const times = measured.times.map(median);
  const cores = measured.cores.map(median);
  const [pool1, split1] = [times[0]!, times[1]!];
  const rows = sizes.map((size, i) => {
    const [pool, split] = [times[2 * i]!, times[2 * i + 1]!];
    return [
      String(size),
      pool.toFixed(0),
      `${(pool1 / pool).toFixed(2)}x`,
      (pool1 / pool / size).toFixed(2),
      cores[2 * i]!.toFixed(2),
      split.toFixed(0),
      `${(split1 / split).toFixed(2)}x`,
      cores[2 * i + 1]!.toFixed(2),
      `${(pool / split).toFixed(2)}x`,
    ];
  });
  console.log(
    `\n${JOBS} CPU-bound jobs of ${ROUNDS.toLocaleString("en")} hash rounds, median ms ` +
      `(aim: weft's efficiency, speed-up / workers, >= 0.90)\n`,
  );
  const header = [
    "workers",
    "weft ms",
    "weft speed-up",
    "efficiency",
    "cores got",
    "hand-written split ms",
    "split speed-up",
    "cores got",
    "weft / split",
  ];
  console.log(table(header, rows));
  const short = sizes.some((size, i) => cores[2 * i]! < 0.9 * size);
  if (short) {
    console.log(
      "\nOther processes held part of the cores (cores got: this process's CPU time / wall " +
        "time, workers and main thread together): the speed-ups above are bounded by it.",
    );
  }
}

async function roundTrip(): Promise<void> {
  const contenders = [webTripContender(), nodeTripContender(), poolTripContender()];
  const expected = (TRIPS * (TRIPS + 1)) / 2;
  const { times } = await race(contenders, expected);
  const perTrip = times.map((ms) => ms.map((t) => (t * 1000) / TRIPS));
  const [base, baseBest] = [median(perTrip[0]!), Math.min(...perTrip[0]!)];
  const rows = contenders.map((contender, i) => [
    contender.name,
    median(perTrip[i]!).toFixed(1),
    range(perTrip[i]!, 1),
    `${(median(perTrip[i]!) / base).toFixed(2)}x`,
    `${(Math.min(...perTrip[i]!) / baseBest).toFixed(2)}x`,
  ]);
  console.log(
    `\n${TRIPS.toLocaleString("en")} sequential round trips of a tiny job ` +
      `(aim: weft within 1.50x of the web Worker)\n`,
  );
  const header = ["contender", "us/trip (median)", "range", "vs web Worker", "best vs best"];
  console.log(table(header, rows));
}

function loadAverage(): string {
  const state = Deno.permissions.querySync({ name: "sys", kind: "loadavg" }).state;
  if (state !== "granted") return "(load average: run with --allow-sys)";
  return `load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`;
}

console.log(`deno run bench/blocking.ts${Deno.args.length ? ` ${Deno.args.join(" ")}` : ""}`);
console.log(
  `Deno ${Deno.version.deno}, ${CORES} cores, ${RUNS} run${RUNS === 1 ? "" : "s"}, ` +
    loadAverage(),
);
await speedUp();
await roundTrip();
console.log(`\n${loadAverage()}`);
