import { channel, SendError } from "../channel.ts";
import { Stream } from "../stream.ts";
import { run } from "../task.ts";
import { TestClock } from "../testing.ts";
import { spawnThread, ThreadTerminated } from "../worker_producer.ts";
import { liveThreads } from "../_thread/worker.ts";
import { RING_CAPACITY } from "../_thread/reader.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./_assert.ts";
import { LIMIT_MS, threadTest, within } from "./_workers.ts";
import { captureConsoleError, drain, rejection, Timeline } from "./_helpers.ts";

/**
 * Blocks the main thread (a thread keeps running) until `done()`; fails after
 * `ms`. It stands for a main thread busy with other work.
 */
function spinUntil(done: () => boolean, ms = LIMIT_MS): void {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > ms) throw new Error(`Timed out after ${ms} ms`);
  }
}

/** A counter a thread bumps after each send that returned (shared memory). */
function sendCounter(): { buffer: SharedArrayBuffer; read(): number } {
  const buffer = new SharedArrayBuffer(4);
  const words = new Int32Array(buffer);
  return { buffer, read: () => Atomics.load(words, 0) };
}

/** The value a mixing thread sends at `i`: numbers in runs, other kinds between. */
function mixedValue(i: number): unknown {
  if (i % 97 === 0) return { i };
  if (i % 89 === 0) return `s${i}`;
  if (i % 83 === 0) return i % 2 === 0 ? null : undefined;
  if (i % 79 === 0) return -0;
  return i;
}

/**
 * Asserts that `received` is `expected` (long lists: a failure names the
 * first difference rather than diffing every item).
 */
function assertSequence(received: unknown[], expected: unknown[]): void {
  const same = (a: unknown, b: unknown) =>
    Object.is(a, b) ||
    (typeof a === "object" && a !== null && JSON.stringify(a) === JSON.stringify(b));
  const at = received.findIndex((value, i) => !same(value, expected[i]));
  if (at >= 0) {
    assertEquals([at, received[at]], [at, expected[at]], `first difference at #${at}`);
  }
  assertEquals(received.length, expected.length, "length");
}

/** A `data:` module URL, loadable without any permission. */
function moduleUrl(source: string): string {
  return `data:application/javascript,${encodeURIComponent(source)}`;
}

// -- Moving the sender --

threadTest("spawnThread() moves tx: the main side's sender refuses use afterwards", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx) => tx.send(1), tx);
  const error = assertThrows(() => tx.send(2), SendError, "moved into a thread");
  assertEquals((error as SendError<number>).value, 2);
  assertThrows(() => tx.clone(), TypeError, "moved into a thread");
  assertThrows(() => spawnThread(() => {}, tx), TypeError, "already moved");
  assertEquals(await within(Array.fromAsync(rx)), [1]);
  await within(thread.join());
});

threadTest("spawnThread() rejects bad arguments at the call and leaves tx usable", () => {
  const [tx, rx] = channel<number>();
  const bad: [() => unknown, string][] = [
    [() => spawnThread(Math.max as never, tx), "source is not available"],
    [() => spawnThread((() => {}).bind(null), tx), "source is not available"],
    [() => spawnThread(class {} as never, tx), "got a class"],
    [() => spawnThread("./relative.ts", tx), "absolute module URL"],
    [() => spawnThread(42 as never, tx), "expected a function"],
    [() => spawnThread(() => {}, tx, { args: 1 as never }), "must be an array"],
    [() => spawnThread(() => {}, tx, { args: [() => 1] as never }), "cannot be cloned"],
    [() => spawnThread(() => {}, {} as never), "expected a Sender"],
  ];
  for (const [call, message] of bad) assertThrows(call, TypeError, message);
  const [bounded] = channel<number>(1);
  assertThrows(() => spawnThread(() => {}, bounded as never), TypeError, "unbounded");
  tx.send(7);
  assertEquals(rx.tryRecv(), 7);
  return Promise.resolve();
});

// -- Values --

threadTest("100,000 values from a thread arrive complete and in order", async () => {
  const [tx, rx] = channel<number>();
  const count = 100_000;
  const thread = spawnThread(
    (tx, _thread, n: number) => {
      for (let i = 0; i < n; i++) tx.send(i);
    },
    tx,
    { args: [count] },
  );
  let expected = 0;
  await within((async () => {
    for await (const value of rx) {
      if (value !== expected) throw new Error(`expected ${expected}, got ${value}`);
      expected++;
    }
  })());
  assertEquals(expected, count);
  await within(thread.join());
});

