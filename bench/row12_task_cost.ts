/**
 * Row 12: what a task costs beside a plain async function (issue 17). N tasks
 * or async functions, each `async () => { await p; return 1; }`, started in
 * one loop and then awaited one by one (`await handle`), or all at once
 * (`joinAll(handles)`, `Promise.all(promises)`).
 *
 * Measured, each run: `ns` per task, from the first spawn until every result
 * is in, with `p` already resolved; and heap `bytes` per task while all N wait
 * on `p` still pending (gc() before and after; the array of the N handles,
 * 8 B per task, counts for every contender). The check is the sum of the
 * results.
 *
 * Beside weft: a hand-written task that does only what `spawnTask`'s
 * contract asks of any task (its function starts in a microtask, its result
 * is awaited through a thenable handle, not a promise), and
 * each async function in its own `AsyncLocalStorage.run` (what carrying a
 * task's identity per task would cost through Deno's `AsyncLocalStorage`).
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { joinAll, spawnTask } from "../task.ts";
import { collectGarbage, type Contender, type Kind, type Sample } from "./_harness.ts";

/** How a contender starts one task whose body awaits `p`. */
type Start = (p: Promise<void>) => PromiseLike<number>;
/** How a contender collects the results. */
type Collect = (handles: PromiseLike<number>[]) => Promise<number>;

async function eachInTurn(handles: PromiseLike<number>[]): Promise<number> {
  let sum = 0;
  for (const handle of handles) sum += await handle;
  return sum;
}

async function promiseAll(handles: PromiseLike<number>[]): Promise<number> {
  return (await Promise.all(handles)).reduce((a, b) => a + b, 0);
}

async function weftJoinAll(handles: PromiseLike<number>[]): Promise<number> {
  return (await joinAll(handles)).reduce((a, b) => a + b, 0);
}

/** A thenable over a promise, as small as a handle can be. */
class Thenable implements PromiseLike<number> {
  readonly #promise: Promise<number>;
  constructor(promise: Promise<number>) {
    this.#promise = promise;
  }
  then<R1 = number, R2 = never>(
    onFulfilled?: ((value: number) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#promise.then(onFulfilled, onRejected);
  }
}

/** Every contender's task body, `async () => { await p; return 1; }`, a fresh closure per task. */
function body(p: Promise<void>): () => Promise<number> {
  return async () => {
    await p;
    return 1;
  };
}

function contender(name: string, kind: Kind, n: number, start: Start, collect: Collect): Contender {
  return {
    name,
    kind,
    expected: 2 * n,
    async measure(): Promise<Sample> {
      const handles: PromiseLike<number>[] = new Array(n).fill(undefined);
      // Memory: every task waits on a promise still pending.
      const gate = Promise.withResolvers<void>();
      collectGarbage();
      const heapBefore = Deno.memoryUsage().heapUsed;
      for (let i = 0; i < n; i++) handles[i] = start(gate.promise);
      // Every task has started once the microtasks have run: a macrotask later.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      collectGarbage();
      const heapAfter = Deno.memoryUsage().heapUsed;
      gate.resolve();
      const waited = await collect(handles);
      // Time: the same, with the promise already resolved.
      collectGarbage();
      const ready = Promise.resolve();
      const begin = performance.now();
      for (let i = 0; i < n; i++) handles[i] = start(ready);
      const sum = await collect(handles);
      const elapsed = performance.now() - begin;
      return {
        check: waited + sum,
        metrics: { ns: (elapsed * 1e6) / n, bytes: (heapAfter - heapBefore) / n },
      };
    },
  };
}

/** The contenders of row 12 for `n` tasks. */
export function taskCostContenders(n: number): Contender[] {
  const storage = new AsyncLocalStorage<object>();
  return [
    contender("plain async function, awaited", "baseline", n, (p) => body(p)(), eachInTurn),
    contender("weft: spawnTask, handle awaited", "weft", n, (p) => spawnTask(body(p)), eachInTurn),
    contender(
      "hand-written: started by a .then, awaited through a thenable",
      "baseline",
      n,
      (p) =>
        new Thenable(
          Promise.resolve().then(() => body(p)()),
        ),
      eachInTurn,
    ),
    contender(
      "async function in AsyncLocalStorage.run, awaited",
      "baseline",
      n,
      (p) => storage.run({}, body(p)),
      eachInTurn,
    ),
    contender("plain async functions, Promise.all", "baseline", n, (p) => body(p)(), promiseAll),
    contender(
      "weft: spawnTask handles, joinAll",
      "weft",
      n,
      (p) => spawnTask(body(p)),
      weftJoinAll,
    ),
  ];
}
