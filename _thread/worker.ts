/**
 * Internal: the Worker behind one weft thread, and the bookkeeping of which
 * threads are alive.
 *
 * - A thread's worker is a `node:worker_threads` Worker evaluating
 *   `runtime.ts`'s source, sharing the process's environment, with the
 *   thread's port private to weft's runtime transferred to it. Its start
 *   message carries the control block, the ring and the thread's code.
 * - Threads whose worker is alive are counted (`liveThreads`, for leak checks
 *   in tests), and workers that have not exited yet are tracked
 *   (`threadWorkersExited`, for tests: a terminate really stopped it).
 * - A worker's error says whether it reached its heap limit (`outOfMemory`).
 *
 * @module
 */
import { withResolvers } from "../_runtime/promise.ts";
import { SHARE_ENV, Worker as NodeWorker } from "node:worker_threads";
import type { ResourceLimits } from "../_worker/limits.ts";
import { LAYOUT, MSG, type StartMessage } from "./protocol.ts";
import { RING_CAPACITY } from "./reader.ts";
import { runtimeSource, type ThreadWorkerData } from "./runtime.ts";

/** How a thread is started. */
export interface ThreadStart {
  /** The inline function's source, or undefined. */
  source: string | undefined;
  /** The module URL, or undefined. */
  url: string | undefined;
  /** Extra arguments. */
  args: unknown[];
  /** The worker's name. */
  name: string;
  /** Makes the error of a terminated thread. */
  terminated: (why: string) => Error;
  /** Where the thread was spawned (its stack names the caller), added to its errors. */
  site: Error;
  /** Makes the error of a thread whose worker exited (`outOfMemory`: at its heap limit). */
  exited: (code: number, cause: unknown, outOfMemory: boolean) => Error;
  /** The worker's resource limits, if any. */
  resourceLimits: ResourceLimits | undefined;
}

/** Values per batch before the thread posts them. */
const BATCH = 4096;
/** Threads whose worker is still alive. */
let live = 0;
/** The runtime's source, made once. */
let runtime: string | undefined;

/** Workers of threads that have not exited yet. */
const exiting = new Set<Promise<void>>();

/** How many threads are still running (for leak checks in tests). */
export function liveThreads(): number {
  return live;
}

/** Resolves once every thread's worker has exited (for tests: a terminate really stopped it). */
export function threadWorkersExited(): Promise<void> {
  return Promise.all(exiting).then(() => {});
}

/** Counts a thread whose worker is alive (`+1`), or no longer (`-1`). */
export function countLive(delta: 1 | -1): void {
  live += delta;
}

/** Starts the worker of a thread, handing it `port` (tracked until it exits). */
export function startWorker(start: ThreadStart, port: MessagePort): NodeWorker {
  const exit = withResolvers<void>();
  exiting.add(exit.promise);
  runtime ??= runtimeSource();
  const workerData: ThreadWorkerData = { port };
  const worker = new NodeWorker(runtime, {
    eval: true,
    name: start.name,
    workerData,
    // A web MessagePort is a node transferable in Deno; only the types differ.
    transferList: [port] as never,
    // The worker shares the process's environment: starting it reads no
    // variable (a copy would, and ask for the permission on a terminal).
    env: SHARE_ENV,
    ...(start.resourceLimits === undefined ? {} : { resourceLimits: start.resourceLimits }),
  });
  worker.once("exit", () => {
    exiting.delete(exit.promise);
    exit.resolve();
  });
  return worker;
}

/** Whether a worker's error says it reached its heap limit. */
export function outOfMemory(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null | undefined;
  return e?.code === "ERR_WORKER_OUT_OF_MEMORY" ||
    (typeof e?.message === "string" && e.message.includes("memory limit"));
}

/** The message that starts the thread in its worker. */
export function startMessage(
  start: ThreadStart,
  control: SharedArrayBuffer,
  ring: SharedArrayBuffer,
  virtual: boolean,
): StartMessage {
  return {
    control,
    layout: LAYOUT,
    msg: MSG,
    source: start.source,
    url: start.url,
    args: start.args,
    virtual,
    batch: BATCH,
    ring,
    capacity: RING_CAPACITY,
  };
}
