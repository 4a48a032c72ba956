/**
 * The benchmark harness: contenders of one row run in the same process,
 * interleaved round-robin, each checked once before timing and on every
 * timed run; the median of the runs is reported.
 *
 * @module
 */

/** Who a contender is: weft, a peer library from npm, or a hand-written limit. */
export type Kind = "weft" | "peer" | "baseline";

/** One measured run: the contender's own result check and its metrics. */
export interface Sample {
  /** Must equal the contender's `expected` (a count or a sum computed by the consumer). */
  check: number;
  /** Named measurements, e.g. `{ ns: 53.1 }`. */
  metrics: Record<string, number>;
}

/** One contender of a row. */
export interface Contender {
  /** Printed name. */
  name: string;
  /** weft, peer or baseline. */
  kind: Kind;
  /** The check value a correct run returns. */
  expected: number;
  /** Runs the contender once. */
  measure(): Promise<Sample>;
  /** When set, the contender is not run and this reason is printed instead. */
  unavailable?: string;
  /** The reference figure for it, printed beside the measurement. */
  reference?: string;
}

/** The result of a contender over the runs. */
export interface Outcome {
  /** The contender. */
  contender: Contender;
  /** Median of each metric, or undefined when it could not be measured. */
  median: Record<string, number> | undefined;
  /** Every run's metrics. */
  runs: Record<string, number>[];
  /** Smallest and largest of each metric over the runs. */
  spread?: Record<string, [number, number]>;
  /** Why there is no median: unavailable, a failed check, or an error. */
  problem?: string;
}

const gcFunction = (globalThis as { gc?: () => void }).gc;

/** Whether `gc()` is exposed (`--v8-flags=--expose-gc`). */
export const canGc: boolean = typeof gcFunction === "function";

