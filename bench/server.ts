/**
 * Load benchmark of the chapter 21 server (issue 17): the latency of `/`
 * (p50, p99) with no load, then while `/hash` requests keep both cores busy,
 * once with the hashing on the server's pool and once inline on its main
 * thread. The claim to check: on the pool, `/`'s p99 under load stays within
 * 2x of its idle p99; inline, it does not.
 *
 * The server runs as a subprocess (`examples/web_server.ts --port 0`, with
 * `--inline` for the second mode), so the load generator (this process,
 * written with weft: a `JoinSet` of hashers stopped by a
 * `CancellationToken`) does not share the server's main thread. Counts are
 * bounded; it stops by itself.
 *
 * ```sh
 * deno task bench:server            # 3 runs of each mode, 1,000 requests to / per phase
 * deno task bench:server --quick    # 1 run, 200 requests: proves it still runs
 * ```
 *
 * @module
 */
import { CancellationToken, JoinSet } from "../task.ts";

const QUICK = Deno.args.includes("--quick");
/** Requests to `/` per phase, and how many are in flight at once. */
const PAGES = QUICK ? 200 : 1_000;
const PAGE_CONCURRENCY = 4;
/** `/hash` requests kept in flight (more than the 2 cores, so neither idles), and their rounds. */
const HASHERS = 4;
const ROUNDS = QUICK ? 2_000_000 : 5_000_000;
/** Runs of each mode, alternating; the table gives medians over runs. */
const RUNS = QUICK ? 1 : 3;

/** A running server subprocess. */
interface Child {
  port: number;
  process: Deno.ChildProcess;
}

async function startChild(inline: boolean): Promise<Child> {
  const url = new URL("../examples/web_server.ts", import.meta.url);
  const args = ["run", "-P=server", url.pathname, "--port", "0", ...(inline ? ["--inline"] : [])];
  const process = new Deno.Command("deno", {
    args,
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/127\.0\.0\.1:\d+/.test(out)) {
    const next = await reader.read();
    if (next.done) throw new Error(`Cannot start the server: it exited (${out})`);
    out += next.value;
  }
  // The server prints a line per request: keep reading so its pipe never fills.
  void (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  return { port: Number(/127\.0\.0\.1:(\d+)/.exec(out)![1]), process };
}

async function get(port: number, path: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  if (response.status !== 200) throw new Error(`Cannot GET ${path}: ${response.status}`);
  return await response.text();
}

/** Latencies of `PAGES` requests to `/`, `PAGE_CONCURRENCY` at a time, in ms. */
async function pageLatencies(port: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const set = new JoinSet<void>();
  for (let w = 0; w < PAGE_CONCURRENCY; w++) {
    set.spawn(async () => {
      while (next++ < PAGES) {
        const start = performance.now();
        await get(port, "/");
        latencies.push(performance.now() - start);
      }
    });
  }
  await set.joinAll();
  return latencies;
}

/** Keeps `HASHERS` `/hash` requests in flight until `stop` is cancelled; returns how many ended. */
function hashLoad(port: number, stop: CancellationToken): Promise<number[]> {
  const set = new JoinSet<number>();
  for (let h = 0; h < HASHERS; h++) {
    set.spawn(async () => {
      let done = 0;
      while (!stop.isCancelled) {
        await get(port, `/hash?rounds=${ROUNDS}`);
        done++;
      }
      return done;
    });
  }
  return set.joinAll();
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row {
  mode: string;
  idle: number[];
  loaded: number[];
  hashes: number;
}

async function measure(inline: boolean): Promise<Row> {
  const child = await startChild(inline);
  try {
    await pageLatencies(child.port); // warm-up
    const idle = await pageLatencies(child.port);
    const stop = new CancellationToken();
    const hashing = hashLoad(child.port, stop);
    await get(child.port, `/hash?rounds=${ROUNDS}`); // the load is up
    const loaded = await pageLatencies(child.port);
    stop.cancel();
    const hashes = (await hashing).reduce((a, b) => a + b, 0);
    return { mode: inline ? "inline (main thread)" : "pool (2 workers)", idle, loaded, hashes };
  } finally {
    child.process.kill("SIGTERM");
    await child.process.status;
  }
}

function ms(value: number): string {
  return value.toFixed(2);
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

const loadBefore = Deno.loadavg();
const runs: Row[][] = [];
for (let r = 0; r < RUNS; r++) runs.push([await measure(false), await measure(true)]);
const loadAfter = Deno.loadavg();
console.log(
  `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores; ${PAGES} requests to / per ` +
    `phase, ${PAGE_CONCURRENCY} at a time; load: ${HASHERS} /hash?rounds=${ROUNDS} in flight; ` +
    `medians of ${RUNS} runs`,
);
console.log(`load average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")}\n`);
console.log(
  "| /hash runs on        | idle p50 ms | idle p99 ms | loaded p50 ms | loaded p99 ms | p99 loaded/idle | within 2x |",
);
console.log(
  "|----------------------|-------------|-------------|---------------|---------------|-----------------|-----------|",
);
for (const mode of [0, 1]) {
  const of = (f: (row: Row) => number): number => median(runs.map((run) => f(run[mode]!)));
  const idle99 = of((row) => percentile(row.idle, 99));
  const loaded99 = of((row) => percentile(row.loaded, 99));
  const cells = [
    runs[0]![mode]!.mode.padEnd(20),
    ms(of((row) => percentile(row.idle, 50))),
    ms(idle99),
    ms(of((row) => percentile(row.loaded, 50))),
    ms(loaded99),
    `${(loaded99 / idle99).toFixed(1)}x`,
    loaded99 <= 2 * idle99 ? "yes" : "no",
  ];
  console.log(`| ${cells.join(" | ")} |`);
}
const ratios = runs.map((run) =>
  run.map((row) => (percentile(row.loaded, 99) / percentile(row.idle, 99)).toFixed(1) + "x")
);
console.log(`\n(p99 loaded/idle per run, pool then inline: ${ratios.join("; ")})`);
