/**
 * A seeded random generator of conformance scenarios (the format of
 * `../shared/conformance/README.md`), for differential fuzzing against tokio
 * (`tools/diff_tokio.ts`).
 *
 * Scenarios are small (1–8 items per source, times 0–1000 ms) and put times on
 * a coarse grid (multiples of 10, 50 or 100 ms) so that several events often
 * fall on the same instant: that is where schedulers disagree. Chains nest
 * `map`/`timeout`/`throttle`/`take`/`merge`; interval sources appear now and
 * then, bounded by a `take` or by a short `end_ms`. Every scenario has
 * `trailer: true`.
 *
 * The wide profile (`--wide`) draws larger scenarios: up to 200 items per
 * source and bursts of up to 300 items on one instant (past tokio's coop
 * budget of 128), times off the grid (any ms up to 3,000), longer gap lists.
 *
 * Usage: `deno run tools/gen_scenarios.ts [--seed S] [--n N] [--wide]` prints N
 * scenarios, one JSON per line.
 *
 * @module
 */

import { Rng } from "./_rng.ts";

export { Rng };

// deno-lint-ignore no-explicit-any
export type Json = any;

/** An odd cutoff off the 10 ms grid, so it rarely ties with an item. */
function shortEnd(rng: Rng): number {
  return rng.int(150, 400) * 10 + rng.pick([3, 7]);
}

export class Gen {
  readonly rng: Rng;
  /** Source labels: a, b, c, ... so every text says where it came from. */
  #sources = 0;
  /** Whether an interval source not bounded by its own take was made. */
  unbounded = false;
  /** Larger scenarios, off-grid times, bursts past the coop budget. */
  readonly wide: boolean;

  constructor(rng: Rng, wide = false) {
    this.rng = rng;
    this.wide = wide;
  }

