/**
 * 1,000 simulated requests, at most 16 in flight, each with its own timeout,
 * and a live progress bar: the everyday "call many endpoints" job done with
 * `mapAsync(f, { concurrency: 16, ordered: false })`. No network: each
 * request sleeps a latency derived from its id, so every run (and the test
 * under `TestClock`) gives the same timeline. Run it with
 * `deno run examples/fetch_many.ts`; it exits by itself after about 8 s. In
 * real time, timers drift, so the count of timed-out requests varies a
 * little from run to run (225 in virtual time).
 *
 * @module
 */
import { Elapsed, run, sleep, Stream, timeout } from "../mod.ts";

/** What the job was asked to do. */
export interface FetchManyOptions {
  /** How many requests. */
  n: number;
  /** At most this many in flight. */
  concurrency: number;
  /** The time limit of one request, in ms. */
  timeoutMs: number;
  /** Called as each request ends, with the counts so far. */
  onProgress?: (progress: Progress) => void;
}

/** The counts so far. */
export interface Progress {
  /** Requests ended (answered or timed out). */
  done: number;
  /** Requests in all. */
  total: number;
  /** Requests that timed out. */
  timedOut: number;
  /** Requests in flight right now. */
  inFlight: number;
}

/** How one request ended. */
export interface Outcome {
  /** The request's id. */
  id: number;
  /** The body, or `undefined` if it timed out. */
  body: string | undefined;
  /** When it ended (`Date.now()`). */
  at: number;
}

/** The simulated latency of request `id`, in ms: odd, 11-249, spread deterministically. */
export function latencyOf(id: number): number {
  // Odd, so that no request ends at the very instant of its 200 ms timeout.
  return 11 + 2 * ((id * 7_919 + 13) % 120);
}

/** A stand-in for `fetch`: answers after `latencyOf(id)` ms; `signal` aborts it. */
export async function simulatedFetch(id: number, signal: AbortSignal): Promise<string> {
  await sleep(latencyOf(id), { signal });
  return `body of #${id}`;
}

/** Runs the requests; resolves with every outcome in the order they ended. */
export async function fetchMany(options: FetchManyOptions): Promise<Outcome[]> {
  const { n, concurrency, timeoutMs, onProgress } = options;
  const progress: Progress = { done: 0, total: n, timedOut: 0, inFlight: 0 };
  const ids = Stream.iter(Array.from({ length: n }, (_, id) => id));
  const outcomes = ids.mapAsync(async (id): Promise<Outcome> => {
    progress.inFlight++;
    try {
      const body = await timeout(timeoutMs, (signal) => simulatedFetch(id, signal));
      return { id, body, at: Date.now() };
    } catch (error) {
      if (!(error instanceof Elapsed)) throw error;
      progress.timedOut++;
      return { id, body: undefined, at: Date.now() };
    } finally {
      progress.inFlight--;
    }
  }, { concurrency, ordered: false });
  return await outcomes.inspect(() => {
    progress.done++;
    onProgress?.({ ...progress });
  }).toArray();
}

/** One line of the progress bar, e.g. `[#####-----]  500/1000  timed out 12  in flight 16`. */
export function progressBar(progress: Progress, width = 30): string {
  const filled = Math.round((progress.done / progress.total) * width);
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  const count = String(progress.done).padStart(String(progress.total).length);
  return `[${bar}] ${count}/${progress.total}  timed out ${progress.timedOut}  in flight ${progress.inFlight}`;
}

/** The example's `main`: 1,000 requests, 16 at a time, 200 ms each at most, drawn to `write`. */
export async function main(write: (text: string) => void = writeStdout): Promise<Outcome[]> {
  let lastDrawn = -1;
  const outcomes = await fetchMany({
    n: 1_000,
    concurrency: 16,
    timeoutMs: 200,
    onProgress(progress) {
      // Redrawn at each whole percent, so the bar costs nothing next to the work.
      const percent = Math.floor((progress.done / progress.total) * 100);
      if (percent === lastDrawn) return;
      lastDrawn = percent;
      write(`\r${progressBar(progress)}`);
    },
  });
  const timedOut = outcomes.filter((o) => o.body === undefined).length;
  write(`\n${outcomes.length - timedOut} answered, ${timedOut} timed out\n`);
  return outcomes;
}

function writeStdout(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

if (import.meta.main) await run(() => main());
