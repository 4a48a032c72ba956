/**
 * Fault injection on the thread path (issue 12): a thread's code that exits,
 * throws hostile errors, posts its own messages, writes into weft's shared
 * memory, runs out of heap or spins must never crash, hang or feed the main
 * side values that were never sent; accepted values are delivered or the
 * loss is reported.
 */
import { channel } from "../channel.ts";
import { spawnThread, ThreadExited, ThreadTerminated } from "../worker_producer.ts";
import { threadWorkersExited } from "../_thread/worker.ts";
import { assert, assertEquals } from "./_assert.ts";
import { SpinLatch, threadTest, within } from "./_workers.ts";
import { rejection } from "./_helpers.ts";

// -- Fault 2: error classes named after Object.prototype keys --

threadTest(
  "fault 2: a thread throwing class toString fails with it; main side unharmed",
  async () => {
    const [tx, rx] = channel<number>();
    const thread = spawnThread(() => {
      class toString extends Error {}
      throw new toString("hostile name");
    }, tx);
    const error = await within(rejection(thread.join()));
    assert(error instanceof Error, String(error));
    assertEquals([error.constructor.name, error.message], ["toString", "hostile name"]);
    assertEquals(await rejection(rx.recv()), error);
  },
);

threadTest("fault 2: a plain object naming hasOwnProperty as its constructor", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread(() => {
    throw { message: "plain", constructor: { name: "hasOwnProperty" } };
  }, tx);
  const error = await within(rejection(thread.join()));
  assert(error instanceof Error, String(error));
  assertEquals([error.constructor.name, error.message], ["hasOwnProperty", "plain"]);
  rx.close();
});

// -- Fault 11: the spawn site --

threadTest(
  "fault 11: a thread's error keeps its frames and ends with the spawn call site",
  async () => {
    const [tx, rx] = channel<number>();
    const thread = spawnThread(() => {
      throw new Error("traced");
    }, tx);
    const error = await within(rejection(thread.join())) as Error;
    const lines = error.stack!.split("\n");
    assert(lines.some((line) => line.includes("weft-thread.js")), error.stack);
    assert(lines.at(-1)!.includes("thread_faults_test.ts"), error.stack);
    rx.close();
  },
);

// -- Fault 1: an abrupt end of the worker --

for (const exit of ["Deno.exit(3)", "process.exit(3)"]) {
  threadTest(
    `fault 1: ${exit} right after the 50th send: 50 values, then ThreadExited`,
    async () => {
      const [tx, rx] = channel<number>();
      const thread = spawnThread(
        (tx, _thread, how: string) => {
          for (let i = 1; i <= 50; i++) tx.send(i);
          const global = globalThis as unknown as {
            Deno: { exit(code: number): never };
            process: { exit(code: number): never };
          };
          if (how === "Deno.exit(3)") global.Deno.exit(3);
          else global.process.exit(3);
        },
        tx,
        { args: [exit] },
      );
      const received: number[] = [];
      const error = await within(rejection((async () => {
        for await (const value of rx) received.push(value);
      })()));
      assertEquals(received, Array.from({ length: 50 }, (_, i) => i + 1));
      assert(error instanceof ThreadExited, String(error));
      assertEquals(error.code, 3);
      assertEquals(await rejection(thread.join()), error);
      assertEquals(thread.isFinished, true);
    },
  );
}

// -- Fault 3: the thread's own messages --

threadTest("fault 3: postMessage from the thread's code is never taken for data", async () => {
  const [tx, rx] = channel<unknown>();
  const thread = spawnThread(async (tx) => {
    const post = (globalThis as unknown as { postMessage(m: unknown): void }).postMessage;
    tx.send(1);
    post("hello");
    post(null);
    const { parentPort } = await import("node:worker_threads");
    parentPort?.postMessage([0, ["forged"]]);
    tx.send("two");
    return "done";
  }, tx);
  assertEquals(await within(Array.fromAsync(rx)), [1, "two"]);
  assertEquals(await within(thread.join()), "done");
});

// -- Fault 4: writes into weft's shared memory --

/**
 * A thread that captures its control block (through a patched
 * `Atomics.store`), sends 1 and 2, then moves HEAD (`how`) and keeps it
 * there (the runtime's own stores to HEAD are dropped), sends 3 and waits to
 * be stopped.
 */
function corrupter(
  tx: { send(value: number): void },
  thread: { sleepSync(ms: number): void; readonly stopped: boolean },
  how: string,
): void {
  const HEAD = 8;
  const realStore = Atomics.store;
  let control: Int32Array | null = null;
  let frozen = false;
  (Atomics as { store: typeof Atomics.store }).store =
    ((array: Int32Array, i: number, v: number) => {
      if (array.length === 12) control = array;
      if (frozen && array === control && i === HEAD) return v;
      return realStore(array, i, v);
    }) as typeof Atomics.store;
  tx.send(1);
  tx.send(2);
  thread.sleepSync(0);
  const words = control as Int32Array | null;
  if (words === null) throw new Error("no control block seen");
  const head = Atomics.load(words, HEAD);
  const moved = how === "behind" ? head - 5 : how === "far" ? head + 1_000_000 : head + 100;
  realStore(words, HEAD, moved | 0);
  frozen = true;
  tx.send(3);
  while (!thread.stopped) thread.sleepSync(5);
}

for (const how of ["behind", "far", "ahead"]) {
  threadTest(`fault 4: HEAD moved ${how} fails the stream, no spin, no made-up value`, async () => {
    const [tx, rx] = channel<number>();
    const thread = spawnThread(corrupter, tx, { args: [how] });
    const received: number[] = [];
    const error = await within(rejection((async () => {
      for await (const value of rx) received.push(value);
    })()));
    assert(error instanceof Error && error.message.includes("impossible state"), String(error));
    assert(received.length <= 3 && received.every((v, i) => v === i + 1), String(received));
    assertEquals(await rejection(thread.join()), error);
  });
}

// -- Fault 5: heap limit --

threadTest("fault 5: a thread that runs out of heap fails with ThreadExited", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread(
    (tx) => {
      tx.send(1);
      const hog: number[][] = [];
      for (;;) hog.push(new Array(100_000).fill(1));
    },
    tx,
    { resourceLimits: { maxOldGenerationSizeMb: 24 } },
  );
  const error = await within(rejection(thread.join()));
  assert(error instanceof ThreadExited, String(error));
  assert(error.message.includes("out of memory"), error.message);
  rx.close();
  const [tx2, rx2] = channel<number>();
  spawnThread((tx) => tx.send(7), tx2);
  assertEquals(await within(Array.fromAsync(rx2)), [7]);
});

// -- Fault 8: terminate() --

threadTest("fault 8: terminate() ends a thread spinning in synchronous code", async () => {
  using latch = new SpinLatch();
  const [tx, rx] = channel<number>();
  const thread = spawnThread(
    (tx, _thread, spin: Int32Array) => {
      tx.send(1);
      while (Atomics.load(spin, 0) === 0); // spins until the test is over
    },
    tx,
    { args: [latch.flag] },
  );
  assertEquals(await within(rx.recv()), 1);
  thread.terminate();
  assert((await within(rejection(thread.join()))) instanceof ThreadTerminated);
  await within(threadWorkersExited());
});
