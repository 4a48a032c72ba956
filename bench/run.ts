/**
 * weft's benchmark suite (issue 5): every row of the issue's table, with weft,
 * its npm peers and hand-written baselines in the same process, interleaved
 * round-robin, each checked, median of the runs.
 *
 * ```sh
 * deno task bench         # N = 1,000,000, median of 5
 * deno task bench:quick   # N = 10,000, 1 run: proves the benchmarks still run
 * deno run -A --v8-flags=--expose-gc,--max-old-space-size=8192 bench/run.ts --rows=1,2 --runs=3
 * ```
 *
 * Options: `--quick`, `--n=N` (items, rows 1-3; acquisitions, row 6; at most 100,000 in
 * rows 9 and 11, 2,000 in row 10; quick: 2,000, 200, 2,000), `--tasks=N` (row 4),
 * `--group-tasks=N` (rows 7 and 12), `--n=N` also sets row 8's values,
 * `--runs=R`, `--rows=1,2,...`. Exits with 1 if a contender failed its check.
 *
 * @module
 */
import { channelContenders } from "./row1_channel.ts";
import { pipelineContenders } from "./row2_pipeline.ts";
import { threadContenders } from "./row3_thread.ts";
import { SLEEP_MS, taskContenders } from "./row4_tasks.ts";
import { workerContenders } from "./row5_worker.ts";
import { contendedContenders, LOOPS, PERMITS, uncontendedContenders } from "./row6_semaphore.ts";
import { joinSetContenders } from "./row7_join_set.ts";
import { broadcastContenders, CHUNK, SUBSCRIBERS } from "./row8_broadcast.ts";
import { concurrencyContenders, mergeAllContenders, timerContenders } from "./row9_concurrency.ts";
import { taskCostContenders } from "./row12_task_cost.ts";
import {
  canGc,
  type Contender,
  fmt,
  machine,
  type Outcome,
  ratio,
  runRow,
  table,
  targetLines,
  type TargetResult,
} from "./_harness.ts";

interface Options {
  quick: boolean;
  n: number;
  tasks: number;
  groupTasks: number;
  runs: number;
  rows: Set<number>;
}

function parseOptions(args: readonly string[]): Options {
  const quick = args.includes("--quick");
  const value = (name: string): string | undefined =>
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const count = (name: string, fallback: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const parsed = Number(text.replaceAll("_", ""));
    if (!Number.isInteger(parsed) || parsed < 1) throw new RangeError(`--${name}: ${text}`);
    return parsed;
  };
  const rowsText = value("rows");
  return {
    quick,
    n: count("n", quick ? 10_000 : 1_000_000),
    tasks: count("tasks", quick ? 10_000 : 1_000_000),
    groupTasks: count("group-tasks", quick ? 10_000 : 100_000),
    runs: count("runs", quick ? 1 : 5),
    rows: new Set(
      rowsText === undefined
        ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        : rowsText.split(",").map(Number),
    ),
  };
}

