/**
 * Differential fuzzing of weft's streams against real tokio: generates random
 * scenarios (`tools/gen_scenarios.ts`), runs each through the reference runner
 * (`tools/tokio_ref`, tokio 1.24 + tokio-stream 0.1.9 on tokio's paused clock)
 * and through weft's conformance runner (`tests/conformance/scenario.ts` under
 * `TestClock`, or under `@sinonjs/fake-timers`' `tickAsync` with `--clock sinon`),
 * and compares the timelines byte for byte.
 *
 * Usage:
 *   deno run -A tools/diff_tokio.ts [--seed S] [--n N] [--all] [--wide] [--save DIR]
 *                                   [--bin PATH] [--cases DIR] [--timeout SEC]
 *                                   [--clock testclock|sinon|faketime]
 *
 *   --seed S     generator seed (default 1); scenario i depends only on S and i
 *   --n N        how many scenarios (default 200)
 *   --wide       larger scenarios (gen_scenarios.ts's wide profile)
 *   --chans      broadcast and watch channel scenarios (tools/gen_chans.ts) instead
 *   --joinset    JoinSet completion-order scenarios (tools/_joinset_scenario.ts)
 *   --streams    the adapters of issue 15 (tools/_streams_scenario.ts); `stream_map`
 *                scenarios are compared as a multiset of lines per instant
 *   --all        go on after a difference (print each one briefly, the first in
 *                full), instead of stopping at the first
 *   --save DIR   write each differing scenario and tokio's timeline there as
 *                NAME.json / NAME.txt (a conformance case)
 *   --cases DIR  instead of generating, run the NAME.json files of DIR
 *   --bin PATH   the reference binary (default
 *                tools/tokio_ref/target/release/tokio_ref; build it with
 *                `cargo build --release --offline` in tools/tokio_ref)
 *   --timeout S  real seconds one weft run may take before it counts as a hang
 *                (default 20)
 *   --clock C    what drives weft's virtual time: `testclock` (weft's TestClock,
 *                the default), `sinon` (@sinonjs/fake-timers' tickAsync, as a
 *                user who does not know weft's scheduler would drive it) or
 *                `faketime` (a model of @std/testing's FakeTime, nextAsync;
 *                slower: one real setTimeout(0) per instant, so --timeout
 *                defaults to 600 with it)
 *
 * Prints `N scenarios, K differences` at the end; exits 1 if K > 0.
 *
 * @module
 */
import { genScenarios, type Json } from "./gen_scenarios.ts";
import { runScenario, type Scenario } from "../tests/conformance/scenario.ts";
import { genChanScenarios } from "./gen_chans.ts";
import {
  type ChanScenario,
  isChanScenario,
  runChanScenario,
} from "../tests/conformance/chans_scenario.ts";
import { type ClockKind, underClock } from "../tests/conformance/clocks.ts";
import {
  genJoinSetScenarios,
  type JoinSetScenario,
  runJoinSetScenario,
} from "./_joinset_scenario.ts";
import {
  genStreamsScenarios,
  perInstantMultiset,
  runStreamsScenario,
  type StreamsScenario,
} from "./_streams_scenario.ts";

// The host's timer, saved before any TestClock replaces it (the watchdog).
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

const here = new URL(".", import.meta.url).pathname;

interface Options {
  seed: number;
  n: number;
  all: boolean;
  wide: boolean;
  chans: boolean;
  joinset: boolean;
  streams: boolean;
  save: string | undefined;
  cases: string | undefined;
  bin: string;
  timeout: number;
  clock: ClockKind;
}