threadTest("values are copied when sent: a later change in the thread does not show", async () => {
  const [tx, rx] = channel<{ n: number; tags: string[] }>();
  spawnThread((tx) => {
    const value = { n: 1, tags: ["a"] };
    tx.send(value);
    value.n = 2;
    value.tags.push("b");
    tx.send(value);
  }, tx);
  assertEquals(await within(Array.fromAsync(rx)), [{ n: 1, tags: ["a"] }, {
    n: 2,
    tags: ["a", "b"],
  }]);
});

threadTest("values cross exactly as structured clone copies them", async () => {
  // The same builder runs in the thread (passed as source) and here.
  const build = () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { name: "cycle" };
    cyclic.self = cyclic;
    // deno-lint-ignore no-sparse-arrays
    const sparse = [1, , 3];
    const named = Object.assign([1, 2], { extra: "kept" });
    const nullProto = Object.assign(Object.create(null), { a: 1 });
    const withGetter = Object.defineProperty({}, "computed", { get: () => 42, enumerable: true });
    return [
      -0,
      NaN,
      10n,
      undefined,
      null,
      "text",
      { a: { b: [1, "two", { c: null }] } },
      { left: shared, right: shared },
      cyclic,
      sparse,
      named,
      Array.from({ length: 100 }, (_, i) => i),
      nullProto,
      withGetter,
      { [Symbol("dropped")]: 1, kept: 2 },
      new Date(5),
      new Map([[1, { x: 1 }]]),
      new Uint8Array([1, 2, 3]),
      { date: new Date(6), list: [new Set([1])] },
    ];
  };
  const [tx, rx] = channel<unknown>();
  spawnThread(
    (tx, _thread, source: string) => {
      for (const value of (0, eval)(`(${source})`)()) tx.send(value);
    },
    tx,
    { args: [build.toString()] },
  );
  const received = await within(Array.fromAsync(rx));
  const expected = build().map((value) => structuredClone(value));
  assertEquals(received, expected);
  const pair = received[7] as { left: object; right: object };
  assert(pair.left === pair.right, "a shared object stays shared");
  const cyclic = received[8] as { self: unknown };
  assert(cyclic.self === cyclic, "a cycle stays a cycle");
  assertEquals(Object.keys(received[9] as unknown[]), ["0", "2"]);
  assertEquals((received[10] as unknown as { extra: string }).extra, "kept");
  assertEquals(Object.getPrototypeOf(received[12]), Object.prototype);
});

threadTest(
  "a value that cannot be cloned makes that send throw, and the stream goes on",
  async () => {
    const [tx, rx] = channel<unknown>();
    const thread = spawnThread((tx) => {
      tx.send(1);
      let caught = "";
      try {
        tx.send(() => "a function");
      } catch (error) {
        caught = `${(error as Error).name}: ${(error as Error).message}`;
      }
      tx.send(2);
      return caught;
    }, tx);
    assertEquals(await within(Array.fromAsync(rx)), [1, 2]);
    const caught = await within(thread.join());
    assert(caught.startsWith("DataCloneError: Cannot send: "), caught);
  },
);

threadTest("join() resolves with what the function returned, async or not", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread(async (tx) => {
    tx.send(1);
    await Promise.resolve();
    tx.send(2);
    return { sum: 3, at: new Date(0) };
  }, tx);
  assertEquals(await within(Array.fromAsync(rx)), [1, 2]);
  assertEquals(await within(thread.join()), { sum: 3, at: new Date(0) });
  assertEquals(thread.isFinished, true);
});

threadTest("tx.close() in the thread ends the receiver while the thread runs on", async () => {
  const [tx, rx] = channel<string>();
  const thread = spawnThread((tx) => {
    tx.send("only");
    tx.close();
    let refused = false;
    try {
      tx.send("after close");
    } catch (error) {
      refused = (error as Error).name === "SendError";
    }
    return refused;
  }, tx);
  assertEquals(await within(Array.fromAsync(rx)), ["only"]);
  assertEquals(await within(thread.join()), true);
});

threadTest("disposing the thread's sender closes it, as tx.close() does", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx) => {
    tx.send(1);
    tx[Symbol.dispose]();
    const closed = tx.isClosed;
    try {
      tx.send(2);
    } catch (error) {
      return [closed, (error as Error).message];
    }
    return [closed, "sent"];
  }, tx);
  assertEquals(await within(Array.fromAsync(rx)), [1]);
  assertEquals(await within(thread.join()), [true, "Cannot send: this sender is closed"]);
});

