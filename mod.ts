/**
 * weft: the concurrency model of *The Rust Programming Language*, chapter 17.6
 * ("Futures, Tasks, and Threads", and its `trpl` crate), in TypeScript: async
 * tasks, channels, stream combinators with tokio-stream's exact timing, and
 * threads (`node:worker_threads` Workers in Deno, Node and Bun; web Workers
 * in a browser page) that feed async code.
 *
 * @example A task sends, the main task receives
 * ```ts
 * import { channel, run, sleep, spawnTask } from "@weft/weft";
 * import assert from "node:assert/strict";
 *
 * const received = await run(async () => {
 *   const [tx, rx] = channel<string>();
 *   spawnTask(async () => {
 *     for (const word of ["hi", "from", "a", "task"]) {
 *       tx.send(word);
 *       await sleep(1);
 *     }
 *     tx.close();
 *   });
 *   return await Array.fromAsync(rx);
 * });
 * assert.deepStrictEqual(received, ["hi", "from", "a", "task"]);
 * ```
 *
 * @module
 */
export * from "./task.ts";
export * from "./channel.ts";
export * from "./stream.ts";
export * from "./sync.ts";
export * from "./worker_producer.ts";
export * from "./blocking.ts";
