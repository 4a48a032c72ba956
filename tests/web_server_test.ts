/**
 * The chapter 21 server (examples/web_server.ts) on a free loopback port.
 * These tests need the `server` permission set of deno.json:
 * `deno task test:server` (`deno test -P=server tests/web_server_test.ts`);
 * under a bare `deno test` they are ignored.
 *
 * @module
 */
import { assert, assertEquals } from "./_assert.ts";
import {
  hashRounds,
  INDEX_HTML,
  parseArgs,
  parseRounds,
  type ServerHandle,
  startServer,
} from "../examples/web_server.ts";

/** Whether loopback networking is granted (`-P=server`). */
const canServe = Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state ===
  "granted";
/** Whether `deno` can be run as a subprocess (`-P=server`). */
const canRunDeno = Deno.permissions.querySync({ name: "run", command: "deno" }).state ===
  "granted";

/**
 * A `/sleep` clock the test holds: each sleep records its ms and waits until
 * `release()`; `started(n)` resolves once n sleeps are waiting.
 */
class HeldSleeps {
  readonly asked: number[] = [];
  readonly #release = Promise.withResolvers<void>();
  #wanted = Infinity;
  #reached = Promise.withResolvers<void>();

  readonly sleep = (ms: number): Promise<void> => {
    this.asked.push(ms);
    if (this.asked.length >= this.#wanted) this.#reached.resolve();
    return this.#release.promise;
  };

  started(n: number): Promise<void> {
    this.#wanted = n;
    if (this.asked.length >= n) this.#reached.resolve();
    return this.#reached.promise;
  }

  release(): void {
    this.#release.resolve();
  }
}

/** GETs `path` and returns the status and the whole body. */
async function get(server: ServerHandle, path: string): Promise<[number, string]> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
  return [response.status, await response.text()];
}

function times<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

// -- Routes --

Deno.test({
  name: "serves /, /sleep and /hash to concurrent requests",
  ignore: !canServe,
  async fn() {
    const held = new HeldSleeps();
    const lines: string[] = [];
    const server = await startServer({ port: 0, sleep: held.sleep, log: (l) => lines.push(l) });
    const sleeps = times(8, () => get(server, "/sleep"));
    await held.started(8);
    const pages = await Promise.all(times(8, () => get(server, "/")));
    const hashes = await Promise.all(times(4, (i) => get(server, `/hash?rounds=${1_000 + i}`)));
    assertEquals(server.inFlight, 8); // the sleeps, still waiting
    held.release();
    assertEquals(await Promise.all(sleeps), times(8, () => [200, INDEX_HTML]));
    assertEquals(pages, times(8, () => [200, INDEX_HTML]));
    assertEquals(hashes, times(4, (i) => [200, `${hashRounds(undefined, 1_000 + i)}\n`]));
    assertEquals(held.asked, times(8, () => 5_000));
    await server.shutdown();
    assertEquals(lines.filter((l) => / 200 in /.test(l)).length, 20);
    assertEquals(lines.at(-1), "stopped after 20 requests");
  },
});

Deno.test({
  name: "hashes inline on the main thread when asked to",
  ignore: !canServe,
  async fn() {
    const server = await startServer({ port: 0, hashOn: "inline", log: () => {} });
    assertEquals(await get(server, "/hash?rounds=5000"), [200, `${hashRounds(null, 5_000)}\n`]);
    await server.shutdown();
  },
});

Deno.test({
  name: "a bad, missing or too large rounds is a 400 saying why; other paths are 404s",
  ignore: !canServe,
  async fn() {
    const server = await startServer({ port: 0, maxRounds: 1_000, log: () => {} });
    assertEquals(await get(server, "/hash?rounds=abc"), [
      400,
      'Cannot hash: rounds must be a whole number, got "abc"\n',
    ]);
    assertEquals(await get(server, "/hash?rounds=1001"), [
      400,
      "Cannot hash: rounds must be from 1 to 1000, got 1001\n",
    ]);
    assertEquals(await get(server, "/hash"), [400, "Cannot hash: the query needs rounds=N\n"]);
    assertEquals((await get(server, "/nope"))[0], 404);
    await server.shutdown();
  },
});

