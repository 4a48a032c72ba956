/**
 * Helpers of the bounded-concurrency tests: timed work items that record
 * when they start, finish and are aborted, and hand-settled deferreds (the
 * oneshot channels of futures-rs's own tests).
 *
 * @module
 */
import { sleep } from "../../task.ts";

/** What happened to the work items of one test: `[ms, label]` lists. */
export class WorkLog {
  /** `[ms, label]` of each start. */
  readonly started: [number, string][] = [];
  /** `[ms, label]` of each abort seen by a signal. */
  readonly aborted: [number, string][] = [];
  /** The clock's zero. */
  readonly #t0 = Date.now();

  /** Work that sleeps `ms` (abortable) and then yields `label`, or rejects with `fail`. */
  after(ms: number, label: string, fail?: Error): (signal: AbortSignal) => Promise<string> {
    return (signal) => this.run(ms, label, signal, fail);
  }

  /** Runs one item's work: sleeps `ms` under `signal`, then gives `label` or rejects. */
  async run(ms: number, label: string, signal: AbortSignal, fail?: Error): Promise<string> {
    this.started.push([Date.now() - this.#t0, label]);
    signal.addEventListener("abort", () => this.aborted.push([Date.now() - this.#t0, label]));
    await sleep(ms, { signal });
    if (fail !== undefined) throw fail;
    return label;
  }
}

/** A promise settled by hand, like the receiving end of a oneshot channel. */
export interface Deferred<T> {
  /** The promise. */
  readonly promise: Promise<T>;
  /** Fulfils it. */
  send(value: T): void;
  /** Rejects it. */
  fail(error: unknown): void;
}

/** Makes a {@linkcode Deferred}. */
export function deferred<T>(): Deferred<T> {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  promise.catch(() => {});
  return { promise, send: resolve, fail: reject };
}