/** A full garbage collection when `gc()` is exposed; otherwise nothing. */
export function collectGarbage(): void {
  if (gcFunction !== undefined) {
    gcFunction();
    gcFunction();
  }
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Waits one macrotask, so timers, I/O and worker messages get a turn. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A contender whose whole body is timed: `body` does the work for `items`
 * items and returns its check value; the metric is `ns` per item.
 */
export function timed(
  name: string,
  kind: Kind,
  expected: number,
  items: number,
  body: () => Promise<number> | number,
  extra: Partial<Contender> = {},
): Contender {
  return {
    name,
    kind,
    expected,
    ...extra,
    async measure(): Promise<Sample> {
      const start = performance.now();
      const check = await body();
      const elapsed = performance.now() - start;
      return { check, metrics: { ns: (elapsed * 1e6) / items } };
    },
  };
}

/**
 * Runs every contender: one checked warm-up each, then `runs` rounds in which
 * every contender runs once (the starting contender rotates each round), with
 * a garbage collection before each run (unless `gcBeforeEach` is false).
 */
export async function runRow(
  contenders: readonly Contender[],
  runs: number,
  log: (line: string) => void,
  gcBeforeEach = true,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = contenders.map((contender) => ({
    contender,
    median: undefined,
    runs: [],
    ...(contender.unavailable !== undefined ? { problem: contender.unavailable } : {}),
  }));
  const live = () => outcomes.filter((o) => o.problem === undefined);
  const once = async (outcome: Outcome): Promise<Record<string, number> | undefined> => {
    const { contender } = outcome;
    if (gcBeforeEach) collectGarbage();
    await macrotask();
    try {
      const sample = await contender.measure();
      if (sample.check !== contender.expected) {
        outcome.problem = `WRONG RESULT: check ${sample.check}, expected ${contender.expected}`;
        return undefined;
      }
      return sample.metrics;
    } catch (error) {
      outcome.problem = `FAILED: ${error instanceof Error ? error.message : String(error)}`;
      return undefined;
    }
  };
  for (const outcome of live()) {
    log(`  check ${outcome.contender.name}`);
    await once(outcome);
  }
  for (let round = 0; round < runs; round++) {
    const order = live();
    log(`  round ${round + 1}/${runs}`);
    for (let k = 0; k < order.length; k++) {
      const outcome = order[(k + round) % order.length]!;
      if (outcome.problem !== undefined) continue;
      const metrics = await once(outcome);
      if (metrics !== undefined) outcome.runs.push(metrics);
    }
  }
  for (const outcome of outcomes) {
    if (outcome.problem !== undefined || outcome.runs.length === 0) continue;
    const keys = Object.keys(outcome.runs[0]!);
    outcome.median = Object.fromEntries(
      keys.map((key) => [key, median(outcome.runs.map((r) => r[key]!))]),
    );
    outcome.spread = Object.fromEntries(keys.map((key) => {
      const values = outcome.runs.map((r) => r[key]!);
      return [key, [Math.min(...values), Math.max(...values)]];
    }));
  }
  return outcomes;
}

/** Formats a number with a precision that suits its size. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString("en-US");
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `weft / peer` as a ratio, with `peer / weft` beside it when weft is faster. */
export function ratio(weft: number, peer: number): string {
  const r = weft / peer;
  if (!Number.isFinite(r)) return "-";
  if (r >= 1) return `${r.toFixed(2)}x`;
  return `${r.toFixed(2)}x (${fmt(1 / r)}x faster)`;
}

/** Renders rows of cells as an aligned plain-text table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The machine line: Deno and V8 versions, CPU model, cores, memory, load. */
export function machine(): string[] {
  let cpu = "unknown CPU";
  let cores = navigator.hardwareConcurrency;
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpu;
    cores = info.match(/^processor\s*:/gm)?.length ?? cores;
  } catch {
    // Not Linux: keep navigator's count.
  }
  const memory = Deno.systemMemoryInfo();
  return [
    `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ${Deno.build.target}`,
    `CPU: ${cpu}, ${cores} cores; ${(memory.total / 2 ** 30).toFixed(1)} GiB RAM`,
    `load average at start: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  ];
}

/** A target of the issue, evaluated against a measurement. */
export interface TargetResult {
  /** What the issue asks. */
  text: string;
  /** The measurement and its comparison. */
  measured: string;
  /** true met, false missed, undefined not measurable. */
  met: boolean | undefined;
}

/** Prints a row's target lines. */
export function targetLines(results: readonly TargetResult[]): string[] {
  return results.map((r) => {
    const mark = r.met === undefined ? "n/a " : r.met ? "MET " : "MISS";
    return `  [${mark}] ${r.text}: ${r.measured}`;
  });
}

/** Reads `source` with `for await`, checking it is 0, 1, 2, ...; returns the count, or -1 if out of order. */
export async function drainInOrder(source: AsyncIterable<number>): Promise<number> {
  let expected = 0;
  let bad = 0;
  for await (const x of source) {
    if (x !== expected) bad++;
    expected++;
  }
  return bad === 0 ? expected : -1;
}

/** What {@linkcode observableToAsyncIterable} needs of an Observable (RxJS's shape). */
export interface Subscribable<T> {
  subscribe(observer: {
    next(value: T): void;
    error(error: unknown): void;
    complete(): void;
  }): { unsubscribe(): void };
}

/**
 * A minimal Observable -> AsyncIterable adapter, the peers' way to `for await`
 * an RxJS `Subject`: subscribes at once (a Subject is hot), buffers in an
 * array (emptied whenever read to its end), an async generator drains it.
 */
export function observableToAsyncIterable<T>(observable: Subscribable<T>): AsyncIterable<T> {
  const buffer: T[] = [];
  let head = 0;
  let done = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const subscription = observable.subscribe({
    next(value) {
      buffer.push(value);
      notify();
    },
    error(error) {
      failure = { error };
      notify();
    },
    complete() {
      done = true;
      notify();
    },
  });
  return (async function* () {
    try {
      for (;;) {
        if (head < buffer.length) {
          const value = buffer[head]!;
          buffer[head++] = undefined as T;
          if (head === buffer.length) buffer.length = head = 0;
          yield value;
        } else if (failure !== undefined) {
          throw failure.error;
        } else if (done) {
          return;
        } else {
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
    } finally {
      subscription.unsubscribe();
    }
  })();
}
