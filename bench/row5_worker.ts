/**
 * Row 5: one idle Deno Worker: the process's RSS growth once it is up, and
 * the time from `new Worker` to its first message. The check is 1 when the
 * message arrived.
 *
 * @module
 */
import { collectGarbage, type Contender, macrotask, type Sample } from "./_harness.ts";

const IDLE_URL = new URL("./_idle_worker.ts", import.meta.url);

/** The contender of row 5. */
export function workerContenders(): Contender[] {
  return [{
    name: "one idle Deno Worker",
    kind: "baseline",
    expected: 1,
    reference: "~7.4 MB, ~12 ms",
    async measure(): Promise<Sample> {
      collectGarbage();
      await macrotask();
      const rssBefore = Deno.memoryUsage().rss;
      const start = performance.now();
      const worker = new Worker(IDLE_URL, { type: "module" });
      try {
        const message = await new Promise<unknown>((resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => {
            event.preventDefault();
            reject(new Error(event.message));
          };
        });
        const ms = performance.now() - start;
        const rssAfter = Deno.memoryUsage().rss;
        return {
          check: message === "ready" ? 1 : 0,
          metrics: { mb: (rssAfter - rssBefore) / 2 ** 20, ms },
        };
      } finally {
        worker.terminate();
      }
    },
  }];
}