function parseArgs(args: string[]): Options {
  const options: Options = {
    seed: 1,
    n: 200,
    all: false,
    wide: false,
    chans: false,
    joinset: false,
    streams: false,
    save: undefined,
    cases: undefined,
    bin: `${here}tokio_ref/target/release/tokio_ref`,
    timeout: 20,
    clock: "TestClock",
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new TypeError(`Cannot parse arguments: ${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--seed":
        options.seed = Number(value());
        break;
      case "--n":
        options.n = Number(value());
        break;
      case "--all":
        options.all = true;
        break;
      case "--wide":
        options.wide = true;
        break;
      case "--joinset":
        options.joinset = true;
        break;
      case "--streams":
        options.streams = true;
        break;
      case "--chans":
        options.chans = true;
        break;
      case "--save":
        options.save = value();
        break;
      case "--cases":
        options.cases = value();
        break;
      case "--bin":
        options.bin = value();
        break;
      case "--timeout":
        options.timeout = Number(value());
        break;
      case "--clock": {
        const clock = value();
        const kinds: Record<string, ClockKind> = {
          testclock: "TestClock",
          sinon: "sinon",
          faketime: "FakeTime",
        };
        const kind = kinds[clock];
        if (kind === undefined) {
          throw new TypeError(
            `Cannot parse arguments: --clock is testclock, sinon or faketime, got ${clock}`,
          );
        }
        options.clock = kind;
        break;
      }
      default:
        throw new TypeError(`Cannot parse arguments: unknown flag ${flag}`);
    }
  }
  if (options.clock === "FakeTime" && !args.includes("--timeout")) options.timeout = 600;
  if (!Number.isInteger(options.seed) || !Number.isInteger(options.n) || options.n < 0) {
    throw new RangeError("Cannot parse arguments: --seed and --n must be integers, --n >= 0");
  }
  return options;
}

/** Runs scenarios through the tokio reference binary, in batches. */
export async function runTokio(bin: string, scenarios: Json[]): Promise<string[]> {
  const out: string[] = [];
  const batch = 1000;
  for (let start = 0; start < scenarios.length; start += batch) {
    const chunk = scenarios.slice(start, start + batch);
    const child = new Deno.Command(bin, {
      args: ["--batch"],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const output = child.output();
    const writer = child.stdin.getWriter();
    await writer.write(
      new TextEncoder().encode(chunk.map((s) => JSON.stringify(s) + "\n").join("")),
    );
    await writer.close();
    const { code, stdout } = await output;
    if (code !== 0) throw new Error(`Cannot run ${bin}: exit code ${code}`);
    // One record per scenario, each closed by a line "\x1e".
    const records = new TextDecoder().decode(stdout).split("\x1e\n");
    if (records.length !== chunk.length + 1) {
      throw new Error(
        `Cannot run ${bin}: ${records.length - 1} outputs for ${chunk.length} scenarios`,
      );
    }
    for (const record of records.slice(0, -1)) {
      out.push(record.startsWith("ERROR ") ? `<tokio_ref ${record.trim()}>\n` : record);
    }
  }
  return out;
}

/**
 * Runs one scenario through weft under a fresh clock of `kind` (TestClock by
 * default), with a real-time watchdog.
 */
export async function runWeft(
  scenario: Json,
  timeoutSec = 20,
  kind: ClockKind = "TestClock",
): Promise<string> {
  let timer: ReturnType<typeof realSetTimeout> | undefined;
  try {
    const hang = new Promise<string>((resolve) => {
      timer = realSetTimeout(
        () => resolve("<weft HANG: no result after real timeout>\n"),
        timeoutSec * 1000,
      );
    });
    const copy = structuredClone(scenario);
    return await underClock(
      kind,
      (clock) =>
        Promise.race([
          copy.scenario === "joinset"
            ? runJoinSetScenario(copy as JoinSetScenario, clock)
            : copy.scenario === "streams"
            ? runStreamsScenario(copy as StreamsScenario, clock)
            : isChanScenario(copy)
            ? runChanScenario(copy as ChanScenario, clock)
            : runScenario(copy as Scenario, clock),
          hang,
        ]),
    );
  } catch (e) {
    return `<weft ERROR ${e instanceof Error ? e.message : String(e)}>\n`;
  } finally {
    realClearTimeout(timer);
  }
}

type Row = { tokio?: string | undefined; weft?: string | undefined };

/** Aligns two timelines by their longest common subsequence of lines. */
function align(a: string[], b: string[]): Row[] {
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j]
        ? lcs[i + 1]![j + 1]! + 1
        : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: Row[] = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) rows.push({ tokio: a[i++], weft: b[j++] });
    else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) rows.push({ tokio: a[i++] });
    else rows.push({ weft: b[j++] });
  }
  return rows;
}

function lines(timeline: string): string[] {
  return timeline.split("\n").filter((line) => line !== "").map((line) => line.replace("\t", " "));
}

/** The two timelines side by side, differing rows marked. */
export function sideBySide(tokio: string, weft: string): string {
  const rows = align(lines(tokio), lines(weft));
  const width = Math.max(20, ...rows.map((r) => (r.tokio ?? "").length)) + 2;
  const out = [`   ${"tokio".padEnd(width)}| weft`, `   ${"-".repeat(width)}+${"-".repeat(width)}`];
  for (const row of rows) {
    const mark = row.tokio === row.weft ? "   " : ">> ";
    out.push(`${mark}${(row.tokio ?? "").padEnd(width)}| ${row.weft ?? ""}`);
  }
  return out.join("\n");
}

/** A rough label of how two timelines differ, to group differences. */
export function classify(tokio: string, weft: string): string {
  const a = lines(tokio), b = lines(weft);
  if (b.some((l) => l.startsWith("<weft"))) {
    return b.find((l) => l.startsWith("<weft"))!.split(":")[0]!.slice(1);
  }
  const trailer = (l: string[]) => l.filter((x) => /<END>|<CUTOFF>/.test(x));
  const items = (l: string[]) => l.filter((x) => !/<END>|<CUTOFF>/.test(x));
  const ai = items(a), bi = items(b);
  const sorted = (l: string[]) => [...l].sort().join("\n");
  if (sorted(ai) === sorted(bi)) {
    if (ai.join("\n") !== bi.join("\n")) return "same items, other order within an instant";
    return `same items, other trailer (${trailer(a).join()} vs ${trailer(b).join()})`;
  }
  const text = (l: string) => l.slice(l.indexOf(" ") + 1);
  if (sorted(ai.map(text)) === sorted(bi.map(text))) return "same texts, other times";
  if (bi.length > ai.length) return "weft yields more items";
  if (bi.length < ai.length) return "weft yields fewer items";
  return "other items";
}

async function loadCases(dir: string): Promise<{ name: string; scenario: Json }[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".json")) names.push(entry.name.slice(0, -5));
  }
  names.sort();
  return await Promise.all(
    names.map(async (name) => ({
      name,
      scenario: JSON.parse(await Deno.readTextFile(`${dir}/${name}.json`)),
    })),
  );
}

async function main(): Promise<number> {
  const options = parseArgs(Deno.args);
  try {
    Deno.statSync(options.bin);
  } catch {
    console.error(
      `Cannot find the tokio reference runner at ${options.bin}: build it with ` +
        "`cargo build --release --offline` in tools/tokio_ref (see its README.md), or pass --bin",
    );
    return 2;
  }
  const named = options.cases !== undefined ? await loadCases(options.cases) : [
    ...(options.streams
      ? genStreamsScenarios(options.seed, options.n)
      : options.joinset
      ? genJoinSetScenarios(options.seed, options.n)
      : options.chans
      ? genChanScenarios(options.seed, options.n)
      : genScenarios(options.seed, options.n, options.wide)),
  ].map((scenario, i) => ({
    name: `${
      options.streams
        ? "streams_"
        : options.joinset
        ? "joinset_"
        : options.chans
        ? "chans_"
        : options.wide
        ? "wide_"
        : ""
    }seed${options.seed}_${i}`,
    scenario,
  }));
  const tokio = await runTokio(options.bin, named.map((c) => c.scenario));
  if (options.save !== undefined) await Deno.mkdir(options.save, { recursive: true });
  let differences = 0;
  const kinds = new Map<string, { count: number; first: string }>();
  const t0 = performance.now();
  for (const [i, { name, scenario }] of named.entries()) {
    let actual = await runWeft(scenario, options.timeout, options.clock);
    let expected = tokio[i]!;
    if (scenario.scenario === "streams" && scenario.kind === "stream_map") {
      // tokio starts each poll at a random stream, weft rotates: compare per instant.
      actual = perInstantMultiset(actual);
      expected = perInstantMultiset(expected);
    }
    if (actual !== expected) {
      differences++;
      const kind = classify(expected, actual);
      const seen = kinds.get(kind);
      if (seen === undefined) kinds.set(kind, { count: 1, first: name });
      else seen.count++;
      if (differences === 1 || !options.all) {
        console.log(`\n=== difference in ${name} (${kind})`);
        console.log(JSON.stringify(scenario));
        console.log(sideBySide(expected, actual));
      } else {
        console.log(`difference in ${name} (${kind})`);
      }
      if (options.save !== undefined) {
        await Deno.writeTextFile(
          `${options.save}/${name}.json`,
          JSON.stringify(scenario, null, 2) + "\n",
        );
        await Deno.writeTextFile(`${options.save}/${name}.txt`, expected);
      }
      if (!options.all) {
        console.log(`\n${i + 1} scenarios, ${differences} differences (stopped at the first)`);
        return 1;
      }
    }
    if ((i + 1) % 1000 === 0) {
      console.error(
        `... ${i + 1} scenarios, ${differences} differences, ${
          ((performance.now() - t0) / 1000).toFixed(0)
        } s`,
      );
    }
  }
  if (kinds.size > 0) {
    console.log("\nkinds of difference:");
    for (const [kind, { count, first }] of kinds) {
      console.log(`  ${count} x ${kind} (first: ${first})`);
    }
  }
  console.log(`\n${named.length} scenarios, ${differences} differences (clock: ${options.clock})`);
  return differences > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