Deno.test("parseRounds() accepts 1 to max and refuses the rest with a reason", () => {
  assertEquals(parseRounds("1", 10), 1);
  assertEquals(parseRounds("10", 10), 10);
  for (const bad of ["0", "11", "-1", "1.5", "1e3", "", " 1", "9".repeat(20)]) {
    assertEquals(typeof parseRounds(bad, 10), "string", bad);
  }
});

Deno.test("parseArgs() reads --port, --requests and --inline", () => {
  assertEquals(parseArgs(["--port", "8080", "--requests=3", "--inline"]), {
    port: 8080,
    maxRequests: 3,
    hashOn: "inline",
  });
  assertEquals(parseArgs([]), {});
});

// -- Graceful shutdown --

Deno.test({
  name: "shutdown() stops accepting and lets requests in flight finish",
  ignore: !canServe,
  async fn() {
    const held = new HeldSleeps();
    const lines: string[] = [];
    const server = await startServer({ port: 0, sleep: held.sleep, log: (l) => lines.push(l) });
    const sleeps = times(5, () => get(server, "/sleep"));
    await held.started(5);
    let stopped = false;
    const stopping = server.shutdown("test").then(() => stopped = true);
    await held.started(5); // a turn for the shutdown to start
    assertEquals([stopped, server.inFlight], [false, 5]);
    const refused = await fetch(`http://127.0.0.1:${server.port}/`).then(
      (r) => r.body?.cancel().then(() => r.status),
      (e: unknown) => e,
    );
    assert(refused instanceof TypeError || refused === 503, `got ${refused}`);
    held.release();
    assertEquals(await Promise.all(sleeps), times(5, () => [200, INDEX_HTML]));
    await stopping;
    assertEquals([stopped, server.inFlight, server.accepted], [true, 0, 5]);
    assert(lines.includes("shutting down (test): requests in flight: 5"));
    assertEquals(lines.at(-1), "stopped after 5 requests");
  },
});

Deno.test({
  name: "maxRequests shuts the server down by itself once that many are accepted",
  ignore: !canServe,
  async fn() {
    const held = new HeldSleeps();
    const server = await startServer({
      port: 0,
      maxRequests: 3,
      sleep: held.sleep,
      log: () => {},
    });
    const slow = get(server, "/sleep");
    await held.started(1);
    assertEquals(await Promise.all([get(server, "/"), get(server, "/hash?rounds=10")]), [
      [200, INDEX_HTML],
      [200, `${hashRounds(null, 10)}\n`],
    ]);
    held.release();
    assertEquals(await slow, [200, INDEX_HTML]);
    await server.finished;
    assertEquals(server.accepted, 3);
  },
});

// -- The CLI --

Deno.test({
  name: "deno run examples/web_server.ts --requests 3 serves three requests and exits by itself",
  ignore: !canServe || !canRunDeno,
  async fn() {
    const url = new URL("../examples/web_server.ts", import.meta.url);
    const child = new Deno.Command("deno", {
      args: ["run", "-P=server", url.pathname, "--port", "0", "--requests", "3"],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).values();
    let out = "";
    while (!out.includes("listening on")) {
      const next = await lines.next();
      assert(!next.done, `exited before listening: ${out}`);
      out += next.value;
    }
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)![1]);
    const server = { port } as ServerHandle;
    const answers = await Promise.all([
      get(server, "/"),
      get(server, "/hash?rounds=100"),
      get(server, "/hash?rounds=x"),
    ]);
    assertEquals(answers.map(([status]) => status).sort(), [200, 200, 400]);
    for (let next = await lines.next(); !next.done; next = await lines.next()) out += next.value;
    const status = await child.status;
    assertEquals(status.code, 0);
    assert(out.includes("stopped after 3 requests"), out);
  },
});