threadTest(
  "options.args reach an inline function, which cannot see captured variables",
  async () => {
    const [tx, rx] = channel<string>();
    const captured = "outside";
    const thread = spawnThread(
      (tx, _thread, word: string, times: number) => {
        for (let i = 0; i < times; i++) tx.send(word);
        return captured.length;
      },
      tx,
      { args: ["hi", 2] },
    );
    const received: string[] = [];
    const error = await within(rejection((async () => {
      for await (const value of rx) received.push(value);
    })()));
    assertEquals(received, ["hi", "hi"]);
    assert(error instanceof ReferenceError && error.message.includes("captured"), String(error));
    assertEquals(await rejection(thread.join()), error);
  },
);

threadTest("two threads feed one channel through cloned senders", async () => {
  const [tx, rx] = channel<string>();
  const tx2 = tx.clone();
  const producer = (tx: { send(value: string): void }, _thread: unknown, name: string) => {
    for (let i = 0; i < 1_000; i++) tx.send(`${name}${i}`);
  };
  const a = spawnThread(producer, tx, { args: ["a"] });
  const b = spawnThread(producer, tx2, { args: ["b"] });
  const received = await within(Array.fromAsync(rx));
  assertEquals(received.length, 2_000);
  for (const name of ["a", "b"]) {
    const own = received.filter((value) => value.startsWith(name));
    assertEquals(own, Array.from({ length: 1_000 }, (_, i) => `${name}${i}`));
  }
  await within(Promise.all([a.join(), b.join()]));
});

threadTest("numbers and other values interleaved arrive in send order", async () => {
  const [tx, rx] = channel<unknown>();
  const count = 3 * RING_CAPACITY;
  const thread = spawnThread(
    (tx, _thread, n: number, source: string) => {
      const valueAt = (0, eval)(`(${source})`) as (i: number) => unknown;
      for (let i = 0; i < n; i++) tx.send(valueAt(i));
      tx.send(NaN);
      tx.send({ last: true });
    },
    tx,
    { args: [count, mixedValue.toString()] },
  );
  const expected = [...Array.from({ length: count }, (_, i) => mixedValue(i)), NaN, {
    last: true,
  }];
  assertSequence(await within(Array.fromAsync(rx)), expected);
  await within(thread.join());
});

threadTest(
  "a full ring makes send wait until the busy main thread reads; nothing is lost",
  async () => {
    const [tx, rx] = channel<unknown>();
    const counter = sendCounter();
    const count = 3 * RING_CAPACITY;
    const thread = spawnThread(
      (tx, _thread, n: number, buffer: SharedArrayBuffer, source: string) => {
        const sent = new Int32Array(buffer);
        const valueAt = (0, eval)(`(${source})`) as (i: number) => unknown;
        for (let i = 0; i < n; i++) {
          tx.send(valueAt(i));
          Atomics.store(sent, 0, i + 1);
        }
      },
      tx,
      { args: [count, counter.buffer, mixedValue.toString()] },
    );
    // The main thread is busy: the thread fills the ring, then waits in send.
    spinUntil(() => counter.read() >= RING_CAPACITY);
    const start = performance.now();
    spinUntil(() => performance.now() - start > 20);
    assertEquals(counter.read(), RING_CAPACITY);
    const expected = Array.from({ length: count }, (_, i) => mixedValue(i));
    assertSequence(await within(Array.fromAsync(rx)), expected);
    await within(thread.join());
  },
);

threadTest(
  "a full ring behind a value still in its batch: the batch goes before send waits",
  async () => {
    const [tx, rx] = channel<unknown>();
    const counter = sendCounter();
    const count = 2 * RING_CAPACITY;
    const thread = spawnThread(
      (tx, _thread, n: number, buffer: SharedArrayBuffer) => {
        const sent = new Int32Array(buffer);
        // The second object comes right after the first was posted: it waits in its batch.
        tx.send({ first: true });
        tx.send({ second: true });
        for (let i = 0; i < n; i++) {
          tx.send(i);
          Atomics.store(sent, 0, i + 1);
        }
      },
      tx,
      { args: [count, counter.buffer] },
    );
    spinUntil(() => counter.read() >= RING_CAPACITY - 2);
    const received = await within(Array.fromAsync(rx));
    assertEquals(received.slice(0, 3), [{ first: true }, { second: true }, 0]);
    assertEquals(received.length, count + 2);
    await within(thread.join());
  },
);

