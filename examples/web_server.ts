/**
 * The Rust book's chapter 21 web server, on weft: requests are tasks, CPU
 * work runs on a {@linkcode BlockingPool}, and shutdown is graceful.
 *
 * ```sh
 * deno run -P=server examples/web_server.ts                 # port 7878, until Ctrl-C
 * deno run -P=server examples/web_server.ts --requests 3    # exits after 3 requests
 * deno run -P=server examples/web_server.ts --port 8080 --inline
 * ```
 *
 * Routes (on 127.0.0.1 only):
 * - `/`: a small HTML page.
 * - `/sleep`: answers after 5 s; the wait is a task's timer, so a thousand
 *   sleeping requests cost a thousand timers, not a thousand threads.
 * - `/hash?rounds=N`: N rounds of FNV-1a, on the pool (or, with `--inline`,
 *   on the main thread, to show what that costs `/`). A missing, malformed
 *   or too large N is a 400 saying why.
 *
 * Shutdown (on SIGINT, SIGTERM, or once `--requests N` requests have been
 * accepted): the server stops accepting, every request in flight finishes
 * and is answered, the pool shuts down, and the process exits by itself.
 * Requests that arrive on an open connection after that get a 503. One line
 * is printed per event, as the book's workers do.
 *
 * @module
 */
import { CancellationToken, JoinSet, sleep } from "../task.ts";
import { BlockingPool } from "../blocking.ts";

/** How to run the server. */
export interface ServerOptions {
  /**
   * The port on 127.0.0.1; `0` picks a free one.
   * @default {7878}
   */
  port?: number;
  /**
   * Shut down once this many requests have been accepted.
   * @default {Infinity}
   */
  maxRequests?: number;
  /**
   * How long `/sleep` waits, in ms.
   * @default {5000}
   */
  sleepMs?: number;
  /**
   * The wait of `/sleep`: the clock a test injects to finish sleeps when it wants.
   * @default {sleep}
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where `/hash` runs: `"pool"` (a worker thread) or `"inline"` (the main thread).
   * @default {"pool"}
   */
  hashOn?: "pool" | "inline";
  /**
   * The largest `rounds` `/hash` accepts.
   * @default {100_000_000}
   */
  maxRounds?: number;
  /**
   * Workers of the server's pool.
   * @default {2}
   */
  poolSize?: number;
  /**
   * Called with one line per event.
   * @default {console.log}
   */
  log?: (line: string) => void;
}

/** A running server. */
export interface ServerHandle {
  /** The port it listens on. */
  readonly port: number;
  /** Requests accepted so far. */
  readonly accepted: number;
  /** Requests accepted and not answered yet. */
  readonly inFlight: number;
  /** Resolves once the server has shut down: no request in flight, the pool shut down. */
  readonly finished: Promise<void>;
  /** Starts a graceful shutdown (once); resolves as `finished` does. */
  shutdown(reason?: string): Promise<void>;
}

/** The page `/` serves. */
export const INDEX_HTML: string = `<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>Hello!</title></head>
  <body><h1>Hello!</h1><p>Hi from weft</p></body>
</html>
`;

/** The default largest `rounds` of `/hash`. */
export const MAX_ROUNDS = 100_000_000;

/**
 * N rounds of FNV-1a over the round counter, as 8 hex digits: self-contained,
 * so the pool can run it from its source.
 *
 * @param _ctx The blocking context (unused; `undefined` when inline).
 * @param rounds How many rounds.
 * @returns The hash.
 */
