/**
 * Fault injection on the blocking pool (issue 12): a job that posts its own
 * messages, throws hostile errors, runs out of heap or is abandoned must never
 * crash, hang or misroute another caller's result, nor keep the process alive.
 */
import { BlockingPool, spawnBlocking, WorkerExited } from "../blocking.ts";
import { run, timeout } from "../task.ts";
import { assert, assertEquals, assertThrows } from "./_assert.ts";
import { LIMIT_MS, poolTest, SpinLatch, within } from "./_workers.ts";
import { rejection } from "./_helpers.ts";

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

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

// -- Fault 3: a job's own messages --

poolTest(
  "fault 3: a job posting on parentPort cannot shift or steal other jobs' results",
  async () => {
    await using pool = new BlockingPool({ size: 1 });
    const noisy = pool.spawn(async () => {
      const { parentPort } = await import("node:worker_threads");
      parentPort?.postMessage("progress 50%");
      parentPort?.postMessage(null);
      return "A";
    });
    const b = pool.spawn((_ctx, x: number) => x * 2, 21);
    const c = pool.spawn(() => "C");
    assertEquals(await within(Promise.all([noisy, b, c])), ["A", 42, "C"]);
  },
);

poolTest("fault 3: a job finds no runtime port in workerData", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const keys = await within(pool.spawn(async () => {
    const { workerData } = await import("node:worker_threads");
    return Object.keys(workerData as object);
  }));
  assert(!keys.includes("jobs") && !keys.includes("answers"), keys.join());
});

// -- Fault 5: heap limit --

poolTest("fault 5: a job that runs out of heap rejects; the pool goes on", async () => {
  await using pool = new BlockingPool({ size: 1, resourceLimits: { maxOldGenerationSizeMb: 24 } });
  const error = await within(rejection(pool.spawn(() => {
    const hog: number[][] = [];
    for (;;) hog.push(new Array(100_000).fill(1));
  })));
  assert(error instanceof WorkerExited, String(error));
  assert(error.message.includes("out of memory"), error.message);
  assertEquals(await within(pool.spawn(() => "still serving")), "still serving");
});

// -- Fault 6: no env prompt on a terminal --

/** Whether commands can run under a pseudo-terminal (`deno task test:faults` grants it). */
const canRunScript = Deno.permissions.querySync({ name: "run", command: "script" }).state ===
  "granted";

/** Runs `args` (a Deno command line) under a pseudo-terminal; kills it after `ms`. */
async function inTerminal(args: string[], ms: number): Promise<{ text: string; ok: boolean }> {
  const command = [Deno.execPath(), ...args].join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = realSetTimeout(() => {
    killed = true;
    child.kill();
  }, ms);
  const output = await child.output();
  realClearTimeout(timer);
  const decoder = new TextDecoder();
  const text = decoder.decode(output.stdout) + decoder.decode(output.stderr);
  return { text: killed ? `(killed after ${ms} ms) ${text}` : text, ok: output.success && !killed };
}

Deno.test({
  name: "fault 6: examples/encoding.ts under a pseudo-terminal runs without a prompt",
  ignore: !canRunScript,
  async fn() {
    const example = new URL("../examples/encoding.ts", import.meta.url).pathname;
    const { text, ok } = await inTerminal(["run", example], LIMIT_MS);
    assert(!text.includes("Deno requests"), text);
    assert(ok && text.includes("speed-up"), text);
  },
});

// -- Fault 7: abandoned jobs and the process's life --

for (const mode of ["inside-run", "aborted"]) {
  Deno.test({
    name: `fault 7: a spinning job abandoned (${mode}) does not keep the process alive`,
    ignore: !canRunScript,
    async fn() {
      const script = new URL("./fixtures/abandoned_job.ts", import.meta.url).pathname;
      const { text, ok } = await inTerminal(["run", script, mode], 15_000);
      assert(ok, text);
    },
  });
}

poolTest("fault 7: the end of run() terminates the worker of a job it timed out", async () => {
  using latch = new SpinLatch();
  const spin = (_ctx: unknown, spin: Int32Array) => {
    while (Atomics.load(spin, 0) === 0); // spins until the test is over
  };
  const outcome = await within(
    run(() => timeout(20, spawnBlocking(spin, latch.flag))).catch((e) => e),
  );
  assert(outcome instanceof Error && outcome.name === "Elapsed", String(outcome));
  await BlockingPool.shared.shutdown();
});

// -- Fault 9: options a pool does not understand --

Deno.test("fault 9: unknown pool options and job keys are refused with a TypeError", () => {
  assertThrows(() => new BlockingPool({ sise: 2 } as never), TypeError, "unknown options key");
  assertThrows(
    () => new BlockingPool({ resourceLimits: { maxOldGenerationSizeMB: 8 } } as never),
    TypeError,
    "unknown resourceLimits key",
  );
  const pool = new BlockingPool({ size: 1 });
  assertThrows(
    () => pool.spawn({ fn: () => 1, sginal: null } as never),
    TypeError,
    "unknown job key",
  );
});
