/**
 * The worker of `bench/blocking.ts`'s workerpool contender: registers the jobs.
 *
 * @module
 */
import workerpool from "npm:workerpool@10.0.3";
import { hash, tiny } from "./_pool_jobs.ts";

workerpool.worker({ tiny, hash });
