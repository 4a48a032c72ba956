/**
 * Serves `examples/browser/` with the headers shared memory needs
 * (`Cross-Origin-Opener-Policy: same-origin`,
 * `Cross-Origin-Embedder-Policy: require-corp`): the page, and its script
 * bundled from `main.ts` and weft's sources by `deno bundle` at start, with
 * `import_map.json` pointing the Node modules weft imports
 * (`node:async_hooks`, `node:timers`, `node:worker_threads`) at the browser
 * shims in `shims/`.
 *
 * `deno task serve:example` (port 8000, or `--port N`); then open the URL it
 * prints. `tests/browser/chromium.ts` starts it with {@linkcode serveExample}.
 *
 * @module
 */

/** A running server. */
export interface ExampleServer {
  /** The page's URL. */
  url: string;
  /** Stops the server. */
  shutdown(): Promise<void>;
}

const here = new URL(".", import.meta.url);

/** Bundles the page's script for the browser; returns the JavaScript. */
export async function bundlePage(): Promise<string> {
  const out = await Deno.makeTempFile({ suffix: ".js" });
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform=browser",
        `--import-map=${new URL("import_map.json", here).pathname}`,
        "-o",
        out,
        new URL("main.ts", here).pathname,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`Cannot bundle the page: ${new TextDecoder().decode(stderr)}`);
    }
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

/** Starts the server on `port` (0: any free port) of 127.0.0.1. */
export async function serveExample(port = 8000): Promise<ExampleServer> {
  const files: Record<string, [string, string]> = {
    "/": [await Deno.readTextFile(new URL("index.html", here)), "text/html; charset=utf-8"],
    "/main.js": [await bundlePage(), "text/javascript; charset=utf-8"],
  };
  files["/index.html"] = files["/"]!;
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({ port, hostname: "127.0.0.1", onListen: resolve }, (request) => {
    const file = files[new URL(request.url).pathname];
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin",
      "Cache-Control": "no-store",
    };
    if (file === undefined) return new Response("not found", { status: 404, headers });
    return new Response(file[0], { headers: { ...headers, "Content-Type": file[1] } });
  });
  const address = await listening;
  return { url: `http://127.0.0.1:${address.port}/`, shutdown: () => server.shutdown() };
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--port");
  const server = await serveExample(at >= 0 ? Number(Deno.args[at + 1]) : 8000);
  console.log(`weft's browser example: ${server.url} (Ctrl-C stops)`);
}
