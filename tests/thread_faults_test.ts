/**
 * Fault injection on the thread path (issue 12): a thread's code that exits,
 * throws hostile errors, posts its own messages, writes into weft's shared
 * memory, runs out of heap or spins must never crash, hang or feed the main
 * side values that were never sent; accepted values are delivered or the
 * loss is reported.
 */
import { channel } from "../channel.ts";
import { spawnThread } from "../worker_producer.ts";
import { liveThreads } from "../_thread/main.ts";
import { assert, assertEquals } from "./_assert.ts";
import { rejection } from "./_helpers.ts";

// Real workers run in real time: every wait on one is bounded by this
// timeout (a failure, never a sleep), and every test ends with no thread left.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const LIMIT_MS = 20_000;

function within<T>(promise: PromiseLike<T>, ms = LIMIT_MS): Promise<T> {
  let id: ReturnType<typeof realSetTimeout> | undefined;
  const timer = new Promise<never>((_, reject) => {
    id = realSetTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timer]).finally(() => realClearTimeout(id));
}

function threadTest(name: string, fn: () => Promise<void>): void {
  Deno.test(name, async () => {
    await fn();
    assertEquals(liveThreads(), 0, "a thread was left running");
  });
}

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