threadTest("values sent right before the function returns or throws all arrive first", async () => {
  // Fewer than a publishing run of numbers, a value of each path, then the end.
  const endings = [
    (tx: { send(value: unknown): void }) => {
      for (let i = 0; i < 5; i++) tx.send(i);
      tx.send({ five: 5 });
      tx.send(6);
      return "returned";
    },
    async (tx: { send(value: unknown): void }) => {
      await Promise.resolve();
      tx.send("zero");
      for (let i = 1; i < 7; i++) tx.send(i);
      return "returned";
    },
    (tx: { send(value: unknown): void }) => {
      tx.send({ zero: 0 });
      for (let i = 1; i < 7; i++) tx.send(i);
      throw new RangeError("thrown");
    },
    (tx: { send(value: unknown): void }) => {
      for (let i = 0; i < 7; i++) tx.send(i);
      throw new RangeError("thrown");
    },
  ];
  for (const ending of endings) {
    const [tx, rx] = channel<unknown>();
    const thread = spawnThread(ending, tx);
    const received: unknown[] = [];
    const outcome = await within((async () => {
      try {
        for await (const value of rx) received.push(value);
        return await thread.join();
      } catch (error) {
        await rejection(thread.join());
        return (error as Error).message;
      }
    })());
    assertEquals(received.length, 7);
    assertEquals(received.slice(1, 5), [1, 2, 3, 4]);
    assertEquals(outcome, ending.toString().includes("throw") ? "thrown" : "returned");
  }
});

threadTest("a thread that fills the ring and returns while the main thread is busy", async () => {
  const [tx, rx] = channel<number>();
  const counter = sendCounter();
  const thread = spawnThread(
    (tx, _thread, n: number, buffer: SharedArrayBuffer) => {
      for (let i = 0; i < n; i++) tx.send(i);
      Atomics.store(new Int32Array(buffer), 0, n);
      return "returned";
    },
    tx,
    { args: [RING_CAPACITY, counter.buffer] },
  );
  // The whole ring is unread when the thread's end arrives: all of it comes first.
  spinUntil(() => counter.read() === RING_CAPACITY);
  const expected = Array.from({ length: RING_CAPACITY }, (_, i) => i);
  assertSequence(await within(Array.fromAsync(rx)), expected);
  assertEquals(await within(thread.join()), "returned");
});

threadTest(
  "a thread that throws with a full ring: every value, then the error",
  async () => {
    const [tx, rx] = channel<unknown>();
    const counter = sendCounter();
    const count = RING_CAPACITY + 100;
    spawnThread(
      (tx, _thread, n: number, buffer: SharedArrayBuffer, source: string) => {
        const sent = new Int32Array(buffer);
        const valueAt = (0, eval)(`(${source})`) as (i: number) => unknown;
        for (let i = 0; i < n; i++) {
          tx.send(valueAt(i));
          Atomics.store(sent, 0, i + 1);
        }
        throw new SyntaxError("after the last value");
      },
      tx,
      { args: [count, counter.buffer, mixedValue.toString()] },
    );
    spinUntil(() => counter.read() >= RING_CAPACITY);
    const received: unknown[] = [];
    const error = await within(rejection((async () => {
      for await (const value of rx) received.push(value);
    })()));
    assertSequence(received, Array.from({ length: count }, (_, i) => mixedValue(i)));
    assert(error instanceof SyntaxError, String(error));
  },
);

threadTest("closing the receiver wakes a thread in sleepSync; its next send throws", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx, thread) => {
    tx.send(1);
    const start = performance.now();
    thread.sleepSync(60_000);
    const slept = performance.now() - start;
    try {
      tx.send(2);
      return "sent";
    } catch (error) {
      return error instanceof thread.SendError && slept < 30_000 ? "stopped early" : "late";
    }
  }, tx);
  assertEquals(await within(rx.recv()), 1);
  rx.close();
  assertEquals(await within(thread.join()), "stopped early");
});

threadTest("leaving a for await loop stops a thread busy sending", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx, thread) => {
    let sent = 0;
    for (;;) {
      try {
        tx.send(sent);
      } catch (error) {
        if (error instanceof thread.SendError) return sent;
        throw error;
      }
      sent++;
    }
  }, tx);
  const received: number[] = [];
  await within((async () => {
    for await (const value of rx) {
      received.push(value);
      if (received.length === 1_000) break;
    }
  })());
  const sent = await within(thread.join());
  assert(sent >= 1_000, `sent ${sent}`);
  assertEquals(received, Array.from({ length: 1_000 }, (_, i) => i));
});