export function hashRounds(_ctx: unknown, rounds: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < rounds; i++) {
    h ^= i & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Reads `rounds` from a query string value.
 *
 * @param text The value, or `null` if absent.
 * @param max The largest allowed.
 * @returns The count, or the message of a 400.
 */
export function parseRounds(text: string | null, max: number): number | string {
  if (text === null) return "Cannot hash: the query needs rounds=N";
  if (!/^[0-9]{1,12}$/.test(text)) {
    return `Cannot hash: rounds must be a whole number, got ${JSON.stringify(text.slice(0, 40))}`;
  }
  const rounds = Number(text);
  if (rounds < 1 || rounds > max) {
    return `Cannot hash: rounds must be from 1 to ${max}, got ${rounds}`;
  }
  return rounds;
}

/** Checked options, with defaults filled in. */
interface Settings {
  port: number;
  maxRequests: number;
  sleepMs: number;
  sleep: (ms: number) => Promise<void>;
  hashOn: "pool" | "inline";
  maxRounds: number;
  poolSize: number;
  log: (line: string) => void;
}

function settings(options: ServerOptions): Settings {
  const s: Settings = {
    port: options.port ?? 7878,
    maxRequests: options.maxRequests ?? Infinity,
    sleepMs: options.sleepMs ?? 5_000,
    sleep: options.sleep ?? ((ms) => sleep(ms)),
    hashOn: options.hashOn ?? "pool",
    maxRounds: options.maxRounds ?? MAX_ROUNDS,
    poolSize: options.poolSize ?? 2,
    log: options.log ?? console.log,
  };
  if (!Number.isInteger(s.port) || s.port < 0 || s.port > 65_535) {
    throw new RangeError(`Cannot start the server: port must be 0-65535, got ${s.port}`);
  }
  if (!(s.maxRequests >= 1)) {
    throw new RangeError(`Cannot start the server: maxRequests must be >= 1, got ${s.maxRequests}`);
  }
  if (s.hashOn !== "pool" && s.hashOn !== "inline") {
    throw new TypeError(`Cannot start the server: hashOn must be "pool" or "inline"`);
  }
  return s;
}

/**
 * Starts the server on 127.0.0.1 and returns its handle once it listens.
 *
 * Each request runs as a task of one {@linkcode JoinSet}; a
 * {@linkcode CancellationToken} stands for "shutting down": cancelling it
 * closes the listener (Deno's graceful `shutdown()`; its `signal` option
 * would drop the connections of requests in flight), then the set is joined
 * (so every request in flight is answered), then the pool is shut down.
 *
 * @param options Port, request limit, sleep, where `/hash` runs, logging.
 * @returns The running server.
 * @throws {RangeError} If `port` or `maxRequests` is out of range.
 *
 * @example Serve one page, then shut down (needs `-P=server`, so not run by `deno test --doc`; tests/web_server_test.ts does this)
 * ```ts ignore
 * import { startServer } from "./web_server.ts";
 * import assert from "node:assert/strict";
 *
 * const server = await startServer({ port: 0, log: () => {} });
 * const page = await fetch(`http://127.0.0.1:${server.port}/`);
 * assert.match(await page.text(), /Hello!/);
 * await server.shutdown();
 * assert.equal(server.inFlight, 0);
 * ```
 */
export async function startServer(options: ServerOptions = {}): Promise<ServerHandle> {
  const s = settings(options);
  const token = new CancellationToken();
  const requests = new JoinSet<void>();
  const pool = new BlockingPool({ size: s.poolSize });
  let accepted = 0;
  let inFlight = 0;

  const handler = (request: Request): Response | Promise<Response> => {
    drain(requests, s.log);
    if (token.isCancelled) return refuse();
    const id = ++accepted;
    inFlight++;
    const started = performance.now();
    s.log(`request ${id}: ${request.method} ${new URL(request.url).pathname}`);
    if (accepted >= s.maxRequests) token.cancel(`served ${s.maxRequests} requests`);
    const { promise, resolve } = Promise.withResolvers<Response>();
    requests.spawn(async () => {
      let response: Response;
      try {
        response = await route(request, s, pool);
      } catch (error) {
        response = text(500, `Cannot answer: ${error}`);
      }
      inFlight--;
      const ms = (performance.now() - started).toFixed(1);
      s.log(`request ${id}: ${response.status} in ${ms} ms`);
      resolve(response);
    });
    return promise;
  };

  const listening = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: s.port,
    handler,
    onListen: ({ port }) => listening.resolve(port),
  });
  const port = await listening.promise;
  s.log(`listening on http://127.0.0.1:${port}/`);

  const finished = (async () => {
    await token.cancelled();
    s.log(`shutting down (${token.signal.reason}): requests in flight: ${inFlight}`);
    // Deno's graceful shutdown: stop accepting, answer what is in flight.
    await server.shutdown();
    await requests.joinAll();
    await pool.shutdown();
    s.log(`stopped after ${accepted} requests`);
  })();

  return {
    port,
    get accepted() {
      return accepted;
    },
    get inFlight() {
      return inFlight;
    },
    finished,
    shutdown(reason = "asked to") {
      if (!token.isCancelled) token.cancel(reason);
      return finished;
    },
  };
}

