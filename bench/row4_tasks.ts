/**
 * Row 4: N concurrent tasks, each `async () => { await sleep(100) }`, in real
 * time. Measured: heap bytes per task while all N sleep (gc() before and
 * after spawning; the array that keeps the N handles, 8 B per task, is
 * included for every contender), and µs per spawn (from the first spawn until
 * every task has started its sleep). Then every task is awaited; the check is
 * the number of tasks that finished, each no earlier than its 100 ms.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { sleep, spawnTask } from "../task.ts";
import { SharedTimer } from "./_baselines.ts";
import { collectGarbage, type Contender, type Kind, type Sample } from "./_harness.ts";

/** How long every task sleeps, in ms. */
export const SLEEP_MS = 100;

function tasks(
  name: string,
  kind: Kind,
  n: number,
  reference: string | undefined,
  spawn: (onDone: () => void) => PromiseLike<void>,
): Contender {
  return {
    name,
    kind,
    expected: n,
    ...(reference !== undefined ? { reference } : {}),
    async measure(): Promise<Sample> {
      const handles: PromiseLike<void>[] = new Array(n).fill(undefined);
      let done = 0;
      let early = 0;
      let start = 0;
      // Shared by every task (no per-task state): each task started its
      // sleep after \`start\`, so none may finish before start + SLEEP_MS.
      const onDone = () => {
        if (performance.now() < start + SLEEP_MS - 1) early++;
        done++;
      };
      collectGarbage();
      const heapBefore = Deno.memoryUsage().heapUsed;
      start = performance.now();
      for (let i = 0; i < n; i++) handles[i] = spawn(onDone);
      // Every task has started once the microtasks have run: a macrotask later.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      const spawned = performance.now();
      collectGarbage();
      const heapAfter = Deno.memoryUsage().heapUsed;
      await Promise.all(handles);
      const elapsed = performance.now() - start;
      return {
        check: early === 0 ? done : -1,
        metrics: {
          bytes: (heapAfter - heapBefore) / n,
          us: ((spawned - start) * 1e3) / n,
          totalMs: elapsed,
        },
      };
    },
  };
}

/** The contenders of row 4 for `n` tasks. */
export function taskContenders(n: number): Contender[] {
  const timer = new SharedTimer();
  const storage = new AsyncLocalStorage<object>();
  return [
    tasks("one setTimeout per task", "baseline", n, "~1,125 B, ~4 µs", (onDone) =>
      (async () => {
        await new Promise<void>((resolve) => setTimeout(resolve, SLEEP_MS));
        onDone();
      })()),
    tasks(
      "shared timer (hand-written buckets)",
      "baseline",
      n,
      "~630 B, ~1 µs",
      (onDone) =>
        (async () => {
          await timer.sleep(SLEEP_MS);
          onDone();
        })(),
    ),
    // What implicit task attribution costs by itself: each task's code runs
    // in its own AsyncLocalStorage context, as weft's tasks do (so that
    // abort() finds the task's pending sleeps).
    tasks(
      "shared timer, each task in AsyncLocalStorage.run",
      "baseline",
      n,
      undefined,
      (onDone) =>
        storage.run({}, async () => {
          await timer.sleep(SLEEP_MS);
          onDone();
        }),
    ),
    tasks("weft: spawnTask + sleep", "weft", n, undefined, (onDone) =>
      spawnTask(async () => {
        await sleep(SLEEP_MS);
        onDone();
      })),
  ];
}