threadTest("a stream's take(n) stops the thread that feeds it", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx, { sleepSync, SendError }) => {
    for (let i = 0;; i++) {
      try {
        tx.send(i);
      } catch (error) {
        if (error instanceof SendError) return i;
        throw error;
      }
      sleepSync(1);
    }
  }, tx);
  assertEquals(await within(Stream.from(rx).take(3).toArray()), [0, 1, 2]);
  const stoppedAt = await within(thread.join());
  assert(stoppedAt >= 3, `stopped at ${stoppedAt}`);
});

threadTest("an uncaught SendError after the receiver closed is not reported", async () => {
  using errors = captureConsoleError();
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx) => {
    for (let i = 0;; i++) tx.send(i);
  }, tx);
  assertEquals(await within(rx.recv()), 0);
  rx.close();
  await within(thread[Symbol.asyncDispose]());
  const error = await rejection(thread.join());
  assert(error instanceof SendError, String(error));
  assertEquals(errors.calls, []);
});

threadTest("stop() stops the thread as closing the receiver does", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx, thread) => {
    tx.send(1);
    while (!thread.stopped) thread.sleepSync(60_000);
    return tx.isClosed;
  }, tx);
  assertEquals(await within(rx.recv()), 1);
  thread.stop();
  assertEquals(await within(thread.join()), true);
  assertEquals(await rx.recv(), undefined);
});

threadTest(
  "terminate() ends the thread: join() and the receiver reject with ThreadTerminated",
  async () => {
    const [tx, rx] = channel<number>();
    const thread = spawnThread((tx, { sleepSync }) => {
      tx.send(1);
      sleepSync(60_000);
    }, tx);
    assertEquals(await within(rx.recv()), 1);
    thread.terminate();
    thread.terminate();
    await assertRejects(thread.join(), ThreadTerminated, "terminated");
    await assertRejects(rx.recv(), ThreadTerminated);
    assertEquals(thread.isFinished, true);
  },
);

threadTest("await using stops the thread and waits until it has ended", async () => {
  const [tx, rx] = channel<number>();
  let handle: { readonly isFinished: boolean } | undefined;
  {
    await using thread = spawnThread((tx, { sleepSync, stopped }) => {
      tx.send(1);
      sleepSync(60_000);
      return stopped;
    }, tx);
    handle = thread;
    assertEquals(await within(rx.recv()), 1);
  }
  assertEquals(handle.isFinished, true);
  assertEquals(await rx.recv(), undefined);
});

threadTest("a thread spawned in run() is terminated when run's main settles", async () => {
  const [tx, rx] = channel<number>();
  const thread = await run(() => {
    return spawnThread((tx, { sleepSync }) => {
      for (let i = 0;; i++) {
        tx.send(i);
        sleepSync(60_000);
      }
    }, tx);
  });
  assertEquals(thread.isFinished, true);
  await assertRejects(thread.join(), ThreadTerminated, "run()");
  rx.close();
});

threadTest("join() stops waiting when its signal aborts; the thread runs on", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx, { sleepSync }) => {
    tx.send(1);
    sleepSync(60_000);
  }, tx);
  assertEquals(await within(rx.recv()), 1);
  const controller = new AbortController();
  const joined = thread.join({ signal: controller.signal });
  controller.abort("enough");
  assertEquals(await rejection(joined), "enough");
  assertEquals(thread.isFinished, false);
  rx.close();
  await within(thread.join());
});

threadTest(
  "closing the receiver while the ring is full: the waiting send throws SendError at once",
  async () => {
    const [tx, rx] = channel<unknown>();
    const counter = sendCounter();
    const thread = spawnThread(
      (tx, thread, buffer: SharedArrayBuffer) => {
        const sent = new Int32Array(buffer);
        for (let i = 0;; i++) {
          try {
            tx.send(i % 10 === 0 ? { i } : i);
          } catch (error) {
            return [error instanceof thread.SendError, i];
          }
          Atomics.store(sent, 0, i + 1);
        }
      },
      tx,
      { args: [counter.buffer] },
    );
    spinUntil(() => counter.read() >= RING_CAPACITY);
    rx.close();
    assertEquals(await within(thread.join()), [true, RING_CAPACITY]);
    // The accepted values are still read, then the receiver ends.
    const rest = await within(Array.fromAsync(rx));
    const sent = Array.from({ length: RING_CAPACITY }, (_, i) => i % 10 === 0 ? { i } : i);
    assertEquals(rest, sent);
  },
);

