/**
 * Shrinks a scenario on which weft and tokio differ to a smallest one that
 * still differs the same way (same `classify` label of `tools/diff_tokio.ts`):
 * greedily removes items, ops, sources' options and lowers numbers while the
 * difference stays. `end_ms` is only ever dropped, never lowered, so the
 * shrunk scenario does not end on an instant where an item is due (a tie the
 * two runners' cutoffs settle differently).
 *
 * Usage:
 *   deno run -A tools/shrink_diff.ts SCENARIO.json [--out DIR/NAME] [--any]
 *                                    [--bin PATH]
 *
 *   --out DIR/NAME  write the shrunk scenario and tokio's timeline as
 *                   DIR/NAME.json and DIR/NAME.txt
 *   --any           accept any difference, not only one of the same kind
 *
 * @module
 */
import type { Json } from "./gen_scenarios.ts";
import { classify, runTokio, runWeft, sideBySide } from "./diff_tokio.ts";

const here = new URL(".", import.meta.url).pathname;

/** Keys whose number is a duration, a count or an absolute time. */
const NUMERIC = new Set([
  "ms",
  "n",
  "close_at",
  "interval_ms",
  "first",
  "msg_timeout",
  "throttle_ms",
  "interval_timeout_ms",
  "take_n",
]);
/** Keys that may be dropped. */
const OPTIONAL = new Set([
  "close_at",
  "end_ms",
  "prefix",
  "suffix",
  "first",
  "close",
  "ops",
  "letters",
  "gaps",
  "msg_timeout",
  "interval_ms",
  "throttle_ms",
  "interval_timeout_ms",
  "take_n",
  "interval_prefix",
]);

function smaller(v: number): number[] {
  const out = new Set<number>();
  for (const c of [0, 1, Math.floor(v / 2 / 10) * 10, v - 100, v - 50, v - 10, v - 1]) {
    if (c >= 0 && c < v) out.add(c);
  }
  return [...out];
}

type Path = (string | number)[];

function getAt(root: Json, path: Path): Json {
  return path.reduce((node, key) => node[key], root);
}

function withChange(
  root: Json,
  path: Path,
  change: (parent: Json, key: string | number) => void,
): Json {
  const copy = structuredClone(root);
  const parent = getAt(copy, path.slice(0, -1));
  change(parent, path[path.length - 1]!);
  return copy;
}

/** Every one-step simplification of `root`, the biggest first. */
function* candidates(root: Json): Generator<Json> {
  const removals: Json[] = [];
  const lowers: Json[] = [];
  const walk = (node: Json, path: Path) => {
    if (Array.isArray(node)) {
      const key = path[path.length - 1];
      const isPair = path.length > 0 && getAt(root, path.slice(0, -1)) !== undefined &&
        path[path.length - 2] === "items";
      if (!isPair) {
        for (let i = 0; i < node.length; i++) {
          if (key === "texts") continue; // removed together with its gap
          removals.push(withChange(root, path, (parent, k) => {
            (parent[k] as Json[]).splice(i, 1);
            if (k === "gaps" && Array.isArray(parent.texts)) parent.texts.splice(i, 1);
          }));
        }
      }
      node.forEach((child: Json, i: number) => {
        if (isPair && i === 0 && typeof child === "number") {
          for (const v of smaller(child)) {
            lowers.push(withChange(root, [...path, i], (parent, k) => (parent[k] = v)));
          }
        } else if (key === "gaps" && typeof child === "number") {
          for (const v of smaller(child)) {
            lowers.push(withChange(root, [...path, i], (parent, k) => (parent[k] = v)));
          }
        } else walk(child, [...path, i]);
      });
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        if (OPTIONAL.has(key)) {
          removals.push(withChange(root, [...path, key], (parent, k) => delete parent[k]));
        }
        if (NUMERIC.has(key) && typeof child === "number") {
          for (const v of smaller(child)) {
            lowers.push(withChange(root, [...path, key], (parent, k) => (parent[k] = v)));
          }
        } else walk(child, [...path, key]);
      }
    }
  };
  walk(root, []);
  for (const candidate of [...removals, ...lowers]) if (bounded(candidate)) yield candidate;
}

/** Keeps candidates cheap: an interval source of at least 5 ms, and a cutoff by 5 s. */
function bounded(s: Json): boolean {
  const text = JSON.stringify(s);
  if (!text.includes('"interval_ms"') && s.scenario !== "listing") return true;
  const intervals = [...text.matchAll(/"interval_ms":(\d+)/g)].map((m) => Number(m[1]));
  if (intervals.some((ms) => ms < 1)) return false;
  if (s.scenario === "listing") return true; // bounded by its take_n
  if ((s.end_ms ?? 120_000) <= 5_000 || intervals.every((ms) => ms >= 50)) return true;
  // Every interval source followed by its own take.
  const taken = text.match(/"interval_ms":\d+(,"first":\d+)?\},"ops":\[\{"op":"take"/g);
  return (taken?.length ?? 0) === intervals.length;
}

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

async function differs(bin: string, scenarios: Json[]): Promise<{ tokio: string; weft: string }[]> {
  const tokio = await runTokio(bin, scenarios);
  const out = [];
  for (const [i, s] of scenarios.entries()) {
    out.push({
      tokio: tokio[i]!,
      weft: tokio[i]!.startsWith("<tokio_ref") ? tokio[i]! : await runWeft(s, 10),
    });
  }
  return out;
}

async function main(): Promise<number> {
  const file = Deno.args[0];
  if (file === undefined || file.startsWith("--")) {
    console.error("usage: shrink_diff.ts SCENARIO.json [--out DIR/NAME] [--any] [--bin PATH]");
    return 2;
  }
  const bin = arg("--bin") ?? `${here}tokio_ref/target/release/tokio_ref`;
  const any = Deno.args.includes("--any");
  let current: Json = JSON.parse(await Deno.readTextFile(file));
  let [result] = await differs(bin, [current]);
  if (result!.tokio === result!.weft) {
    console.error("no difference to shrink");
    return 1;
  }
  const kind = classify(result!.tokio, result!.weft);
  console.error(`kind: ${kind}`);
  let size = JSON.stringify(current).length;
  for (let round = 1;; round++) {
    const all = [...candidates(current)];
    let found = false;
    // Try the candidates in slices, keep the first that still differs the same way.
    for (let start = 0; start < all.length && !found; start += 64) {
      const slice = all.slice(start, start + 64);
      const results = await differs(bin, slice);
      for (const [i, r] of results.entries()) {
        if (r.tokio === r.weft || r.tokio.startsWith("<tokio_ref")) continue;
        if (!any && classify(r.tokio, r.weft) !== kind) continue;
        current = slice[i];
        result = r;
        found = true;
        break;
      }
    }
    if (!found) break;
    size = JSON.stringify(current).length;
    console.error(`round ${round}: ${size} chars`);
  }
  console.log(JSON.stringify(current));
  console.log(sideBySide(result!.tokio, result!.weft));
  const out = arg("--out");
  if (out !== undefined) {
    await Deno.writeTextFile(`${out}.json`, JSON.stringify(current, null, 2) + "\n");
    await Deno.writeTextFile(`${out}.txt`, result!.tokio);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
