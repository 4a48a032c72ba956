/**
 * The `"joinset"` differential scenario (tools/tokio_ref/src/joinset.rs is
 * tokio's side): generated here, run through weft's `JoinSet` here.
 *
 * Every task is spawned into one set at time 0, in order; a task runs its
 * steps (a number: `sleep(ms)`; `"yield"`: `yieldNow()`) and returns its
 * label. A separate task aborts task `i` at each `[ms, i]` of `aborts`. The
 * consumer prints one line per `joinNext()` result (`<ms>\t<label>` or
 * `<ms>\tcancelled`), then `<END>`, or `<CUTOFF>` at `end_ms`.
 *
 * Times sit on a coarse grid so that completions, aborts and the cutoff often
 * share an instant: that is where completion order can differ.
 *
 * @module
 */
import { type JoinResult, JoinSet, run, sleep, spawnTask, yieldNow } from "../task.ts";
import { DONE } from "../_runtime/poll.ts";
import { fromSource } from "../tests/stream/_helpers.ts";
import { Stream } from "../stream.ts";
import type { Clock } from "../tests/conformance/scenario.ts";
import { Rng } from "./_rng.ts";

/** One joinset scenario. */
export interface JoinSetScenario {
  scenario: "joinset";
  tasks: { label: string; steps: (number | "yield")[] }[];
  aborts: [number, number][];
  end_ms?: number;
  trailer?: boolean;
}

/** Draws one scenario. */
export function genJoinSetScenario(rng: Rng): JoinSetScenario {
  const count = rng.int(1, 8);
  const ms = () => rng.chance(0.08) ? 0 : rng.int(1, 6) * rng.pick([10, 50, 50, 100]);
  const tasks = Array.from({ length: count }, (_, i) => ({
    label: String.fromCharCode(97 + i),
    steps: Array.from(
      { length: rng.int(0, 3) },
      () => (rng.chance(0.12) ? "yield" as const : ms()),
    ),
  }));
  const aborts = Array.from(
    { length: rng.chance(0.5) ? rng.int(1, 3) : 0 },
    () => [ms(), rng.int(0, count - 1)] as [number, number],
  ).sort((a, b) => a[0] - b[0]);
  const scenario: JoinSetScenario = { scenario: "joinset", tasks, aborts, trailer: true };
  if (rng.chance(0.2)) scenario.end_ms = rng.int(1, 8) * 50;
  return scenario;
}

/** `n` scenarios from `seed`; scenario i is the same whatever `n` is. */
export function* genJoinSetScenarios(seed: number, n: number): Generator<JoinSetScenario> {
  for (let i = 0; i < n; i++) {
    yield genJoinSetScenario(new Rng((seed * 1_000_003 + i * 7919 + 17) >>> 0));
  }
}

/** Runs one scenario through weft under `clock`; returns its timeline. */
export async function runJoinSetScenario(s: JoinSetScenario, clock: Clock): Promise<string> {
  const endMs = s.end_ms ?? 120_000;
  const lines: string[] = [];
  const done = run(async () => {
    const start = Date.now();
    const set = new JoinSet<string>();
    const handles = s.tasks.map((task) =>
      set.spawn(async () => {
        for (const step of task.steps) {
          if (step === "yield") await yieldNow();
          else await sleep(step);
        }
        return task.label;
      })
    );
    spawnTask(async () => {
      for (const [at, index] of s.aborts) {
        await sleep(Math.max(0, start + at - Date.now()));
        handles[index]!.abort();
      }
    });
    // As the stream runner (tests/conformance/scenario.ts) models tokio's
    // `timeout_at(end, next)`: the results are polled at the end instant
    // before the cutoff closes them.
    let ended = false;
    const results = Stream.from(set).chain(fromSource<JoinResult<string>>({
      poll: () => {
        ended = true;
        return DONE;
      },
      close: () => {},
    }));
    let end = "<END>";
    spawnTask(async () => {
      await sleep(endMs);
      if (ended) return;
      end = "<CUTOFF>";
      results.close();
    });
    for (;;) {
      const r = await results.next();
      if (r === undefined) break;
      lines.push(`${clock.elapsed}\t${r.ok ? r.value : "cancelled"}`);
    }
    if (s.trailer) lines.push(`${clock.elapsed}\t${end}`);
  });
  await clock.tick(endMs);
  await done;
  return lines.map((line) => `${line}\n`).join("");
}
