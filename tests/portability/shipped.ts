/**
 * Functions weft ships to workers as source, after a transpiler has been
 * through them: `tools/portability.sh` runs this file with tsx, and bundled
 * by esbuild with `--keep-names` (plain and minified). Both insert
 * `__name(fn, "name")` calls into functions that define named inner
 * functions, weft's own worker runtimes included, and the helper does not
 * travel with a function's source.
 *
 * Prints `ok <name>` or `FAILED <name>` per check, then `ok all`, or throws.
 *
 * @module
 */
import { deepStrictEqual } from "node:assert/strict";
import { channel } from "@weft/weft/channel";
import { BlockingPool } from "@weft/weft/blocking";
import { spawnThread } from "@weft/weft/worker-producer";

const failures: string[] = [];

async function check(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
    console.log(`ok ${name}`);
  } catch (error) {
    failures.push(name);
    console.log(`FAILED ${name}\n  ${String((error as Error)?.stack ?? error)}`);
  }
}

await check("a pool job with named inner functions", async () => {
  const pool = new BlockingPool({ size: 1 });
  try {
    const result = await pool.spawn((_ctx, words: string[]) => {
      function shout(word: string): string {
        return `${word.toUpperCase()}!`;
      }
      const join = (parts: string[]) => parts.join(" ");
      return join(words.map(shout));
    }, ["a", "b"]);
    deepStrictEqual(result, "A! B!");
  } finally {
    await pool.shutdown();
  }
});

await check("a thread with named inner functions", async () => {
  const [tx, rx] = channel<number>();
  spawnThread((tx) => {
    function square(n: number): number {
      return n * n;
    }
    const send = (n: number) => tx.send(square(n));
    for (let n = 1; n <= 3; n++) send(n);
  }, tx);
  const received: number[] = [];
  for await (const n of rx) received.push(n);
  deepStrictEqual(received, [1, 4, 9]);
});

if (failures.length > 0) throw new Error(`failed: ${failures.join("; ")}`);
console.log("ok all");
