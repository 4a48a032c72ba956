/**
 * Runs a conformance scenario (the format of `../shared/conformance/README.md`)
 * with weft's own channels, tasks and combinators, and returns the timeline it
 * yields: one `<virtual ms>\t<text>` line per item.
 *
 * @module
 */
import { channel, run, sleep, spawnTask } from "../../mod.ts";
import { type Result, Stream } from "../../stream.ts";
import type { Elapsed } from "../../task.ts";
import { DONE } from "../../_runtime/poll.ts";
import { fromSource } from "../stream/_helpers.ts";

/** A timed source: items at absolute times, gaps, or an endless interval. */
export type SourceSpec =
  | { items: [number, string][]; close_at?: number | null }
  | { gaps: number[]; texts: string[]; close?: boolean }
  | { interval_ms: number; first?: number };

/** One operator of a `chain` scenario. */
export type OpSpec =
  | { op: "map"; prefix?: string; suffix?: string }
  | { op: "timeout"; ms: number }
  | { op: "throttle"; ms: number }
  | { op: "take"; n: number }
  | { op: "merge"; with: { source: SourceSpec; ops?: OpSpec[] } };

/** A scenario file. */
export type Scenario = {
  scenario: "listing" | "timeout" | "throttle" | "take" | "merge" | "chain";
  trailer?: boolean;
  end_ms?: number;
  [key: string]: unknown;
};

const PROBLEM = "Problem: Elapsed(())";

/** Spawns the producer task of `spec` and returns the stream of its channel. */
function source(spec: SourceSpec): Stream<string> {
  const [tx, rx] = channel<string>();
  if ("items" in spec) {
    const closeAt = spec.close_at ?? Infinity;
    // Events in time order: an item due after the close is never sent.
    const items = spec.items.filter(([at]) => at <= closeAt);
    spawnTask(async () => {
      let now = 0;
      for (const [at, text] of items) {
        await sleep(Math.max(0, at - now));
        now = Math.max(now, at);
        // A Rust task whose send failed returns, dropping its sender.
        if (tx.isClosed) return tx.close();
        tx.send(text);
      }
      if (closeAt === Infinity) return;
      await sleep(Math.max(0, closeAt - now));
      tx.close();
    });
  } else if ("gaps" in spec) {
    spawnTask(async () => {
      for (const [i, gap] of spec.gaps.entries()) {
        await sleep(gap);
        if (tx.isClosed) return tx.close();
        tx.send(spec.texts[i]!);
      }
      if (spec.close !== false) tx.close();
    });
  } else {
    spawnTask(async () => {
      let count = (spec.first ?? 1) - 1;
      for (;;) {
        await sleep(spec.interval_ms);
        count += 1;
        if (tx.isClosed) break;
        tx.send(String(count));
      }
      tx.close();
    });
  }
  return Stream.from(rx);
}

function text(result: Result<string, Elapsed>): string {
  return result.ok ? result.value : PROBLEM;
}

function chain(stream: Stream<string>, ops: OpSpec[]): Stream<string> {
  for (const op of ops) {
    switch (op.op) {
      case "map":
        stream = stream.map((item) => `${op.prefix ?? ""}${item}${op.suffix ?? ""}`);
        break;
      case "timeout":
        stream = stream.timeout(op.ms).map(text);
        break;
      case "throttle":
        stream = stream.throttle(op.ms);
        break;
      case "take":
        stream = stream.take(op.n);
        break;
      case "merge":
        stream = stream.merge(chain(source(op.with.source), op.with.ops ?? []));
        break;
    }
  }
  return stream;
}

function listing(s: Scenario): Stream<string> {
  const letters = [...((s.letters as string[] | string | undefined) ?? "abcdefghij")];
  const gaps = (s.gaps as number[] | undefined) ?? [100, 300];
  const messages = source({
    gaps: letters.map((_, i) => gaps[i % gaps.length]!),
    texts: letters.map((letter) => `Message: '${letter}'`),
  }).timeout((s.msg_timeout as number | undefined) ?? 200);
  const prefix = (s.interval_prefix as string | undefined) ?? "Interval #";
  const intervals = source({ interval_ms: (s.interval_ms as number | undefined) ?? 1 })
    .map((count) => `${prefix}${count}`)
    .throttle((s.throttle_ms as number | undefined) ?? 500)
    .timeout((s.interval_timeout_ms as number | undefined) ?? 10_000);
  return messages.merge(intervals).take((s.take_n as number | undefined) ?? 20).map(text);
}

function build(s: Scenario): Stream<string> {
  switch (s.scenario) {
    case "listing":
      return listing(s);
    case "timeout":
      return source(s.source as SourceSpec).timeout(s.ms as number).map(text);
    case "throttle":
      return source(s.source as SourceSpec).throttle(s.ms as number);
    case "take":
      return source(s.source as SourceSpec).take(s.n as number);
    case "merge":
      return source(s.a as SourceSpec).merge(source(s.b as SourceSpec));
    case "chain":
      return chain(source(s.source as SourceSpec), (s.ops as OpSpec[] | undefined) ?? []);
  }
}

/**
 * What drives a scenario's virtual time: weft's `TestClock`, or another fake
 * clock (`@sinonjs/fake-timers`' `tickAsync`) behind the same two members.
 */
export interface Clock {
  /** Virtual ms since the clock was installed. */
  readonly elapsed: number;
  /** Advances virtual time by `ms`, running everything due on the way. */
  tick(ms: number): Promise<void>;
}

/**
 * Runs `scenario` under `clock` (installed, at virtual 0) and returns the
 * timeline text, one `<ms>\t<text>\n` line per item.
 */
export function runScenario(scenario: Scenario, clock: Clock): Promise<string> {
  return runTimeline(() => build(scenario), scenario, clock);
}

/**
 * Reads the stream `build()` makes inside `run()` as tokio's runner does,
 * until it ends or `end_ms` (default 120,000) passes, and returns the
 * timeline text; `trailer` adds `<END>` or `<CUTOFF>`. Every kind of
 * scenario (the published ones, the generator's streams kinds) runs here.
 */
export async function runTimeline(
  build: () => Stream<string>,
  options: { end_ms?: number; trailer?: boolean },
  clock: Clock,
): Promise<string> {
  const endMs = options.end_ms ?? 120_000;
  const lines: string[] = [];
  const done = run(async () => {
    // Set in the very poll in which the pipeline ends (chain polls its
    // second stream at once), before any code awaiting that result runs.
    let ended = false;
    const stream = build().chain(fromSource<string>({
      poll: () => {
        ended = true;
        return DONE;
      },
      close: () => {},
    }));
    let cutoff = false;
    // tokio's runner wraps each next() in timeout_at(end): at the end instant
    // the pipeline is polled first, so a stream that ends then ends, not cut.
    spawnTask(async () => {
      await sleep(endMs);
      if (ended) return;
      cutoff = true;
      stream.close();
    });
    for (;;) {
      const item = await stream.next();
      if (item === undefined) break;
      lines.push(`${clock.elapsed}\t${item}`);
    }
    if (options.trailer) lines.push(`${clock.elapsed}\t${cutoff ? "<CUTOFF>" : "<END>"}`);
  });
  await clock.tick(endMs);
  await done;
  return lines.map((line) => `${line}\n`).join("");
}
