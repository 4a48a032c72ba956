/**
 * Row 7: a task group. N tasks, each an async function returning its index,
 * started at once and collected as they finish: weft's `JoinSet` (`spawn` +
 * `joinNext()`, and `spawn` + `joinAll()`) beside `Promise.all` of async
 * functions and Effect's `forEach(..., { concurrency: "unbounded" })` (a fiber
 * per item). The check is the count, if the values sum to 0 + 1 + ... + N-1.
 * The metric is ns per task, spawn to collected.
 *
 * @module
 */
import { Effect as Effect3 } from "npm:effect@3.22.4";
import { Effect as Effect4 } from "npm:effect@4.1.0";
import { joinAll, JoinSet, spawnTask } from "../task.ts";
import { type Contender, timed } from "./_harness.ts";

/** A task's body: an async function doing no work, so the task around it is what is measured. */
// deno-lint-ignore require-await
async function work(i: number): Promise<number> {
  return i;
}

/** `n` if `sum` is 0 + 1 + ... + n-1, else -1. */
function checked(n: number, sum: number): number {
  return sum === (n * (n - 1)) / 2 ? n : -1;
}

/** The contenders of row 7 for `n` tasks. */
export function joinSetContenders(n: number): Contender[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  return [
    timed("weft: JoinSet spawn + joinNext", "weft", n, n, async () => {
      const set = new JoinSet<number>();
      for (let i = 0; i < n; i++) set.spawn(() => work(i));
      let sum = 0;
      for (let r = await set.joinNext(); r !== undefined; r = await set.joinNext()) {
        if (r.ok) sum += r.value;
      }
      return checked(n, sum);
    }),
    timed("weft: JoinSet spawn + joinAll", "weft", n, n, async () => {
      const set = new JoinSet<number>();
      for (let i = 0; i < n; i++) set.spawn(() => work(i));
      const values = await set.joinAll();
      return checked(n, values.reduce((a, b) => a + b, 0));
    }),
    timed("weft: spawnTask handles + joinAll", "weft", n, n, async () => {
      const handles = indices.map((i) => spawnTask(() => work(i)));
      const values = await joinAll(handles);
      return checked(n, values.reduce((a, b) => a + b, 0));
    }),
    timed("Promise.all of async functions", "baseline", n, n, async () => {
      const values = await Promise.all(indices.map(work));
      return checked(n, values.reduce((a, b) => a + b, 0));
    }),
    timed("Effect 3 forEach, unbounded", "peer", n, n, async () => {
      const values = await Effect3.runPromise(
        Effect3.forEach(indices, (i) => Effect3.promise(() => work(i)), {
          concurrency: "unbounded",
        }),
      );
      return checked(n, values.reduce((a, b) => a + b, 0));
    }),
    timed("Effect 4 forEach, unbounded", "peer", n, n, async () => {
      const values = await Effect4.runPromise(
        Effect4.forEach(indices, (i) => Effect4.promise(() => work(i)), {
          concurrency: "unbounded",
        }),
      );
      return checked(n, values.reduce((a, b) => a + b, 0));
    }),
  ];
}