threadTest("close() keeps what the thread had handed over: the reader still gets it", async () => {
  const [tx, rx] = channel<number>();
  const counter = sendCounter();
  const thread = spawnThread(
    (tx, thread, buffer: SharedArrayBuffer) => {
      for (let i = 0; i < 1_000; i++) tx.send(i);
      thread.sleepSync(0); // hands the values over
      Atomics.store(new Int32Array(buffer), 0, 1_000);
      thread.sleepSync(60_000);
      return thread.stopped;
    },
    tx,
    { args: [counter.buffer] },
  );
  // No macrotask has run: the values are still in the ring when close() comes.
  spinUntil(() => counter.read() === 1_000);
  rx.close();
  assertEquals(await within(Array.fromAsync(rx)), Array.from({ length: 1_000 }, (_, i) => i));
  assertEquals(await within(thread.join()), true);
});

for (const kind of ["numbers", "objects"] as const) {
  threadTest(
    `close() while a thread sends ${kind}: the reader gets every value the thread accepted`,
    async () => {
      for (let round = 0; round < 5; round++) {
        const [tx, rx] = channel<number | { i: number }>();
        const thread = spawnThread(
          (tx, _thread, objects: boolean) => {
            let accepted = 0;
            try {
              for (;;) {
                tx.send(objects ? { i: accepted } : accepted);
                accepted++;
              }
            } catch {
              return accepted;
            }
          },
          tx,
          { args: [kind === "objects"] },
        );
        const received: number[] = [];
        for await (const value of rx) {
          received.push(typeof value === "number" ? value : value.i);
          // Some values are still crossing when the receiver closes.
          if (received.length === 10 + round * 500) rx.close();
        }
        const accepted = await within(thread.join());
        assertEquals(received.length, accepted, `round ${round}`);
        assertEquals(received.findIndex((value, i) => value !== i), -1);
      }
    },
  );
}

// -- Errors --

threadTest(
  "a thread that throws: values first, then its error with class, message and stack",
  async () => {
    const [tx, rx] = channel<number>();
    const thread = spawnThread((tx) => {
      class ParseError extends Error {
        override name = "ParseError";
        code = 42;
      }
      tx.send(1);
      tx.send(2);
      throw new ParseError("bad input", { cause: new RangeError("inner") });
    }, tx);
    const received: number[] = [];
    const error = await within(rejection((async () => {
      for await (const value of rx) received.push(value);
    })()));
    assertEquals(received, [1, 2]);
    assert(error instanceof Error);
    assertEquals([error.name, error.constructor.name, error.message], [
      "ParseError",
      "ParseError",
      "bad input",
    ]);
    assert(error.stack?.includes("weft-thread.js"), error.stack);
    assertEquals((error as Error & { code: number }).code, 42);
    assert(error.cause instanceof RangeError);
    assertEquals(await rejection(thread.join()), error);
  },
);

threadTest("a thread that throws while the consumer waits: recv() rejects", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread(() => {
    throw new TypeError("at once");
  }, tx);
  await assertRejects(within(rx.recv()), TypeError, "at once");
  await assertRejects(thread.join(), TypeError, "at once");
});

threadTest("a thread that throws ends a stream over its receiver with the error", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx) => {
    tx.send(1);
    throw new URIError("in a stream");
  }, tx);
  const seen: number[] = [];
  const error = await within(rejection(
    Stream.from(rx).forEach((value) => {
      seen.push(value);
    }),
  ));
  assertEquals(seen, [1]);
  assert(error instanceof URIError, String(error));
  assertEquals(await rejection(thread.join()), error);
});

threadTest("a thread that throws a non-Error value fails with that value", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread(() => {
    throw { code: "E_PLAIN" };
  }, tx);
  assertEquals(await within(rejection(thread.join())), { code: "E_PLAIN" });
  assertEquals(await rejection(rx.recv()), { code: "E_PLAIN" });
});

threadTest(
  "a thread that sends a function fails with DataCloneError, after its values",
  async () => {
    const [tx, rx] = channel<unknown>();
    const thread = spawnThread((tx) => {
      tx.send("before");
      tx.send(() => "not cloneable");
    }, tx);
    const received: unknown[] = [];
    const error = await within(rejection((async () => {
      for await (const value of rx) received.push(value);
    })()));
    assertEquals(received, ["before"]);
    assert(error instanceof DOMException, String(error));
    assertEquals(error.name, "DataCloneError");
    assert(error.message.startsWith("Cannot send: "), error.message);
    assertEquals(await rejection(thread.join()), error);
  },
);

