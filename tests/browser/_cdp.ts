/**
 * A minimal Chrome DevTools Protocol client for the browser test: starts a
 * headless Chromium on a loopback debugging port, talks to its first page
 * over a WebSocket, and on `close()` ends the socket and the process and
 * waits for both, so the test leaves nothing behind (Deno's sanitizers stay
 * on).
 *
 * @module
 */

/** A page of a headless Chromium, driven over the DevTools protocol. */
export interface Page extends AsyncDisposable {
  /** Sends one command and resolves with its result. */
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Evaluates `expression` in the page (awaiting a promise) and returns its value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page. */
  screenshot(): Promise<Uint8Array>;
  /** Uncaught exceptions the page has thrown so far. */
  readonly errors: readonly string[];
  /** Ends the connection and the browser, and waits until both are gone. */
  close(): Promise<void>;
}

/** Starts `executable` headless with a fresh profile and connects to its page. */
export async function launchPage(executable: string): Promise<Page> {
  const profile = await Deno.makeTempDir({ prefix: "weft-chromium-" });
  const child = new Deno.Command(executable, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-dev-shm-usage",
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = watchStderr(child.stderr);
  try {
    const port = await stderr.port;
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    const target = (targets as { type: string; webSocketDebuggerUrl: string }[])
      .find((t) => t.type === "page");
    if (target === undefined) throw new Error("Cannot drive Chromium: it opened no page");
    return await connect(target.webSocketDebuggerUrl, async () => {
      child.kill("SIGTERM");
      await child.status;
      await stderr.done;
      await Deno.remove(profile, { recursive: true });
    });
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    await stderr.done;
    await Deno.remove(profile, { recursive: true });
    throw error;
  }
}

/**
 * Reads Chromium's stderr to its end in the background; `port` resolves with
 * the port of its "DevTools listening on ws://127.0.0.1:PORT/..." line.
 */
function watchStderr(stream: ReadableStream<Uint8Array>): {
  port: Promise<number>;
  done: Promise<void>;
} {
  const port = Promise.withResolvers<number>();
  const done = (async () => {
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(text);
      if (match) port.resolve(Number(match[1]));
    }
    port.reject(new Error("Cannot drive Chromium: it exited before opening its debugging port"));
  })();
  return { port: port.promise, done };
}

/** Opens the page's socket; `end` stops the browser once the socket is closed. */
function connect(url: string, end: () => Promise<void>): Promise<Page> {
  const socket = new WebSocket(url);
  const pending = new Map<number, PromiseWithResolvers<Record<string, unknown>>>();
  const errors: string[] = [];
  let nextId = 1;
  const closed = new Promise<void>((resolve) => socket.addEventListener("close", () => resolve()));
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    if (message.method === "Runtime.exceptionThrown") {
      errors.push(JSON.stringify(message.params.exceptionDetails));
    }
    const call = pending.get(message.id);
    if (call === undefined) return;
    pending.delete(message.id);
    if (message.error) call.reject(new Error(`${message.error.message} (${message.error.code})`));
    else call.resolve(message.result ?? {});
  });
  socket.addEventListener("close", () => {
    for (const call of pending.values()) call.reject(new Error("Chromium closed the connection"));
    pending.clear();
  });
  const send = (method: string, params: Record<string, unknown> = {}) => {
    const call = Promise.withResolvers<Record<string, unknown>>();
    const id = nextId++;
    pending.set(id, call);
    socket.send(JSON.stringify({ id, method, params }));
    return call.promise;
  };
  const close = async () => {
    if (socket.readyState !== WebSocket.CLOSED) socket.close();
    await closed;
    await end();
  };
  const page: Page = {
    send,
    errors,
    async evaluate<T>(expression: string): Promise<T> {
      const reply = await send("Runtime.evaluate", {
        expression,
        awaitPromise: true,
        returnByValue: true,
      });
      if (reply.exceptionDetails) throw new Error(JSON.stringify(reply.exceptionDetails));
      return (reply.result as { value: T }).value;
    },
    async screenshot(): Promise<Uint8Array> {
      const shot = await send("Page.captureScreenshot", {
        format: "png",
        captureBeyondViewport: true,
      });
      return Uint8Array.from(atob(String(shot.data)), (c) => c.charCodeAt(0));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return new Promise<Page>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(page), { once: true });
    socket.addEventListener("error", () => reject(new Error(`Cannot connect to ${url}`)), {
      once: true,
    });
  });
}
