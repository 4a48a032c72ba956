/**
 * `node:worker_threads` for the browser page: what weft's thread path uses
 * of it (`Worker` with `eval: true`, `workerData`, `transferList`, `on`,
 * `once`, `terminate`; `SHARE_ENV`), over a web `Worker`. The worker's script
 * waits for one message holding the source and its `workerData`, then runs
 * the source with a `require` that returns `{ workerData }`. A web Worker
 * reports no exit: `terminate()` emits `exit` itself.
 *
 * @module
 */
/// <reference lib="dom" />

/** Stands for Node's shared-environment marker; a page has no environment. */
export const SHARE_ENV: unique symbol = Symbol("SHARE_ENV");

/** The options weft passes. */
export interface WorkerOptions {
  /** Given to the source as `require("node:worker_threads").workerData`. */
  workerData?: unknown;
  /** What `workerData` moves. */
  transferList?: Transferable[];
  /** The worker's name. */
  name?: string;
}

type Listener = (value: unknown) => void;

/** The worker's bootstrap: runs the source it is sent, with its `workerData`. */
const BOOT = `self.onmessage = (event) => {
  self.onmessage = null;
  const { source, workerData } = event.data;
  new Function("require", source)(() => ({ workerData }));
};`;

let bootUrl: string | undefined;

/** A `node:worker_threads` Worker running `source` in a web Worker. */
export class Worker {
  readonly #worker: globalThis.Worker;
  readonly #listeners = new Map<string, Set<Listener>>();
  #exited = false;

  /** Starts a worker running `source` (the `eval: true` form). */
  constructor(source: string, options: WorkerOptions & Record<string, unknown> = {}) {
    bootUrl ??= URL.createObjectURL(new Blob([BOOT], { type: "text/javascript" }));
    this.#worker = new globalThis.Worker(bootUrl, { name: options.name ?? "worker" });
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#emit("error", new Error(event.message));
    };
    this.#worker.postMessage(
      { source, workerData: options.workerData },
      options.transferList ?? [],
    );
  }

  /** Listens to `error` or `exit`. */
  on(event: string, listener: Listener): this {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, set = new Set());
    set.add(listener);
    return this;
  }

  /** Listens to `event` once. */
  once(event: string, listener: Listener): this {
    const once: Listener = (value) => {
      this.#listeners.get(event)?.delete(once);
      listener(value);
    };
    return this.on(event, once);
  }

  /** Ends the worker; `exit` follows with code 1. */
  terminate(): Promise<number> {
    this.#worker.terminate();
    if (!this.#exited) {
      this.#exited = true;
      queueMicrotask(() => this.#emit("exit", 1));
    }
    return Promise.resolve(1);
  }

  /** A page keeps no process alive: nothing to do. */
  ref(): void {}

  /** A page keeps no process alive: nothing to do. */
  unref(): void {}

  #emit(event: string, value: unknown): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(value);
  }
}
