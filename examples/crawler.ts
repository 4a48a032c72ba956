/**
 * A crawler: the everyday "call many endpoints, a few at a time, stop on the
 * first fatal error" job, with milestone 2's toolkit. Run it with
 * `deno run examples/crawler.ts` (no permission is needed); it crawls 200
 * simulated pages in about two seconds, showing a progress line, and exits by
 * itself. `deno run examples/crawler.ts --fatal 57` makes page 57 fail
 * fatally: everything stops at that instant.
 *
 * - Pages form a tree: page `i` links to pages `2i + 1` and `2i + 2`, so
 *   the crawl discovers 200 pages from page 0. Latencies are deterministic
 *   (no network): page `i` takes `latencyOf(i)` ms.
 * - A `JoinSet` holds one task per discovered page; the main loop takes
 *   results as they finish and spawns the pages they link to.
 * - A `Semaphore` of 8 permits keeps at most 8 fetches in flight; waiting
 *   tasks are served in the order they were discovered (FIFO).
 * - A `CancellationToken` stops everything on the first fatal error: every
 *   fetch and every wait for a permit takes its signal, and the set is shut
 *   down when the crawl leaves its block (`await using`).
 * - Progress goes through a `watch` channel: the crawl publishes counts, a
 *   printer task renders the latest of them at most every 100 ms (watch
 *   keeps only the newest value, so a slow printer never falls behind).
 *
 * @module
 */
import { watch } from "../channel.ts";
import { Stream } from "../stream.ts";
import { Semaphore } from "../sync.ts";
import { CancellationToken, JoinSet, run, sleep, spawnTask } from "../task.ts";

/** What the crawl reports as it goes. */
export interface Progress {
  /** Pages fetched. */
  readonly fetched: number;
  /** Fetches holding a permit now. */
  readonly inFlight: number;
  /** Pages discovered and waiting for a permit. */
  readonly waiting: number;
}

/** How a crawl ended. */
export interface CrawlResult {
  /** Pages fetched. */
  readonly fetched: number;
  /** The most fetches seen in flight at once. */
  readonly maxInFlight: number;
  /** The fatal error that stopped the crawl, if any. */
  readonly error?: unknown;
}

/** Options of {@linkcode crawl}. */
export interface CrawlOptions {
  /** How many pages the site has. @default 200 */
  readonly pages?: number;
  /** Fetches in flight at most. @default 8 */
  readonly concurrency?: number;
  /** A page whose fetch fails fatally, if any. */
  readonly fatalPage?: number;
  /** Where progress lines go. @default console.log */
  readonly print?: (line: string) => void;
}

/** The simulated latency of page `i`, in ms: 20 to 140, spread by a hash of `i`. */
export function latencyOf(i: number): number {
  return 20 + ((i * 7919) % 13) * 10;
}

/** "Fetches" page `i`: waits its latency, then returns the pages it links to. */
async function fetchPage(i: number, pages: number, signal: AbortSignal): Promise<number[]> {
  await sleep(latencyOf(i), { signal });
  return [2 * i + 1, 2 * i + 2].filter((link) => link < pages);
}

/** Renders one progress line. */
function line({ fetched, inFlight, waiting }: Progress, pages: number): string {
  const width = 20;
  const filled = Math.round((fetched / pages) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${fetched}/${pages} fetched, ` +
    `${inFlight} in flight, ${waiting} waiting`;
}

/** Crawls the simulated site; resolves once every page is fetched or a fatal error stopped it. */
export function crawl(options: CrawlOptions = {}): Promise<CrawlResult> {
  const { pages = 200, concurrency = 8, fatalPage, print = console.log } = options;
  return run(async () => {
    const token = new CancellationToken();
    const permits = new Semaphore(concurrency);
    let progress: Progress = { fetched: 0, inFlight: 0, waiting: 0 };
    const [tx, rx] = watch(progress);
    let open = true;
    // sendReplace: progress is published whether or not the printer still reads.
    const publish = (change: Partial<Progress>) => {
      progress = { ...progress, ...change };
      if (open) tx.sendReplace(progress);
    };
    const printer = spawnTask(({ signal }) =>
      Stream.from(rx).throttle(100).forEach((p) => print(line(p, pages)), { signal })
    );
    let maxInFlight = 0;
    let error: unknown;

    await using set = new JoinSet<number[]>();
    const visit = (page: number) => {
      publish({ waiting: progress.waiting + 1 });
      set.spawn(async () => {
        using _permit = await permits.acquire(1, { signal: token.signal })
          .finally(() => publish({ waiting: progress.waiting - 1 }));
        publish({ inFlight: progress.inFlight + 1 });
        maxInFlight = Math.max(maxInFlight, progress.inFlight);
        try {
          if (page === fatalPage) throw new Error(`page ${page}: 500 Internal Server Error`);
          return await fetchPage(page, pages, token.signal);
        } finally {
          publish({ inFlight: progress.inFlight - 1 });
        }
      });
    };
    visit(0);
    for (let r = await set.joinNext(); r !== undefined; r = await set.joinNext()) {
      if (!r.ok) {
        error = r.error;
        token.cancel(error);
        break;
      }
      publish({ fetched: progress.fetched + 1 });
      for (const link of r.value) visit(link);
    }
    open = false;
    tx.close();
    if (error === undefined) {
      // The printer shows the last progress once its 100 ms are up, then ends.
      await printer;
    } else {
      printer.abort();
      // The fetches in flight end with the token; the set has their last results.
      await set.shutdown();
      print(line(progress, pages));
      print(`stopped: ${error instanceof Error ? error.message : error}`);
    }
    return { fetched: progress.fetched, maxInFlight, ...(error !== undefined ? { error } : {}) };
  });
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--fatal");
  const fatalPage = at >= 0 ? Number(Deno.args[at + 1]) : undefined;
  const result = await crawl(fatalPage === undefined ? {} : { fatalPage });
  console.log(`done: ${result.fetched} pages, at most ${result.maxInFlight} in flight`);
}
