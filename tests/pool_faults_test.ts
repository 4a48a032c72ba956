/**
 * Fault injection on the blocking pool (issue 12): a job that posts its own
 * messages, throws hostile errors, runs out of heap or is abandoned must never
 * crash, hang or misroute another caller's result, nor keep the process alive.
 */
import { BlockingPool } from "../blocking.ts";
import { liveWorkers, workersExited } from "../_pool/worker.ts";
import { assert, assertEquals } from "./_assert.ts";
import { rejection } from "./_helpers.ts";

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const LIMIT_MS = 30_000;

function within<T>(promise: PromiseLike<T>, ms = LIMIT_MS): Promise<T> {
  let id: ReturnType<typeof realSetTimeout> | undefined;
  const timer = new Promise<never>((_, reject) => {
    id = realSetTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timer]).finally(() => realClearTimeout(id));
}

function poolTest(name: string, fn: () => Promise<void>): void {
  Deno.test(name, async () => {
    await fn();
    await within(workersExited());
    assertEquals(liveWorkers(), 0, "a pool worker was left running");
  });
}

// -- Fault 2: error classes named after Object.prototype keys --

poolTest(
  "fault 2: jobs throwing classes named after Object.prototype keys fail cleanly",
  async () => {
    await using pool = new BlockingPool({ size: 1 });
    for (
      const name of ["toString", "valueOf", "hasOwnProperty", "constructor", "__defineGetter__"]
    ) {
      const error = await within(rejection(pool.spawn((_ctx, name: string) => {
        throw { message: "hostile", constructor: { name } };
      }, name)));
      assert(error instanceof Error, `${name}: ${String(error)}`);
      assertEquals([error.constructor.name, error.message], [name, "hostile"]);
    }
    assertEquals(await within(pool.spawn(() => "still serving")), "still serving");
  },
);

// -- Fault 11: the spawn site --

poolTest("fault 11: a job's error ends with the spawn call site", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const error = await within(rejection(pool.spawn(() => {
    throw new RangeError("traced");
  }))) as Error;
  const lines = error.stack!.split("\n");
  assert(lines.some((line) => line.includes("weft-blocking-job.js")), error.stack);
  assert(lines.at(-1)!.includes("pool_faults_test.ts"), error.stack);
});
