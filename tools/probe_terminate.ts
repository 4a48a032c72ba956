/**
 * Probes whether `terminate()` stops a worker spinning in synchronous code
 * (issue 12, fault 8), so the README's claim can be checked on a newer Deno.
 * A `node:worker_threads` worker and a web Worker each count in shared memory,
 * in a loop that never yields; the probe terminates each and reads the count
 * again a second later. On Deno 2.9.6 both counts go on growing (the worker
 * runs on until it yields or the process ends). A terminated spinning
 * `node:worker_threads` worker no longer keeps the process alive (weft's
 * threads and pool use those); a web Worker's does, so the probe ends itself.
 *
 *   deno run --allow-read tools/probe_terminate.ts
 *
 * @module
 */
import { Worker as NodeWorker } from "node:worker_threads";

const SPIN = "const c = new Int32Array(DATA); for (;;) Atomics.add(c, 0, 1);";

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function probe(name: string, start: (buffer: SharedArrayBuffer) => () => Promise<unknown>) {
  const buffer = new SharedArrayBuffer(4);
  const count = new Int32Array(buffer);
  const terminate = start(buffer);
  while (Atomics.load(count, 0) === 0) await pause(10);
  await terminate();
  const atTerminate = Atomics.load(count, 0);
  await pause(1000);
  const later = Atomics.load(count, 0);
  const verdict = later > atTerminate ? "still running" : "stopped";
  console.log(`${name}: ${atTerminate} at terminate(), ${later} a second later: ${verdict}`);
}

console.log(`Deno ${Deno.version.deno}`);
await probe("node:worker_threads", (buffer) => {
  const source = `const DATA = require("node:worker_threads").workerData; ${SPIN}`;
  const worker = new NodeWorker(source, { eval: true, workerData: buffer });
  return () => worker.terminate();
});
await probe("web Worker", (buffer) => {
  const source = `self.onmessage = (e) => { const DATA = e.data; ${SPIN} };`;
  const worker = new Worker(`data:text/javascript,${encodeURIComponent(source)}`, {
    type: "module",
  });
  worker.postMessage(buffer);
  return () => Promise.resolve(worker.terminate());
});
Deno.exit(0);
