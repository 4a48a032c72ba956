/**
 * The `"streams"` differential scenarios (tools/tokio_ref/src/streams.rs is
 * tokio's side): the adapters of issue 15 on timed channel sources.
 *
 * `kind` picks the pipeline: `map_async` (futures-util `buffered` /
 * `buffer_unordered`: item i waits `delays[i % len]` ms), `zip`, `chunks`,
 * `ready_chunks`, `enumerate`, `map_while` (ends at the item `stop`),
 * `flatten` (of `sources`), `select_all` (`Stream.mergeAll`), `stream_map`
 * (keys `k0..`; compared as a multiset of lines per instant: tokio starts each
 * poll at a random stream, weft rotates) and `interval` (`intervalAt` with a
 * missed-tick behaviour, read through a `throttle` that makes ticks late).
 * The consumer is the conformance runner's: one line per item, then
 * `<END>`, or `<CUTOFF>` at `end_ms`.
 *
 * The one timing exception: tokio polls `buffered`'s futures inside the
 * consumer's poll, so a future whose timer fires at the very instant of the
 * runner's cut-off is seen first; in weft, `mapAsync`'s function is ordinary
 * async code whose `sleep` resumes as a task, after the cut-off's task that
 * slept longer. `map_async` scenarios therefore put `end_ms` off the 10 ms grid
 * of their items and delays (a tie there is listed in the README).
 *
 * @module
 */
import { intervalAt, type MissedTickBehavior, Stream, StreamMap } from "../stream.ts";
import { sleep, spawnTask } from "../task.ts";
import { channel } from "../channel.ts";
import { type Clock, runTimeline, type SourceSpec } from "../tests/conformance/scenario.ts";
import { Gen, type Json } from "./gen_scenarios.ts";
import { Rng } from "./_rng.ts";

/** One streams scenario. */
export interface StreamsScenario {
  scenario: "streams";
  kind: string;
  trailer?: boolean;
  end_ms?: number;
  [key: string]: unknown;
}

const KINDS = [
  "map_async",
  "zip",
  "chunks",
  "ready_chunks",
  "enumerate",
  "map_while",
  "flatten",
  "select_all",
  "stream_map",
  "interval",
] as const;

/** Draws one scenario. */
export function genStreamsScenario(rng: Rng): StreamsScenario {
  const gen = new Gen(rng);
  const src = (): Json => (rng.chance(0.8) ? gen.itemsSource() : gen.gapsSource());
  const kind = rng.pick(KINDS);
  const s: StreamsScenario = { scenario: "streams", kind, trailer: true };
  switch (kind) {
    case "map_async":
      s.source = src();
      s.n = rng.pick([1, 2, 3, 4, 8]);
      s.ordered = rng.chance(0.5);
      s.delays = Array.from({ length: rng.int(1, 4) }, () => gen.ms(200));
      break;
    case "zip":
      s.a = src();
      s.b = src();
      break;
    case "chunks":
    case "ready_chunks":
      s.source = src();
      s.n = rng.int(1, 4);
      break;
    case "enumerate":
      s.source = src();
      break;
    case "map_while": {
      const spec = src();
      s.source = spec;
      const texts: string[] = spec.items?.map((item: [number, string]) => item[1]) ?? spec.texts;
      s.stop = rng.chance(0.8) ? rng.pick(texts) : "none";
      break;
    }
    case "flatten":
    case "select_all":
    case "stream_map":
      s.sources = Array.from({ length: rng.int(kind === "flatten" ? 1 : 0, 4) }, src);
      break;
    case "interval":
      s.period = rng.pick([10, 20, 50, 100]);
      s.start_ms = rng.pick([0, 0, 10, 35, 100]);
      s.behavior = rng.pick(["burst", "delay", "skip"]);
      s.throttle_ms = rng.pick([0, 7, 30, 45, 120, 250]);
      s.take = rng.int(1, 8);
      break;
  }
  if (rng.chance(0.15)) {
    // Off the grid for map_async: see "The one timing exception" above.
    s.end_ms = rng.int(1, 12) * 100 + (kind === "map_async" ? 5 : 0);
  }
  return s;
}

