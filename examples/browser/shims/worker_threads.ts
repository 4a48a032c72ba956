/**
 * `node:worker_threads` for the browser page: the part weft's threads use,
 * over a web `Worker`. The worker is started from a small prelude that waits
 * for the eval source and its `workerData` (with the ports it carries), gives
 * that source `require("node:worker_threads")` and `setImmediate`, and runs
 * it. A web Worker does not exit by itself when it has nothing left to do, as
 * a Node one does: the shim reports its exit when it is terminated.
 *
 * @module
 */
/// <reference lib="dom" />

/** Node's marker for a worker that shares the process's environment (no meaning here). */
export const SHARE_ENV: unique symbol = Symbol.for("nodejs.worker_threads.SHARE_ENV");

/** What the shim's worker runs first. */
const PRELUDE = `"use strict";
{
  const queue = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => queue.shift()?.();
  globalThis.setImmediate ??= (fn, ...args) => {
    queue.push(() => fn(...args));
    channel.port2.postMessage(null);
  };
}
self.onmessage = (event) => {
  self.onmessage = null;
  const { source, workerData } = event.data;
  const parentPort = {
    postMessage: (message, transfer) => self.postMessage(message, transfer ?? []),
  };
  globalThis.require = (name) => {
    if (name === "node:worker_threads" || name === "worker_threads") {
      return { workerData, parentPort, isMainThread: false };
    }
    throw new Error("Cannot require " + name + ": a browser worker has no Node modules");
  };
  (0, eval)(source);
};
`;

/** Options the shim understands. */
export interface WorkerOptions {
  /** Must be true: the first argument is source, not a file. */
  eval?: boolean;
  /** The worker's name. */
  name?: string;
  /** Handed to the worker as `require("node:worker_threads").workerData`. */
  workerData?: unknown;
  /** What `workerData` moves rather than copies (ports, buffers). */
  transferList?: readonly Transferable[];
  /** Accepted and ignored. */
  env?: unknown;
  /** Accepted and ignored: a browser sets no per-worker heap limit. */
  resourceLimits?: unknown;
}

type Listener = (...args: unknown[]) => void;

let preludeUrl: string | undefined;

/** A `node:worker_threads` Worker over a web Worker, for eval sources. */
export class Worker {
  readonly #worker: globalThis.Worker;
  readonly #listeners = new Map<string, Listener[]>();
  #exited = false;

  /** Starts a worker running `source` (`options.eval` must be true). */
  constructor(source: string, options: WorkerOptions = {}) {
    if (options.eval !== true) {
      throw new TypeError("Cannot start the worker: the browser shim runs eval sources only");
    }
    preludeUrl ??= URL.createObjectURL(new Blob([PRELUDE], { type: "text/javascript" }));
    this.#worker = new globalThis.Worker(preludeUrl, { name: options.name ?? "worker" });
    this.#worker.onmessage = (event) => this.#emit("message", event.data);
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#emit("error", event.error ?? new Error(event.message));
      this.#exit(1);
    };
    const transfer = [...(options.transferList ?? [])];
    this.#worker.postMessage({ source, workerData: options.workerData }, transfer);
  }

  /** Adds a listener for `event` (`message`, `error`, `exit`). */
  on(event: string, listener: Listener): this {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    return this;
  }

  /** Adds a listener called at most once. */
  once(event: string, listener: Listener): this {
    const wrapper: Listener = (...args) => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  /** Removes a listener. */
  off(event: string, listener: Listener): this {
    const list = this.#listeners.get(event);
    if (list !== undefined) this.#listeners.set(event, list.filter((l) => l !== listener));
    return this;
  }

  /** Posts a message to the worker. */
  postMessage(message: unknown, transfer: readonly Transferable[] = []): void {
    this.#worker.postMessage(message, [...transfer]);
  }

  /** Ends the worker; resolves with its exit code (1). */
  terminate(): Promise<number> {
    this.#worker.terminate();
    this.#exit(1);
    return Promise.resolve(1);
  }

  /** No meaning in a browser. */
  ref(): void {}

  /** No meaning in a browser. */
  unref(): void {}

  #exit(code: number): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#emit("exit", code);
  }

  #emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(...args);
  }
}