const options = parseOptions(Deno.args);
const out = (line = "") => console.log(line);
const progress = (line: string) => {
  if (!Deno.stderr.isTerminal()) return;
  Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[K${line}`));
};
let failed = false;

/** Prints an outcome table with one ratio column per weft contender. */
function report(
  outcomes: readonly Outcome[],
  columns: readonly { key: string; title: string; format?: (v: number) => string }[],
  ratioKey: string,
): void {
  const wefts = outcomes.filter((o) => o.contender.kind === "weft");
  const header = [
    "contender",
    columns[0]!.title,
    "min-max",
    ...columns.slice(1).map((c) => c.title),
    "issue",
    ...wefts.map((w) => `${w.contender.name.replace(/^weft: /, "weft ")} / this`),
  ];
  const rows = outcomes.map((o) => {
    const name = `${o.contender.kind === "peer" ? "[peer] " : ""}${o.contender.name}`;
    const reference = o.contender.reference ?? "";
    if (o.median === undefined) {
      if (!(o.problem ?? "").startsWith("not available")) failed = true;
      return [name, ...columns.map(() => "-"), "-", reference, ...wefts.map(() => "")];
    }
    const m = o.median;
    return [
      name,
      (columns[0]!.format ?? fmt)(m[columns[0]!.key]!),
      spreadOf(o, columns[0]!),
      ...columns.slice(1).map((c) => (c.format ?? fmt)(m[c.key]!)),
      reference,
      ...wefts.map((w) =>
        w === o || w.median === undefined ? "" : ratio(w.median[ratioKey]!, m[ratioKey]!)
      ),
    ];
  });
  out(table(header, rows));
  for (const o of outcomes) {
    if (o.problem !== undefined) out(`  ${o.contender.name}: ${o.problem}`);
  }
}

/** The first column's smallest and largest run. */
function spreadOf(o: Outcome, column: { key: string; format?: (v: number) => string }): string {
  const range = o.spread?.[column.key];
  if (range === undefined || o.runs.length < 2) return "";
  const format = column.format ?? fmt;
  return `${format(range[0])}-${format(range[1])}`;
}

function find(outcomes: readonly Outcome[], name: string): Outcome {
  const found = outcomes.find((o) => o.contender.name === name);
  if (found === undefined) throw new Error(`no contender ${name}`);
  return found;
}

/** `weft <= factor * other` on `key`. */
function atMostTimes(
  text: string,
  weft: Outcome,
  other: Outcome,
  factor: number,
  key = "ns",
): TargetResult {
  if (weft.median === undefined || other.median === undefined) {
    return { text, measured: "not measured", met: undefined };
  }
  const w = weft.median[key]!;
  const o = other.median[key]!;
  return {
    text,
    measured: `${fmt(w)} vs ${fmt(o)}: ${(w / o).toFixed(2)}x`,
    met: w <= factor * o,
  };
}

/** `weft <= limit` on `key`. */
function atMost(text: string, weft: Outcome, limit: number, key = "ns", unit = "ns"): TargetResult {
  if (weft.median === undefined) return { text, measured: "not measured", met: undefined };
  const w = weft.median[key]!;
  return {
    text,
    measured: `${fmt(w)} ${unit} (${(w / limit).toFixed(2)}x the target)`,
    met: w <= limit,
  };
}

/** The fastest weft contender against the fastest peer library on `key`. */
function versusPeers(outcomes: readonly Outcome[], key = "ns"): TargetResult {
  const best = (kind: string) =>
    outcomes
      .filter((o) => o.contender.kind === kind && o.median !== undefined)
      .sort((a, b) => a.median![key]! - b.median![key]!)[0];
  const weft = best("weft");
  const peer = best("peer");
  const text = "weft faster than every peer library";
  if (weft === undefined || peer === undefined) {
    return { text, measured: "not measured", met: undefined };
  }
  return {
    text,
    measured: `best weft (${weft.contender.name}) ${
      fmt(weft.median![key]!)
    } vs best peer (${peer.contender.name}) ${fmt(peer.median![key]!)}: ${
      ratio(weft.median![key]!, peer.median![key]!)
    }`,
    met: weft.median![key]! <= peer.median![key]!,
  };
}

async function row(
  title: string,
  contenders: Contender[],
): Promise<Outcome[]> {
  out();
  out(`== ${title}`);
  const start = performance.now();
  // Quick mode skips the full gc() before each run (about 0.1 s each); row 4 still collects.
  const outcomes = await runRow(contenders, options.runs, progress, !options.quick);
  progress("");
  out(`   (${((performance.now() - start) / 1000).toFixed(1)} s)`);
  return outcomes;
}

const n = options.n;
const runsText = options.runs === 1 ? "1 run" : `median of ${options.runs}`;
out(
  `weft benchmarks${options.quick ? " (quick mode: proves they run; figures mean nothing)" : ""}`,
);
for (const line of machine()) out(line);
out(
  `command: deno run -A --v8-flags=--expose-gc,--max-old-space-size=8192 bench/run.ts ${
    Deno.args.join(" ")
  }`.trimEnd(),
);
out(
  `N = ${
    n.toLocaleString("en-US")
  }, ${runsText}, contenders interleaved round-robin in one process`,
);
out(`"weft X / this" = weft's figure divided by this contender's: below 1x weft is faster.`);
out(
  `"min-max" = the first figure's smallest and largest run; "issue" = the issue's figure for it.`,
);
if (!canGc) out("warning: gc() is not exposed (--v8-flags=--expose-gc); heap figures are rough");

let taskBytes: number | undefined;

if (options.rows.has(1)) {
  const outcomes = await row(
    `Row 1: unbounded channel, producer sends N, then the consumer drains (ns per item)`,
    channelContenders(n),
  );
  report(outcomes, [{ key: "ns", title: "ns/item" }], "ns");
  const queue = find(outcomes, "hand-written minimal queue");
  for (
    const line of targetLines([
      atMostTimes(
        "weft for await over a Receiver <= 1.0x the hand-written queue",
        find(outcomes, "weft: for await over a Receiver"),
        queue,
        1.0,
      ),
      atMost(
        "weft's own pipeline Stream.from(rx).forEach <= 20 ns",
        find(outcomes, "weft: Stream.from(rx).forEach"),
        20,
      ),
      versusPeers(outcomes),
    ])
  ) out(line);
}

if (options.rows.has(2)) {
  const limit = Math.floor(n / 4);
  const outcomes = await row(
    `Row 2: array of N -> map(x*2) -> filter(x%3==0) -> take(N/4) -> consume (ns per source item; N/4 = ${
      limit.toLocaleString("en-US")
    } items come out)`,
    pipelineContenders(n),
  );
  for (const o of outcomes) {
    if (o.median !== undefined) o.median["perOut"] = (o.median["ns"]! * n) / Math.max(1, limit);
  }
  report(outcomes, [
    { key: "ns", title: "ns/source item" },
    { key: "perOut", title: "ns/item out" },
  ], "ns");
  const single = find(outcomes, "one hand-written async generator");
  for (
    const line of targetLines([
      atMost("weft forEach <= 20 ns per item", find(outcomes, "weft: forEach"), 20),
      atMost("weft toArray <= 20 ns per item", find(outcomes, "weft: toArray"), 20),
      atMostTimes(
        "weft for await <= 1.2x the single hand-written async generator",
        find(outcomes, "weft: for await"),
        single,
        1.2,
      ),
      versusPeers(outcomes),
    ])
  ) out(line);
}

if (options.rows.has(3)) {
  const outcomes = await row(
    "Row 3: Worker -> main thread, N values consumed by async code item by item (a fresh Worker per run)",
    threadContenders(n),
  );
  report(outcomes, [
    { key: "ns", title: "ns/item (first->last)" },
    { key: "totalMs", title: "total ms (with Worker start)" },
  ], "ns");
  const weftNumbers = find(outcomes, "weft: spawnThread, numbers");
  const perItem = find(outcomes, "one postMessage per item");
  const speedup: TargetResult = weftNumbers.median === undefined || perItem.median === undefined
    ? {
      text: "weft numbers >= 35x faster than one postMessage per item",
      measured: "not measured",
      met: undefined,
    }
    : {
      text: "weft numbers >= 35x faster than one postMessage per item",
      measured: `${(perItem.median["ns"]! / weftNumbers.median["ns"]!).toFixed(1)}x`,
      met: perItem.median["ns"]! >= 35 * weftNumbers.median["ns"]!,
    };
  for (
    const line of targetLines([
      atMost("weft numbers <= 50 ns per number", weftNumbers, 50),
      speedup,
      atMostTimes(
        "weft objects within 1.5x of batched postMessage of arrays of objects",
        find(outcomes, "weft: spawnThread, objects {i, s}"),
        find(outcomes, "objects {i, s}: batched arrays (1024)"),
        1.5,
      ),
    ])
  ) out(line);
}

if (options.rows.has(4)) {
  const count = options.tasks;
  const outcomes = await row(
    `Row 4: ${
      count.toLocaleString("en-US")
    } concurrent tasks, each awaiting a ${SLEEP_MS} ms sleep (real time)`,
    taskContenders(count),
  );
  report(outcomes, [
    { key: "bytes", title: "heap B/task" },
    { key: "us", title: "µs/spawn", format: (v) => v.toFixed(2) },
    { key: "totalMs", title: "ms to all done (incl. gc)" },
  ], "bytes");
  const weft = find(outcomes, "weft: spawnTask + sleep");
  taskBytes = weft.median?.["bytes"];
  out("  (the ratio column compares heap bytes per task)");
  for (
    const line of targetLines([
      atMost("weft <= 700 B heap per task", weft, 700, "bytes", "B"),
      atMost("weft <= 1.5 µs per spawn", weft, 1.5, "us", "µs"),
    ])
  ) out(line);
}

if (options.rows.has(5)) {
  const outcomes = await row("Row 5: one idle Deno Worker", workerContenders());
  report(outcomes, [
    { key: "mb", title: "RSS MB" },
    { key: "ms", title: "ms to first message" },
  ], "mb");
  const worker = outcomes[0]!.median;
  if (worker !== undefined && taskBytes !== undefined && taskBytes > 0) {
    const tasks = (worker["mb"]! * 2 ** 20) / taskBytes;
    out(
      `  millions of tasks, not threads: one idle Worker (${
        fmt(worker["mb"]!)
      } MB RSS) costs as much memory as ${
        Math.round(tasks).toLocaleString("en-US")
      } sleeping weft tasks (${fmt(taskBytes)} B of heap each, row 4)`,
    );
  }
}

if (options.rows.has(6)) {
  for (
    const [title, contenders] of [
      [`uncontended: one loop, ${PERMITS} permits`, uncontendedContenders(n)],
      [`contended: ${LOOPS} loops share ${PERMITS} permits`, contendedContenders(n)],
    ] as const
  ) {
    const outcomes = await row(
      `Row 6: Semaphore acquire + release, ${title} (ns per acquisition)`,
      contenders,
    );
    report(outcomes, [{ key: "ns", title: "ns/acquire" }], "ns");
    for (const line of targetLines([versusPeers(outcomes)])) out(line);
  }
}

if (options.rows.has(7)) {
  const count = options.groupTasks;
  const outcomes = await row(
    `Row 7: a task group: ${
      count.toLocaleString("en-US")
    } async tasks started at once, collected as they finish (ns per task)`,
    joinSetContenders(count),
  );
  report(outcomes, [{ key: "ns", title: "ns/task" }], "ns");
  for (const line of targetLines([versusPeers(outcomes)])) out(line);
}

if (options.rows.has(8)) {
  for (
    const [title, paced] of [
      ["burst: N sent, then drained", false],
      [`paced: a macrotask after every ${CHUNK} sends`, true],
    ] as const
  ) {
    const outcomes = await row(
      `Row 8: broadcast to ${SUBSCRIBERS} subscribers, each reading with for await, ${title} (ns per value sent)`,
      broadcastContenders(n, paced),
    );
    report(outcomes, [{ key: "ns", title: "ns/value" }], "ns");
    for (const line of targetLines([versusPeers(outcomes)])) out(line);
  }
}

if (options.rows.has(9)) {
  // Effect takes about 150 us per item here: quick mode keeps the row to a second or two.
  const items = options.quick ? 2_000 : Math.min(n, 100_000);
  const outcomes = await row(
    `Row 9: ${
      items.toLocaleString("en-US")
    } items through an async function that resolves at once, at most 8 in flight (ns per item)`,
    concurrencyContenders(items),
  );
  report(outcomes, [{ key: "ns", title: "ns/item" }], "ns");
  const floor = find(outcomes, "hand-written limiter");
  for (
    const line of targetLines([
      versusPeers(outcomes),
      atMostTimes(
        "weft mapAsync unordered <= 1.5x the hand-written limiter",
        find(outcomes, "weft: mapAsync unordered"),
        floor,
        1.5,
      ),
      atMostTimes(
        "weft mapAsync ordered <= 1.5x the hand-written limiter",
        find(outcomes, "weft: mapAsync ordered"),
        floor,
        1.5,
      ),
    ])
  ) out(line);
}

if (options.rows.has(10)) {
  const items = options.quick ? 200 : Math.min(n, 2_000);
  const ideal = items / 50;
  const outcomes = await row(
    `Row 10: ${
      items.toLocaleString("en-US")
    } items, a real 1 ms timer each, at most 50 in flight (wall ms; ideal ${ideal} ms)`,
    timerContenders(items),
  );
  report(outcomes, [{ key: "ms", title: "wall ms" }], "ms");
  for (
    const line of targetLines([
      versusPeers(outcomes, "ms"),
      atMost(
        "weft mapAsync unordered against the ideal N/50 ms",
        find(outcomes, "weft: mapAsync unordered"),
        ideal * 1.5,
        "ms",
        "ms",
      ),
    ])
  ) out(line);
}

if (options.rows.has(11)) {
  const items = options.quick ? 2_000 : Math.min(n, 100_000);
  const outcomes = await row(
    `Row 11: Stream.mergeAll of 16 streams, ${
      items.toLocaleString("en-US")
    } numbers in all (ns per item)`,
    mergeAllContenders(items),
  );
  report(outcomes, [{ key: "ns", title: "ns/item" }], "ns");
  for (const line of targetLines([versusPeers(outcomes)])) out(line);
}

if (options.rows.has(12)) {
  const count = options.groupTasks;
  const outcomes = await row(
    `Row 12: a task beside a plain async function, ${
      count.toLocaleString("en-US")
    } of them, each awaiting a promise (ns per task, spawn to result; heap B per task while they wait)`,
    taskCostContenders(count),
  );
  report(outcomes, [
    { key: "ns", title: "ns/task" },
    { key: "bytes", title: "heap B/task" },
  ], "ns");
  const plain = find(outcomes, "plain async function, awaited");
  const weft = find(outcomes, "weft: spawnTask, handle awaited");
  const all = find(outcomes, "plain async functions, Promise.all");
  const joined = find(outcomes, "weft: spawnTask handles, joinAll");
  const added = (a: Outcome, b: Outcome): number | undefined =>
    a.median === undefined || b.median === undefined
      ? undefined
      : a.median["ns"]! - b.median["ns"]!;
  const allAdds = added(all, plain);
  const joinAllAdds = added(joined, weft);
  for (
    const line of targetLines([
      atMostTimes("weft spawnTask + await within 2x a plain async function", weft, plain, 2),
      atMostTimes(
        "weft spawnTask heap within 1.5x a plain async function",
        weft,
        plain,
        1.5,
        "bytes",
      ),
      allAdds === undefined || joinAllAdds === undefined
        ? {
          text: "joinAll adds no more than Promise.all adds",
          measured: "not measured",
          met: undefined,
        }
        : {
          text: "joinAll adds no more than Promise.all adds",
          measured: `joinAll ${fmt(joinAllAdds)} ns over awaiting each handle, Promise.all ${
            fmt(allAdds)
          } ns over awaiting each promise`,
          met: joinAllAdds <= Math.max(allAdds, 0) * 1.1 + 5,
        },
    ])
  ) out(line);
}

out();
out(`load average at end: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
if (failed) {
  out("FAILED: a contender failed its check or threw (see above)");
  Deno.exit(1);
}
Deno.exit(0);