threadTest("a result that cannot be cloned fails the thread with DataCloneError", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx) => {
    tx.send(1);
    return () => "not cloneable";
  }, tx);
  const error = await within(rejection(thread.join()));
  assert(error instanceof DOMException && error.name === "DataCloneError", String(error));
  assert(error.message.startsWith("Cannot return from the thread"), error.message);
  assertEquals(await rx.recv(), 1);
  assertEquals(await rejection(rx.recv()), error);
});

threadTest(
  "a thread that calls self.close() before returning fails with a clear error",
  async () => {
    const [tx, rx] = channel<number>();
    const thread = spawnThread((tx) => {
      tx.send(1);
      (globalThis as unknown as { close(): void }).close();
    }, tx);
    await assertRejects(within(thread.join()), Error, "self.close()");
    assertEquals(await rx.recv(), 1);
    await assertRejects(rx.recv(), Error, "self.close()");
  },
);

threadTest("a failed thread that nothing observes is reported on stderr", async () => {
  using errors = captureConsoleError();
  const [tx, rx] = channel<number>();
  rx.close();
  const thread = spawnThread(() => {
    throw new Error("unseen");
  }, tx);
  await within(thread[Symbol.asyncDispose]());
  await drain();
  assertEquals(errors.calls.length, 1);
  assert(String(errors.calls[0]![0]).includes("a thread failed"));
  assertEquals((errors.calls[0]![1] as Error).message, "unseen");
});

threadTest("an unhandled rejection in the thread fails it with that error", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread(async (tx) => {
    tx.send(1);
    Promise.reject(new RangeError("floating"));
    await new Promise(() => {});
  }, tx);
  const error = await within(rejection(thread.join()));
  assert(error instanceof RangeError, String(error));
  assert(error.message.includes("floating"), error.message);
  assertEquals(await rx.recv(), 1);
  assertEquals(await rejection(rx.recv()), error);
});

// -- Modules --

threadTest("a module URL: its default export is the thread's function", async () => {
  const url = moduleUrl(`
    export default function (tx, { sleepSync }, from) {
      for (let i = from; i < from + 3; i++) {
        tx.send(i);
        sleepSync(0);
      }
      return "module done";
    }
  `);
  const [tx, rx] = channel<number>();
  const thread = spawnThread<number, [number], string>(url, tx, { args: [10] });
  assertEquals(await within(Array.fromAsync(rx)), [10, 11, 12]);
  assertEquals(await within(thread.join()), "module done");
});

threadTest(
  "a module URL that does not exist: join() and the receiver reject, no hang",
  async () => {
    const url = new URL("./fixtures/does_not_exist.ts", import.meta.url);
    const [tx, rx] = channel<number>();
    const thread = spawnThread(url, tx);
    const error = await within(rejection(rx.recv()));
    assert(error instanceof Error, String(error));
    assert(error.message.includes("does_not_exist.ts"), error.message);
    assertEquals(await rejection(thread.join()), error);
  },
);

threadTest("a module without a default function export fails with a TypeError", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread(moduleUrl("export const notDefault = 1;"), tx);
  await assertRejects(within(thread.join()), TypeError, "no default export");
  await assertRejects(rx.recv(), TypeError);
});

threadTest("a module that fails to parse fails the thread with the loader's error", async () => {
  const [tx, rx] = channel<number>();
  const thread = spawnThread(moduleUrl("export default function ( {"), tx);
  await assertRejects(within(thread.join()), Error, "Unexpected token");
  rx.close();
});

const canRead = Deno.permissions.querySync({ name: "read" }).state === "granted";

Deno.test({
  name: "a module file (needs --allow-read): tests/fixtures/count_thread.ts",
  ignore: !canRead,
  async fn() {
    const [tx, rx] = channel<number>();
    const url = new URL("./fixtures/count_thread.ts", import.meta.url);
    const thread = spawnThread(url, tx, { args: [3] });
    assertEquals(await within(Array.fromAsync(rx)), [1, 2, 3]);
    assertEquals(await within(thread.join()), 3);
    assertEquals(liveThreads(), 0);
  },
});

// -- Virtual time --

