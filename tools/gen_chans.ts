/**
 * A seeded random generator of channel scenarios (`"broadcast"` and
 * `"watch"`, run by `tools/tokio_ref/src/chans.rs` on tokio and by
 * `tests/conformance/chans_scenario.ts` on weft), for `tools/diff_tokio.ts
 * --chans`.
 *
 * Senders act on multiples of 10 ms, often several times on one instant
 * (bursts that overrun a small broadcast capacity); receivers subscribe and
 * wake on instants ending in 5, pause 0–100 ms after each item, and some stop
 * after a few items (changing how many receivers later sends reach); about a
 * third read through `Stream.from(rx)` (tokio-stream's `BroadcastStream` /
 * `WatchStream`). Small capacities (1–8) make lags frequent.
 *
 * Usage: `deno run tools/gen_chans.ts [--seed S] [--n N]` prints N scenarios,
 * one JSON per line.
 *
 * @module
 */
import { Rng } from "./_rng.ts";
import type { Json } from "./gen_scenarios.ts";

function items(rng: Rng, label: string): [number, string][] {
  const times: number[] = [];
  const count = rng.int(1, 8);
  for (let i = 0; i < count; i++) times.push(10 * rng.int(0, 40));
  if (rng.chance(0.4)) {
    const t = rng.pick(times);
    for (let i = rng.int(1, 5); i > 0; i--) times.push(t);
  }
  times.sort((a, b) => a - b);
  return times.map((t, i) => [t, `${label}${i}`]);
}

function sender(rng: Rng, label: string): Json {
  const list = items(rng, label);
  const last = list[list.length - 1]![0];
  return { items: list, close_at: rng.chance(0.75) ? last + 10 * rng.int(0, 20) : null };
}

function receivers(rng: Rng): Json[] {
  const list: Json[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) {
    list.push({
      at: 10 * rng.int(0, 20) + 5,
      delay: rng.pick([0, 0, 0, 5, 10, 20, 30, 50, 100]),
      take: rng.chance(0.3) ? rng.int(1, 6) : null,
      stream: rng.chance(0.3),
    });
  }
  return list.sort((a, b) => a.at - b.at);
}

/** One scenario: broadcast or watch. */
export function genChanScenario(rng: Rng): Json {
  const endMs = 10 * rng.int(45, 120) + 3;
  if (rng.chance(0.6)) {
    const senders: Json[] = [];
    for (let j = rng.int(1, 3); j > 0; j--) senders.push(sender(rng, String.fromCharCode(97 + j)));
    return {
      scenario: "broadcast",
      capacity: rng.pick([1, 2, 2, 3, 4, 8]),
      end_ms: endMs,
      senders,
      receivers: receivers(rng),
    };
  }
  return {
    scenario: "watch",
    init: "init",
    end_ms: endMs,
    senders: [sender(rng, "v")],
    receivers: receivers(rng),
  };
}

/** `n` scenarios; scenario i depends only on `seed` and i. */
export function* genChanScenarios(seed: number, n: number): Generator<Json> {
  for (let i = 0; i < n; i++) yield genChanScenario(new Rng(seed * 1_000_003 + i));
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  };
  for (const s of genChanScenarios(arg("--seed", 1), arg("--n", 5))) console.log(JSON.stringify(s));
}
