/**
 * The worker of `bench/blocking.ts`'s hand-written baseline (a
 * `node:worker_threads` worker): answers each job `[id, x]` with
 * `[id, x + 1]`, or with the hash of `[id, seed, rounds]`.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { hashRounds } from "./_pool_jobs.ts";

parentPort!.on("message", (job: number[]) => {
  const [id, a, b] = job as [number, number, number | undefined];
  parentPort!.postMessage([id, b === undefined ? a + 1 : hashRounds(a, b)]);
});