/** `n` scenarios from `seed`; scenario i is the same whatever `n` is. */
export function* genStreamsScenarios(seed: number, n: number): Generator<StreamsScenario> {
  for (let i = 0; i < n; i++) {
    yield genStreamsScenario(new Rng((seed * 1_000_033 + i * 7907 + 29) >>> 0));
  }
}

/**
 * The producer task of `spec` and the stream of its channel, as the
 * conformance runner's, except that an item due now is sent without a
 * `sleep(0)`: tokio's `sleep_until` of an instant already reached is ready at
 * once, so its next sleep is registered before the tasks spawned after it
 * register theirs, and which source sends first at a shared instant decides
 * the order of `select_all` and `StreamMap`. (Sources here send at most a few
 * items, far from the coop budget that `sleep(0)` would spend.)
 */
function source(spec: SourceSpec): Stream<string> {
  const [tx, rx] = channel<string>();
  spawnTask(async () => {
    if ("items" in spec) {
      const closeAt = spec.close_at ?? Infinity;
      let now = 0;
      for (const [at, text] of spec.items.filter(([t]) => t <= closeAt)) {
        if (at > now) await sleep(at - now);
        now = Math.max(now, at);
        if (tx.isClosed) return tx.close();
        tx.send(text);
      }
      if (closeAt === Infinity) return;
      if (closeAt > now) await sleep(closeAt - now);
    } else if ("gaps" in spec) {
      for (const [i, gap] of spec.gaps.entries()) {
        if (gap > 0) await sleep(gap);
        if (tx.isClosed) return tx.close();
        tx.send(spec.texts[i]!);
      }
      if (spec.close === false) return;
    }
    tx.close();
  });
  return Stream.from(rx);
}

/** weft's pipeline for `s`, built at virtual time 0. */
function build(s: StreamsScenario): Stream<string> {
  const src = (key: string) => source(s[key] as SourceSpec);
  const sources = () => (s.sources as SourceSpec[]).map(source);
  switch (s.kind) {
    case "map_async": {
      const delays = s.delays as number[];
      let i = 0;
      return src("source").map((item) => [i++, item] as const).mapAsync(
        async ([k, item], { signal }) => {
          await sleep(delays[k % delays.length]!, { signal });
          return item;
        },
        { concurrency: s.n as number, ordered: s.ordered !== false },
      );
    }
    case "zip":
      return src("a").zip(src("b")).map(([a, b]) => `${a}|${b}`);
    case "chunks":
      return src("source").chunks(s.n as number).map((items) => items.join(","));
    case "ready_chunks":
      return src("source").readyChunks(s.n as number).map((items) => items.join(","));
    case "enumerate":
      return src("source").enumerate().map(([i, x]) => `${i}:${x}`);
    case "map_while":
      return src("source").mapWhile((x) => (x === s.stop ? undefined : x));
    case "flatten":
      return Stream.iter(sources()).flatten();
    case "select_all":
      return Stream.mergeAll(sources());
    case "stream_map": {
      const map = new StreamMap<string, string>();
      sources().forEach((stream, i) => map.insert(`k${i}`, stream));
      return Stream.from(map).map(([k, x]) => `${k} ${x}`);
    }
    case "interval": {
      const start = Date.now();
      const ticks = intervalAt(start + (s.start_ms as number), s.period as number, {
        missedTickBehavior: s.behavior as MissedTickBehavior,
      });
      const throttle = (s.throttle_ms as number) ?? 0;
      const read = throttle > 0 ? ticks.throttle(throttle) : ticks;
      return read.take(s.take as number).map((t) => String(t - start));
    }
  }
  throw new Error(`unknown streams kind ${s.kind}`);
}

/** Runs one scenario through weft under `clock`; returns its timeline (the conformance runner's). */
export function runStreamsScenario(s: StreamsScenario, clock: Clock): Promise<string> {
  return runTimeline(() => build(s), s, clock);
}

/** A timeline with the lines of each instant sorted: how `stream_map` scenarios are compared. */
export function perInstantMultiset(timeline: string): string {
  const lines = timeline.split("\n").filter((line) => line !== "");
  const groups: string[][] = [];
  for (const line of lines) {
    const last = groups.at(-1);
    if (last !== undefined && last[0]!.split("\t")[0] === line.split("\t")[0]) last.push(line);
    else groups.push([line]);
  }
  return groups.map((group) => group.sort().join("\n") + "\n").join("");
}