threadTest(
  "under TestClock, sleepSync and Date.now in the thread follow virtual time",
  async () => {
    using clock = TestClock.install({ now: 1_000_000 });
    const [tx, rx] = channel<number>();
    const thread = spawnThread((tx, { sleepSync }) => {
      for (let i = 0; i < 3; i++) {
        tx.send(Date.now());
        sleepSync(250);
      }
      return Date.now();
    }, tx);
    const timeline = new Timeline<number>(clock);
    const done = (async () => {
      for await (const value of rx) timeline.push(value);
    })();
    await clock.tick(749);
    assertEquals(timeline.entries, [[0, 1_000_000], [250, 1_000_250], [500, 1_000_500]]);
    assertEquals(thread.isFinished, false);
    await clock.tick(1);
    assertEquals(thread.isFinished, true);
    await done;
    assertEquals(await thread.join(), 1_000_750);
    assertEquals(clock.pendingTimers, 0);
  },
);

threadTest("under TestClock, the clock waits at an instant while a thread computes", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<string>();
  spawnThread((tx, { sleepSync }) => {
    const start = performance.now();
    while (performance.now() - start < 30) {
      // Real work, for real time: the virtual instant must not end meanwhile.
    }
    tx.send("computed");
    sleepSync(5);
    tx.send("later");
  }, tx);
  const timeline = new Timeline<string>(clock);
  const done = (async () => {
    for await (const value of rx) timeline.push(value);
  })();
  await clock.tick(10);
  await done;
  assertEquals(timeline.entries, [[0, "computed"], [5, "later"]]);
});

threadTest("under TestClock, closing the receiver wakes a virtually sleeping thread", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<number>();
  const thread = spawnThread((tx, thread) => {
    tx.send(1);
    thread.sleepSync(60_000);
    return [thread.stopped, Date.now()];
  }, tx);
  assertEquals(await rx.recv(), 1);
  await clock.tick(100);
  assertEquals(thread.isFinished, false);
  rx.close();
  await clock.settle();
  assertEquals(thread.isFinished, true);
  assertEquals(await thread.join(), [true, 100]);
  assertEquals(clock.pendingTimers, 0);
});

threadTest(
  "under TestClock, numbers and other values keep their order and virtual times",
  async () => {
    using clock = TestClock.install();
    const [tx, rx] = channel<unknown>();
    const thread = spawnThread((tx, { sleepSync }) => {
      tx.send(1);
      tx.send({ two: 2 });
      tx.send(3);
      sleepSync(100);
      tx.send("four");
      for (let i = 5; i < 200; i++) tx.send(i);
      sleepSync(100);
      tx.send(200);
    }, tx);
    const timeline = new Timeline<unknown>(clock);
    const done = (async () => {
      for await (const value of rx) timeline.push(value);
    })();
    await clock.tick(199);
    assertEquals(timeline.entries.length, 199);
    assertEquals(thread.isFinished, false);
    await clock.tick(1);
    await done;
    assertEquals(timeline.entries, [
      [0, 1],
      [0, { two: 2 }],
      [0, 3],
      [100, "four"],
      ...Array.from({ length: 195 }, (_, k) => [100, k + 5] as [number, unknown]),
      [200, 200],
    ]);
    await thread.join();
  },
);

threadTest(
  "under TestClock, threads due at one instant deliver in the order they were woken",
  async () => {
    // Wake order is the timer's: by deadline, then by when the sleep began
    // (b's sleep until 100 began at 50, after a's and c's, begun at 0).
    const timelines = new Set<string>();
    for (let run = 0; run < 20; run++) {
      using clock = TestClock.install();
      const [tx, rx] = channel<string>();
      const producer = (
        tx: { send(value: string): void },
        thread: { sleepSync(ms: number): void },
        name: string,
        period: number,
      ) => {
        for (let i = 0; i < 4; i++) {
          tx.send(`${name}${i}`);
          thread.sleepSync(period);
        }
      };
      spawnThread(producer, tx.clone(), { args: ["a", 100] });
      spawnThread(producer, tx.clone(), { args: ["b", 50] });
      spawnThread(producer, tx, { args: ["c", 100] });
      const timeline = new Timeline<string>(clock);
      const done = (async () => {
        for await (const value of rx) timeline.push(value);
      })();
      await clock.tick(400);
      await done;
      timelines.add(JSON.stringify(timeline.entries));
    }
    assertEquals([...timelines].map((entries) => JSON.parse(entries)), [[
      [0, "a0"],
      [0, "b0"],
      [0, "c0"],
      [50, "b1"],
      [100, "a1"],
      [100, "c1"],
      [100, "b2"],
      [150, "b3"],
      [200, "a2"],
      [200, "c2"],
      [300, "a3"],
      [300, "c3"],
    ]]);
  },
);
