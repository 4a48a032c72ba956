/**
 * The worker of `bench/blocking.ts`'s poolifier-web-worker contender: a
 * `ThreadWorker` with the jobs as named task functions.
 *
 * @module
 */
import { ThreadWorker } from "npm:poolifier-web-worker@0.5.15";
import { hash, tiny } from "./_pool_jobs.ts";

export default new ThreadWorker<unknown, number>({
  tiny: (x) => tiny(x as number),
  hash: (task) => hash(task as { seed: number; rounds: number }),
});
