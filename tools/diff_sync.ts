/**
 * Differential fuzzing of weft's `Semaphore` against real tokio: random
 * "semaphore" scenarios (`tools/_semaphore_scenario.ts`), each run through the
 * reference runner (`tools/tokio_ref`, tokio 1.24 on tokio's paused clock) and
 * through weft under `TestClock`; the timelines (who acquired, gave up, was
 * refused, released, at which virtual ms, in which order) are compared byte
 * for byte.
 *
 * Usage:
 *   deno run -A tools/diff_sync.ts [--seed S] [--n N] [--all] [--no-give-up] [--bin PATH]
 *
 *   --no-give-up  drop every task's `give_up` (no `timeout` around acquires)
 *
 * Prints each difference (the scenario and both timelines; with `--all`, only
 * those that are more than an order of lines within one instant), then
 * `N scenarios, K differences (J only in the order of lines within one
 * instant)`; exits 1 if K > 0.
 *
 * @module
 */
import { TestClock } from "../testing.ts";
import { runTokio } from "./diff_tokio.ts";
import type { Json } from "./gen_scenarios.ts";
import {
  genSemaphoreScenarios,
  runSemaphoreScenario,
  type SemaphoreScenario,
} from "./_semaphore_scenario.ts";

interface Options {
  seed: number;
  n: number;
  all: boolean;
  noGiveUp: boolean;
  bin: string;
}

function parse(args: readonly string[]): Options {
  const here = new URL(".", import.meta.url).pathname;
  const options = {
    seed: 1,
    n: 1000,
    all: false,
    noGiveUp: false,
    bin: `${here}tokio_ref/target/release/tokio_ref`,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === "--all") options.all = true;
    else if (flag === "--no-give-up") options.noGiveUp = true;
    else if (flag === "--seed") options.seed = Number(args[++i]);
    else if (flag === "--n") options.n = Number(args[++i]);
    else if (flag === "--bin") options.bin = String(args[++i]);
    else throw new TypeError(`Cannot parse arguments: unknown flag ${flag}`);
  }
  if (!Number.isInteger(options.seed) || !Number.isInteger(options.n) || options.n < 0) {
    throw new RangeError("Cannot parse arguments: --seed and --n must be integers, --n >= 0");
  }
  return options;
}

async function runWeft(scenario: SemaphoreScenario): Promise<string> {
  using clock = TestClock.install();
  try {
    return await runSemaphoreScenario(scenario, clock);
  } catch (error) {
    return `<weft error ${error instanceof Error ? error.message : String(error)}>\n`;
  }
}

/** Whether the two timelines have the same lines at every instant, in any order there. */
function sameInstants(a: string, b: string): boolean {
  const sorted = (text: string) => text.trimEnd().split("\n").sort().join("\n");
  return sorted(a) === sorted(b);
}

function sideBySide(tokio: string, weft: string): string {
  const a = tokio.trimEnd().split("\n");
  const b = weft.trimEnd().split("\n");
  const width = Math.max(12, ...a.map((line) => line.length));
  const rows = [`   ${"tokio".padEnd(width)}  weft`];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const left = a[i] ?? "";
    const right = b[i] ?? "";
    rows.push(`${left === right ? "  " : ">>"} ${left.padEnd(width)}  ${right}`);
  }
  return rows.join("\n");
}

async function main(): Promise<number> {
  const options = parse(Deno.args);
  const scenarios = [...genSemaphoreScenarios(options.seed, options.n)].map((s) =>
    options.noGiveUp ? { ...s, tasks: s.tasks.map(({ give_up: _, ...task }) => task) } : s
  );
  const tokio = await runTokio(options.bin, scenarios as unknown as Json[]);
  let differences = 0;
  let orderOnly = 0;
  for (let i = 0; i < scenarios.length; i++) {
    const weft = await runWeft(scenarios[i]!);
    if (weft === tokio[i]) continue;
    differences++;
    if (sameInstants(weft, tokio[i]!)) {
      orderOnly++;
      if (options.all) continue;
    }
    console.log(`-- seed ${options.seed}, scenario ${i}\n${JSON.stringify(scenarios[i])}`);
    console.log(sideBySide(tokio[i]!, weft));
    if (!options.all) break;
  }
  console.log(
    `${scenarios.length} scenarios, ${differences} differences (${orderOnly} only in the order of lines within one instant)`,
  );
  return differences === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