/** Takes the results of finished requests, so the set keeps only running ones. */
function drain(requests: JoinSet<void>, log: (line: string) => void): void {
  for (let r = requests.tryJoinNext(); r !== undefined; r = requests.tryJoinNext()) {
    if (!r.ok) log(`request task failed: ${r.error}`);
  }
}

async function route(request: Request, s: Settings, pool: BlockingPool): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "GET") return text(405, "Cannot answer: only GET is served");
  switch (url.pathname) {
    case "/":
      return new Response(INDEX_HTML, { headers: { "content-type": "text/html; charset=utf-8" } });
    case "/sleep":
      await s.sleep(s.sleepMs);
      return new Response(INDEX_HTML, { headers: { "content-type": "text/html; charset=utf-8" } });
    case "/hash":
      return await hash(url.searchParams.get("rounds"), s, pool);
    default:
      return text(404, `Cannot find ${url.pathname}: try /, /sleep or /hash?rounds=N`);
  }
}

async function hash(query: string | null, s: Settings, pool: BlockingPool): Promise<Response> {
  const rounds = parseRounds(query, s.maxRounds);
  if (typeof rounds === "string") return text(400, rounds);
  const digest = s.hashOn === "pool"
    ? await pool.spawn(hashRounds, rounds)
    : hashRounds(undefined, rounds);
  return text(200, `${digest}\n`);
}

function refuse(): Response {
  return new Response("Cannot answer: the server is shutting down\n", {
    status: 503,
    headers: { connection: "close" },
  });
}

function text(status: number, body: string): Response {
  return new Response(body.endsWith("\n") ? body : `${body}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** Reads `--port N`, `--requests N` and `--inline` (also as `--port=N`). */
export function parseArgs(args: readonly string[]): ServerOptions {
  const options: ServerOptions = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inlineValue] = args[i]!.split("=", 2) as [string, string | undefined];
    if (flag === "--inline") {
      options.hashOn = "inline";
      continue;
    }
    if (flag !== "--port" && flag !== "--requests") {
      throw new TypeError(`Cannot start the server: unknown argument ${flag}`);
    }
    const value = Number(inlineValue ?? args[++i]);
    if (!Number.isInteger(value)) {
      throw new RangeError(`Cannot start the server: ${flag} needs a whole number`);
    }
    if (flag === "--port") options.port = value;
    else options.maxRequests = value;
  }
  return options;
}

/** The CLI: serves until SIGINT/SIGTERM or `--requests N`, then exits by itself. */
export async function main(args: readonly string[]): Promise<void> {
  const server = await startServer(parseArgs(args));
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const listeners = signals.map((name) => {
    const listener = (): void => void server.shutdown(name);
    Deno.addSignalListener(name, listener);
    return [name, listener] as const;
  });
  await server.finished;
  for (const [name, listener] of listeners) Deno.removeSignalListener(name, listener);
}

if (import.meta.main) await main(Deno.args);