  #label(): string {
    const n = this.#sources++;
    return n < 26 ? String.fromCharCode(97 + n) : `s${n}`;
  }

  /** A duration on a coarse grid; 0 now and then. */
  ms(max = 300): number {
    const { rng } = this;
    if (rng.chance(0.04)) return 0;
    const grid = rng.pick([10, 50, 50, 100]);
    return Math.max(grid, Math.min(max, rng.int(1, Math.ceil(max / grid)) * grid));
  }

  itemsSource(): Json {
    const { rng, wide } = this;
    const label = this.#label();
    const grid = wide ? rng.pick([1, 1, 7, 10, 50]) : rng.pick([10, 50, 50, 100, 100]);
    const span = wide ? 3000 : 1000;
    const most = wide ? rng.pick([8, 40, 200]) : 8;
    const count = rng.int(1, most);
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(rng.int(0, Math.floor(span / grid)) * grid);
    if (rng.chance(0.3)) {
      // A burst: several items on one instant (past the coop budget when wide).
      const t = rng.pick(times);
      const burst = wide && rng.chance(0.5) ? rng.int(100, 300) : rng.int(1, 3);
      for (let i = burst; i > 0; i--) times.push(t);
    }
    times.sort((x, y) => x - y);
    const items = times.slice(0, wide ? 400 : 8).map((t, i) => [t, `${label}${i}`]);
    const last = items[items.length - 1]![0] as number;
    const spec: Json = { items };
    const close = rng.weighted<string>([[5, "after"], [2, "at_last"], [1, "early"], [2, "never"]]);
    if (close === "after") spec.close_at = last + rng.int(1, 5) * grid;
    else if (close === "at_last") spec.close_at = last;
    else if (close === "early") spec.close_at = rng.int(0, Math.floor(last / grid)) * grid;
    // "never": no close_at (sometimes an explicit null).
    else if (rng.chance(0.3)) spec.close_at = null;
    return spec;
  }

  gapsSource(): Json {
    const { rng } = this;
    const label = this.#label();
    const count = rng.int(1, this.wide ? 50 : 8);
    const gaps: number[] = [];
    for (let i = 0; i < count; i++) {
      const gap = this.wide && rng.chance(0.5) ? rng.int(0, 300) : this.ms(300);
      gaps.push(rng.chance(0.15) ? 0 : gap);
    }
    const spec: Json = { gaps, texts: gaps.map((_, i) => `${label}${i}`) };
    if (rng.chance(0.2)) spec.close = false;
    else if (rng.chance(0.3)) spec.close = true;
    return spec;
  }

  intervalSource(): Json {
    const { rng } = this;
    this.#label();
    const spec: Json = { interval_ms: rng.pick([1, 5, 10, 20, 50, 100, 100, 250]) };
    if (rng.chance(0.3)) spec.first = rng.int(0, 100);
    return spec;
  }

  /** A source; an interval comes with a `take` to bound it (returned as ops). */
  source(allowInterval = true): { source: Json; ops: Json[] } {
    const kind = this.rng.weighted<string>([
      [7, "items"],
      [2, "gaps"],
      [allowInterval ? 1.2 : 0, "interval"],
    ]);
    if (kind === "items") return { source: this.itemsSource(), ops: [] };
    if (kind === "gaps") return { source: this.gapsSource(), ops: [] };
    const source = this.intervalSource();
    if (this.rng.chance(0.8)) return { source, ops: [{ op: "take", n: this.rng.int(0, 8) }] };
    this.unbounded = true;
    return { source, ops: [] };
  }

  op(depth: number): Json {
    const { rng } = this;
    const kind = rng.weighted<string>([
      [2, "map"],
      [3, "timeout"],
      [3, "throttle"],
      [2, "take"],
      [depth < 2 ? 3 : 0, "merge"],
    ]);
    switch (kind) {
      case "map": {
        const op: Json = { op: "map" };
        if (rng.chance(0.7)) op.prefix = rng.pick(["<", "m:", "x", "("]);
        if (rng.chance(0.5)) op.suffix = rng.pick([">", "!", ")", "'"]);
        return op;
      }
      case "timeout":
        return { op: "timeout", ms: this.ms(300) };
      case "throttle":
        return { op: "throttle", ms: this.ms(300) };
      case "take":
        return { op: "take", n: rng.int(0, 8) };
      default: {
        const { source, ops } = this.source();
        const more = this.ops(depth + 1, rng.int(0, 2));
        const with_: Json = { source };
        if (ops.length + more.length > 0 || rng.chance(0.5)) with_.ops = [...ops, ...more];
        return { op: "merge", with: with_ };
      }
    }
  }

  ops(depth: number, count: number): Json[] {
    const ops: Json[] = [];
    for (let i = 0; i < count; i++) ops.push(this.op(depth));
    return ops;
  }

  listing(): Json {
    const { rng } = this;
    const s: Json = { scenario: "listing" };
    if (rng.chance(0.5)) s.letters = "abcdefghij".slice(0, rng.int(1, 10));
    if (rng.chance(0.5)) s.gaps = Array.from({ length: rng.int(1, 3) }, () => this.ms(300));
    if (rng.chance(0.5)) s.msg_timeout = this.ms(300);
    if (rng.chance(0.5)) s.interval_ms = rng.pick([1, 5, 10, 50, 100]);
    if (rng.chance(0.5)) s.throttle_ms = this.ms(500);
    if (rng.chance(0.3)) s.interval_timeout_ms = rng.pick([50, 100, 200, 1000, 10_000]);
    if (rng.chance(0.5)) s.take_n = rng.int(0, 25);
    if (rng.chance(0.2)) s.interval_prefix = "Interval: ";
    return s;
  }

  scenario(): Json {
    const { rng } = this;
    const kind = rng.weighted<string>([
      [12, "chain"],
      [2, "timeout"],
      [2, "throttle"],
      [1, "take"],
      [2, "merge"],
      [1, "listing"],
    ]);
    let s: Json;
    switch (kind) {
      case "listing":
        s = this.listing();
        break;
      case "timeout":
      case "throttle":
        s = { scenario: kind, source: this.source(false).source, ms: this.ms(300) };
        break;
      case "take":
        s = { scenario: kind, source: this.source(false).source, n: rng.int(0, 8) };
        break;
      case "merge":
        s = { scenario: kind, a: this.source(false).source, b: this.source(false).source };
        break;
      default: {
        const { source, ops } = this.source();
        s = { scenario: "chain", source, ops: [...ops, ...this.ops(0, rng.int(0, 4))] };
      }
    }
    s.trailer = true;
    // An interval with no take of its own may run to the cutoff: keep it short.
    if (this.unbounded || rng.chance(0.05)) s.end_ms = shortEnd(rng);
    return s;
  }
}

/** One random scenario drawn from `rng`. */
export function genScenario(rng: Rng, wide = false): Json {
  return new Gen(rng, wide).scenario();
}

/** `n` scenarios from `seed`; scenario i is the same whatever `n` is. */
export function* genScenarios(seed: number, n: number, wide = false): Generator<Json> {
  for (let i = 0; i < n; i++) {
    yield genScenario(new Rng((seed * 1_000_003 + i * 7919) >>> 0), wide);
  }
}

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

if (import.meta.main) {
  const seed = arg("--seed", 1);
  const n = arg("--n", 10);
  const wide = Deno.args.includes("--wide");
  for (const s of genScenarios(seed, n, wide)) console.log(JSON.stringify(s));
}
