import {
  type BlockingContext,
  BlockingPool,
  PoolShutDown,
  QueueFull,
  spawnBlocking,
  WorkerExited,
} from "../blocking.ts";
import { Cancelled, run, sleep, spawnTask } from "../task.ts";
import { TestClock } from "../testing.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./_assert.ts";
import { poolTest, SpinLatch, within } from "./_workers.ts";
import { captureConsoleError, drain, rejection, watch } from "./_helpers.ts";

// Real workers run in real time: every wait on one is an event (a result, a
// shared-memory notify) bounded by this timeout (a failure, never a sleep),
// and every test ends with every worker exited.
/**
 * Shared cells between the test and its jobs: [0] the gate (0 shut, 1
 * open), [1] jobs that reached the gate, [2] a flag a job raises, [3] a
 * counter jobs bump, [4] an order ticket.
 */
class Cells {
  readonly cells: Int32Array = new Int32Array(new SharedArrayBuffer(20));

  /** Lets every gated job go on. */
  open(): void {
    Atomics.store(this.cells, 0, 1);
    Atomics.notify(this.cells, 0);
  }

  /** Resolves once `n` jobs have reached the gate (or raised `[index]` to `n`). */
  async reached(n: number, index = 1): Promise<void> {
    for (;;) {
      const seen = Atomics.load(this.cells, index);
      if (seen >= n) return;
      const wait = Atomics.waitAsync(this.cells, index, seen);
      if (wait.async) await within(wait.value);
    }
  }
}

/** A job that reports it has started, waits for the gate, and returns `value`. */
function gated(_ctx: BlockingContext, cells: Int32Array, value: unknown): unknown {
  Atomics.add(cells, 1, 1);
  Atomics.notify(cells, 1);
  while (Atomics.load(cells, 0) === 0) Atomics.wait(cells, 0, 0);
  return value;
}

/** A job that reports it has started and returns which worker ran it and when. */
function ticket(ctx: BlockingContext, cells: Int32Array): [number, number] {
  return [ctx.worker, Atomics.add(cells, 4, 1)];
}

/** A `data:` module URL, loadable without any permission. */
function moduleUrl(source: string): string {
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

// -- Results and values --

poolTest("spawn() resolves with the function's result; arguments cross by value", async () => {
  await using pool = new BlockingPool({ size: 2 });
  assertEquals(await within(pool.spawn((_ctx, a: number, b: number) => a + b, 40, 2)), 42);
  assertEquals(await within(pool.spawn(() => "no args")), "no args");
  const sum = await within(pool.spawn((_ctx, xs: number[], o: { k: number }) => xs[0]! + o.k, [1], {
    k: 2,
  }));
  assertEquals(sum, 3);
  const date = new Date(0);
  assertEquals(
    await within(
      pool.spawn((_ctx, d: Date, m: Map<string, number>) => [d, m], date, new Map([["a", 1]])),
    ),
    [date, new Map([["a", 1]])],
  );
});

poolTest("an async job is awaited in its worker", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const result = pool.spawn(async (_ctx, text: string) => {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
    return (await new Response(stream).arrayBuffer()).byteLength;
  }, "frame ".repeat(1000));
  assert((await within(result)) < 200, "the text compresses");
});

poolTest("a module's named or default export is the job; each worker loads it once", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const module = moduleUrl(
    "let loads = (globalThis.loads ?? 0) + 1; globalThis.loads = loads;\n" +
      "export function double(ctx, n) { return [n * 2, globalThis.loads]; }\n" +
      "export default (ctx) => 'default';",
  );
  assertEquals(await within(pool.spawn({ module, export: "double" }, 21)), [42, 1]);
  assertEquals(await within(pool.spawn({ module: new URL(module), export: "double" }, 1)), [2, 1]);
  assertEquals(await within(pool.spawn({ module })), "default");
});

poolTest("a queued job gets its arguments as they were at the spawn", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const gate = new Cells();
  const first = pool.spawn(gated, gate.cells, "first");
  const value = { n: 1 };
  const second = pool.spawn((_ctx, v: { n: number }) => v.n, value);
  value.n = 2;
  gate.open();
  assertEquals(await within(Promise.all([first, second])), ["first", 1]);
});

poolTest("transfer moves arguments at the spawn, started at once or queued", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const gate = new Cells();
  const sum = (_ctx: BlockingContext, bytes: Uint8Array) => bytes.reduce((a, b) => a + b, 0);
  const now = new Uint8Array([1, 2, 3]);
  const started = pool.spawn({ fn: sum, transfer: [now.buffer] }, now);
  assertEquals(now.byteLength, 0, "moved by the spawn that starts it");
  assertEquals(await within(started), 6);
  const blocker = pool.spawn(gated, gate.cells, null);
  const later = new Uint8Array([4, 5]);
  const queued = pool.spawn({ fn: sum, transfer: [later] }, later);
  assertEquals(later.byteLength, 0, "moved by the spawn that queues it");
  gate.open();
  assertEquals(await within(Promise.all([blocker, queued])), [null, 9]);
});

poolTest("ctx.transfer() moves the result: the worker's buffer is detached", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const buffer = await within(pool.spawn((ctx) => {
    const bytes = new Uint8Array(1024).fill(9);
    (globalThis as { kept?: ArrayBuffer }).kept = bytes.buffer;
    ctx.transfer(bytes.buffer);
    return bytes.buffer;
  }));
  assertEquals([buffer.byteLength, new Uint8Array(buffer)[0]], [1024, 9]);
  const kept = await within(
    pool.spawn(() => (globalThis as { kept?: ArrayBuffer }).kept!.byteLength),
  );
  assertEquals(kept, 0);
});

// -- Errors --

poolTest(
  "a job's error comes back with its class name, message, stack, cause and fields",
  async () => {
    await using pool = new BlockingPool({ size: 1 });
    const error = await within(rejection(pool.spawn((_ctx, input: string) => {
      class ParseError extends Error {
        line = 3;
      }
      throw new ParseError(`Cannot parse ${input}`, { cause: new RangeError("inner") });
    }, "frame.bin"))) as Error & { line: number };
    assertEquals(error.constructor.name, "ParseError");
    assertEquals([error.message, error.line], ["Cannot parse frame.bin", 3]);
    assert(error instanceof Error);
    assert(error.stack!.includes("weft-blocking-job.js"), error.stack);
    assert(error.cause instanceof RangeError && error.cause.message === "inner");
    const typeError = await within(rejection(pool.spawn(() => {
      throw new TypeError("bad");
    })));
    assert(typeError instanceof TypeError && typeError.message === "bad");
    assertEquals(
      await within(rejection(pool.spawn(() => Promise.reject("not an error")))),
      "not an error",
    );
    assertEquals(await within(pool.spawn(() => "still serving")), "still serving");
  },
);

poolTest(
  "a result that cannot be cloned rejects with a DataCloneError; the pool goes on",
  async () => {
    await using pool = new BlockingPool({ size: 1 });
    const error = await within(rejection(pool.spawn(() => () => "a function")));
    assert(error instanceof DOMException && error.name === "DataCloneError", String(error));
    assert(error.message.startsWith("Cannot return from the job"));
    assertEquals(await within(pool.spawn(() => 1)), 1);
  },
);

poolTest("a module or export that does not exist rejects that job only", async () => {
  await using pool = new BlockingPool({ size: 1 });
  // The loader's error: without --allow-read it refuses the file; with it,
  // it does not find it (under `deno test`, its type check fails).
  const missing = new URL("./fixtures/does_not_exist.js", import.meta.url);
  await within(assertRejects(pool.spawn({ module: missing }), TypeError));
  const module = moduleUrl("export const notAFunction = 1;");
  await within(
    assertRejects(pool.spawn({ module, export: "nope" }), TypeError, 'has no export "nope"'),
  );
  await within(assertRejects(pool.spawn({ module, export: "notAFunction" }), TypeError));
  const broken = moduleUrl("export const x = ;");
  await within(assertRejects(pool.spawn({ module: broken }), TypeError, "SyntaxError"));
  assertEquals(await within(pool.spawn(() => "still serving")), "still serving");
});

poolTest("a floating rejection in a job fails that job", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const error = await within(rejection(pool.spawn(async () => {
    Promise.reject(new RangeError("floating"));
    await new Promise(() => {});
  })));
  assert(error instanceof RangeError && error.message === "floating");
  assertEquals(await within(pool.spawn(() => 2)), 2);
});

poolTest(
  "a job that ends its worker rejects with WorkerExited; a new worker serves on",
  async () => {
    await using pool = new BlockingPool({ size: 1 });
    const error = await within(rejection(pool.spawn(() => Deno.exit(3))));
    assert(error instanceof WorkerExited && error.code === 3, String(error));
    assertEquals(await within(pool.spawn(() => "replaced")), "replaced");
    assertEquals(pool.stats.started, 2);
  },
);

poolTest("a job that fails while nothing awaits its handle is reported", async () => {
  await using pool = new BlockingPool({ size: 1 });
  using errors = captureConsoleError();
  const handle = pool.spawn(() => {
    throw new Error("unseen");
  });
  await within(pool.spawn(() => 0));
  await drain();
  assertEquals(errors.calls.length, 1);
  assert(String(errors.calls[0]![0]).includes("nothing awaited its handle"));
  assert(handle.isFinished);
});

poolTest(
  "the spawn site of a failing job is its caller's line, through spawnBlocking too",
  async () => {
    const fail = () => {
      throw new RangeError("traced");
    };
    await using pool = new BlockingPool({ size: 1 });
    const direct = await within(rejection(pool.spawn(fail))) as Error;
    const viaShared = await within(rejection(run(() => spawnBlocking(fail)))) as Error;
    for (const error of [direct, viaShared]) {
      const last = error.stack!.split("\n").at(-1)!;
      assert(last.trimStart().startsWith("at (spawned)"), error.stack);
      assert(last.includes("blocking_test.ts:"), error.stack);
    }
  },
);

// -- Scheduling and stealing --

poolTest("workers start lazily, up to the pool's size", async () => {
  await using pool = new BlockingPool({ size: 2 });
  assertEquals(pool.stats.workers, 0);
  await within(pool.spawn(() => 1));
  await within(pool.spawn(() => 1));
  assertEquals(pool.stats.workers, 1, "an idle worker is reused");
  const gate = new Cells();
  const jobs = [1, 2, 3].map((n) => pool.spawn(gated, gate.cells, n));
  assertEquals([pool.stats.workers, pool.stats.running, pool.stats.queued], [2, 2, 1]);
  gate.open();
  assertEquals(await within(Promise.all(jobs)), [1, 2, 3]);
});

poolTest("a long job does not hold short ones behind it", async () => {
  await using pool = new BlockingPool({ size: 2 });
  const gate = new Cells();
  const long = pool.spawn(gated, gate.cells, "long");
  const watched = watch(long);
  const shorts = Array.from({ length: 6 }, (_, n) => pool.spawn((_ctx, i: number) => i, n));
  assertEquals(await within(Promise.all(shorts)), [0, 1, 2, 3, 4, 5]);
  assertEquals(watched.status, "pending");
  assert(pool.stats.stolen > 0, "the free worker stole the jobs queued behind the long one");
  gate.open();
  assertEquals(await within(long), "long");
});

poolTest(
  "a free worker takes its own deque's front, then steals the back of the longest",
  async () => {
    await using pool = new BlockingPool({ size: 2 });
    const [gate0, gate1, order] = [new Cells(), new Cells(), new Cells()];
    const long0 = pool.spawn(gated, gate0.cells, "long 0");
    const long1 = pool.spawn(gated, gate1.cells, "long 1");
    // Queued alternately: deque 0 holds s0, s2; deque 1 holds s1, s3.
    const s = [0, 1, 2, 3].map(() => pool.spawn(ticket, order.cells));
    assertEquals([pool.stats.running, pool.stats.queued], [2, 4]);
    gate1.open();
    const results = await within(Promise.all(s));
    // Worker 1 ran its own s1, s3 in order, then stole s2 (the back of deque 0), then s0.
    assertEquals(results, [[1, 3], [1, 0], [1, 2], [1, 1]]);
    assertEquals(pool.stats.stolen, 2);
    gate0.open();
    assertEquals(await within(Promise.all([long0, long1])), ["long 0", "long 1"]);
  },
);

poolTest("idle workers are released after idleTimeout (under a test clock)", async () => {
  using clock = TestClock.install();
  await using pool = new BlockingPool({ size: 1, idleTimeout: 1_000 });
  await within(pool.spawn(() => 1));
  await clock.tick(999);
  assertEquals(pool.stats.workers, 1);
  await within(pool.spawn(() => 2));
  await clock.tick(999);
  assertEquals(pool.stats.workers, 1, "the second job restarted the idle time");
  await clock.tick(1);
  assertEquals([pool.stats.workers, clock.pendingTimers], [0, 0]);
  assertEquals(await within(pool.spawn(() => 3)), 3, "a released pool starts again");
});

// -- Backpressure --

poolTest('whenFull: "reject" throws QueueFull when maxQueued jobs are queued', async () => {
  await using pool = new BlockingPool({ size: 1, maxQueued: 1, whenFull: "reject" });
  const gate = new Cells();
  const running = pool.spawn(gated, gate.cells, 1);
  const queued = pool.spawn(gated, gate.cells, 2);
  const error = assertThrows(() => pool.spawn(() => 3), QueueFull, "queue is full");
  assertEquals((error as QueueFull).maxQueued, 1);
  assertEquals([pool.stats.running, pool.stats.queued], [1, 1]);
  gate.open();
  assertEquals(await within(Promise.all([running, queued])), [1, 2]);
  assertEquals(await within(pool.spawn(() => 3)), 3);
});

poolTest('whenFull: "wait" queues later jobs as room appears, in spawn order', async () => {
  await using pool = new BlockingPool({ size: 1, maxQueued: 1 });
  const [gate, order] = [new Cells(), new Cells()];
  const running = pool.spawn(gated, gate.cells, "running");
  const queued = pool.spawn(ticket, order.cells);
  const waiting = [pool.spawn(ticket, order.cells), pool.spawn(ticket, order.cells)];
  const ready = watch(pool.ready());
  assertEquals([pool.stats.queued, pool.stats.waiting], [1, 2]);
  await drain();
  assertEquals(ready.status, "pending");
  gate.open();
  const tickets = await within(Promise.all([queued, ...waiting]));
  assertEquals(tickets.map(([, at]) => at), [0, 1, 2]);
  await within(running);
  assertEquals(ready.status, "fulfilled");
});

poolTest("maxQueued: 0 takes a job only when a worker is free", async () => {
  await using pool = new BlockingPool({ size: 1, maxQueued: 0, whenFull: "reject" });
  const gate = new Cells();
  const running = pool.spawn(gated, gate.cells, 1);
  assertThrows(() => pool.spawn(() => 2), QueueFull);
  gate.open();
  assertEquals(await within(running), 1);
  assertEquals(await within(pool.spawn(() => 2)), 2);
});

poolTest(
  'maxQueued: 0 with whenFull: "wait" starts a waiting job when a worker is free',
  async () => {
    await using pool = new BlockingPool({ size: 1, maxQueued: 0 });
    const gate = new Cells();
    const running = pool.spawn(gated, gate.cells, 1);
    const waiting = [pool.spawn(() => 2), pool.spawn(() => 3)];
    const ready = watch(pool.ready());
    assertEquals([pool.stats.running, pool.stats.waiting], [1, 2]);
    gate.open();
    assertEquals(await within(Promise.all([running, ...waiting])), [1, 2, 3]);
    await within(pool.ready());
    assertEquals(ready.status, "fulfilled");
  },
);

poolTest("ready() stops waiting when its signal aborts", async () => {
  await using pool = new BlockingPool({ size: 1, maxQueued: 0 });
  const gate = new Cells();
  const running = pool.spawn(gated, gate.cells, 1);
  const controller = new AbortController();
  const ready = pool.ready({ signal: controller.signal });
  controller.abort("enough");
  assertEquals(await within(rejection(ready)), "enough");
  gate.open();
  await within(running);
});

// -- Cancellation --

poolTest("abort() before a job starts drops it from its deque; it never runs", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const [gate, runs] = [new Cells(), new Cells()];
  const running = pool.spawn(gated, gate.cells, "ran");
  const dropped = pool.spawn((_ctx, cells: Int32Array) => Atomics.add(cells, 3, 1), runs.cells);
  dropped.abort("not needed");
  assertEquals(pool.stats.queued, 0);
  const error = await within(rejection(dropped));
  assert(error instanceof Cancelled && error.reason === "not needed");
  assert(dropped.signal.aborted && dropped.signal.reason === "not needed");
  gate.open();
  assertEquals(await within(running), "ran");
  await within(pool.spawn(() => null));
  assertEquals(Atomics.load(runs.cells, 3), 0);
});

poolTest("abort() during a job rejects at once; the job sees ctx.cancelled()", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const cells = new Cells();
  const job = pool.spawn((ctx, c: Int32Array) => {
    Atomics.add(c, 1, 1);
    Atomics.notify(c, 1);
    while (!ctx.cancelled());
    Atomics.store(c, 2, 1);
    Atomics.notify(c, 2);
    return "dropped";
  }, cells.cells);
  await cells.reached(1);
  job.abort("stop");
  const error = await within(rejection(job));
  assert(error instanceof Cancelled && error.reason === "stop");
  await cells.reached(1, 2);
  assertEquals(await within(pool.spawn(() => "next")), "next");
});

poolTest(
  "abort() wakes sleepSync, fires ctx.signal, and makes throwIfCancelled throw",
  async () => {
    await using pool = new BlockingPool({ size: 1 });
    const cells = new Cells();
    const sleeper = pool.spawn((ctx, c: Int32Array) => {
      Atomics.add(c, 1, 1);
      Atomics.notify(c, 1);
      ctx.sleepSync(60_000);
      Atomics.add(c, 2, 1);
      Atomics.notify(c, 2);
    }, cells.cells);
    await cells.reached(1);
    sleeper.abort();
    await within(rejection(sleeper));
    await cells.reached(1, 2);
    const waiter = pool.spawn(async (ctx, c: Int32Array) => {
      Atomics.add(c, 1, 1);
      Atomics.notify(c, 1);
      // The abort may come before the job looks at its signal.
      await new Promise((resolve) => {
        if (ctx.signal.aborted) resolve(null);
        else ctx.signal.addEventListener("abort", resolve);
      });
      Atomics.add(c, 2, 1);
      Atomics.notify(c, 2);
    }, cells.cells);
    await cells.reached(2);
    waiter.abort();
    await within(rejection(waiter));
    await cells.reached(2, 2);
    const unwinding = pool.spawn((ctx, c: Int32Array) => {
      Atomics.add(c, 1, 1);
      Atomics.notify(c, 1);
      for (;;) ctx.throwIfCancelled();
    }, cells.cells);
    await cells.reached(3);
    unwinding.abort();
    assert((await within(rejection(unwinding))) instanceof Cancelled);
    assertEquals(await within(pool.spawn(() => "next")), "next");
  },
);

poolTest("a job's signal aborts it; an aborted signal cancels it before it starts", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const cells = new Cells();
  const controller = new AbortController();
  const job = pool.spawn({ fn: gated, signal: controller.signal }, cells.cells, 1);
  await cells.reached(1);
  controller.abort("by signal");
  const error = await within(rejection(job));
  assert(error instanceof Cancelled && error.reason === "by signal");
  const never = pool.spawn({ fn: () => 1, signal: AbortSignal.abort("early") });
  assertEquals(((await within(rejection(never))) as Cancelled).reason, "early");
  cells.open();
});

poolTest("disposing a handle (using) aborts its job", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const cells = new Cells();
  let escaped;
  {
    using handle = pool.spawn(gated, cells.cells, 1);
    escaped = handle;
  }
  assert((await within(rejection(escaped))) instanceof Cancelled);
  cells.open();
});

// -- Shutdown --

poolTest("shutdown() terminates a job that never returns and cancels queued ones", async () => {
  using latch = new SpinLatch();
  const pool = new BlockingPool({ size: 1 });
  const cells = new Cells();
  const spinning = pool.spawn(
    (_ctx, c: Int32Array, spin: Int32Array) => {
      Atomics.add(c, 1, 1);
      Atomics.notify(c, 1);
      // Never returns (until the test is over), never reads ctx.cancelled().
      while (Atomics.load(spin, 0) === 0);
    },
    cells.cells,
    latch.flag,
  );
  const queued = pool.spawn(() => "never");
  await cells.reached(1);
  const done = pool.shutdown();
  assert(pool.shutdown() === done, "shutdown() is idempotent");
  await within(done);
  for (const handle of [spinning, queued]) {
    const error = await within(rejection(handle));
    assert(error instanceof Cancelled && error.reason instanceof PoolShutDown, String(error));
  }
  assertEquals([pool.closed, pool.stats.workers], [true, 0]);
  assertThrows(() => pool.spawn(() => 1), PoolShutDown, "shut down");
  await within(assertRejects(pool.ready(), PoolShutDown));
});

poolTest("await using shuts the pool down", async () => {
  let kept: BlockingPool;
  {
    await using pool = new BlockingPool({ size: 1 });
    kept = pool;
    assertEquals(await within(pool.spawn(() => 1)), 1);
  }
  assert(kept.closed);
});

poolTest(
  "the end of a run() cancels its jobs and ends idle workers; other jobs go on",
  async () => {
    using latch = new SpinLatch();
    await using pool = new BlockingPool({ size: 2 });
    const [outside, inside] = [new Cells(), new Cells()];
    const before = pool.spawn(gated, outside.cells, "outside");
    let job: PromiseLike<unknown> | undefined;
    await run(async () => {
      job = pool.spawn(
        (_ctx, c: Int32Array, spin: Int32Array) => {
          Atomics.add(c, 1, 1);
          Atomics.notify(c, 1);
          while (Atomics.load(spin, 0) === 0); // spins until the test is over
        },
        inside.cells,
        latch.flag,
      );
      await inside.reached(1);
    });
    const error = await within(rejection(job!));
    assert(error instanceof Cancelled && error.reason instanceof Cancelled, String(error));
    assertEquals(pool.stats.workers, 1, "the run's worker was terminated");
    outside.open();
    assertEquals(await within(before), "outside");
  },
);

poolTest("a job spawned while its run() shuts down is cancelled before it starts", async () => {
  await using pool = new BlockingPool({ size: 1 });
  let late: PromiseLike<unknown> | undefined;
  await run(async () => {
    spawnTask(async () => {
      try {
        await sleep(60_000);
      } finally {
        late = pool.spawn(() => "outlived its run");
      }
    });
    await sleep(0);
  });
  await drain();
  const error = await within(rejection(late!));
  assert(error instanceof Cancelled, String(error));
  assertEquals(pool.stats.started, 0);
});

poolTest("spawnBlocking() uses the shared pool, renewed after a shutdown", async () => {
  const result = await within(run(() => spawnBlocking((_ctx, n: number) => n * 2, 21)));
  assertEquals(result, 42);
  const shared = BlockingPool.shared;
  assertEquals(shared.size, navigator.hardwareConcurrency);
  await within(shared.shutdown());
  assert(BlockingPool.shared !== shared && !BlockingPool.shared.closed);
  assertEquals(await within(spawnBlocking(() => "again")), "again");
  await within(BlockingPool.shared.shutdown());
});

// -- Many jobs at once: prefetched, batched --

/** A job that counts its runs in `runs[index]` and returns `index`. */
function counted(_ctx: BlockingContext, runs: Int32Array, index: number): number {
  Atomics.add(runs, index, 1);
  return index;
}

poolTest("20,000 tiny jobs spawned at once each settle with their own result", async () => {
  await using pool = new BlockingPool({ size: 2 });
  const handles = Array.from(
    { length: 20_000 },
    (_, i) => pool.spawn((_ctx, x: number) => x * 2, i),
  );
  const results = await within(Promise.all(handles));
  assert(results.every((result, i) => result === i * 2));
  assertEquals(pool.stats.completed, 20_000);
});

poolTest("jobs aborted while queued behind running ones never run; the rest run once", async () => {
  await using pool = new BlockingPool({ size: 2 });
  const gate = new Cells();
  const long = [pool.spawn(gated, gate.cells, 0), pool.spawn(gated, gate.cells, 1)];
  await gate.reached(2);
  const runs = new Int32Array(new SharedArrayBuffer(4 * 300));
  const handles = Array.from({ length: 300 }, (_, i) => pool.spawn(counted, runs, i));
  for (let i = 0; i < 300; i += 3) handles[i]!.abort("dropped");
  gate.open();
  await within(Promise.all(long));
  const outcomes = await within(Promise.allSettled(handles));
  for (const [i, outcome] of outcomes.entries()) {
    const aborted = i % 3 === 0;
    assertEquals(outcome.status, aborted ? "rejected" : "fulfilled", `job ${i}`);
    assertEquals(Atomics.load(runs, i), aborted ? 0 : 1, `runs of job ${i}`);
  }
});

poolTest("a free worker steals jobs already sent to a busy one; none runs twice", async () => {
  await using pool = new BlockingPool({ size: 2 });
  const gate = new Cells();
  const long = pool.spawn(gated, gate.cells, "long");
  await gate.reached(1);
  const runs = new Int32Array(new SharedArrayBuffer(4 * 200));
  const handles = Array.from({ length: 200 }, (_, i) => pool.spawn(counted, runs, i));
  const results = await within(Promise.all(handles));
  assert(results.every((result, i) => result === i));
  assert(runs.every((n) => n === 1), "every job ran once");
  assert(pool.stats.stolen > 0, "the free worker stole from the busy one's deque");
  gate.open();
  assertEquals(await within(long), "long");
});

poolTest("jobs queued behind one that ends its worker run on the new worker", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const exiting = pool.spawn(() => Deno.exit(3));
  const after = Array.from({ length: 5 }, (_, i) => pool.spawn((_ctx, x: number) => x + 1, i));
  assert((await within(rejection(exiting))) instanceof WorkerExited);
  assertEquals(await within(Promise.all(after)), [1, 2, 3, 4, 5]);
  assertEquals(pool.stats.started, 2);
});

poolTest(
  "a job that ends its worker fails alone; the quick jobs before it keep their results",
  async () => {
    await using pool = new BlockingPool({ size: 1 });
    const job = (_ctx: BlockingContext, i: number, last: number) => i === last ? Deno.exit(3) : i;
    assertEquals(await within(pool.spawn(job, 0, -1)), 0);
    for (let round = 0; round < 5; round++) {
      const handles = Array.from({ length: 40 }, (_, i) => pool.spawn(job, i, 30));
      const outcomes = await within(Promise.allSettled(handles));
      for (const [i, outcome] of outcomes.entries()) {
        if (i === 30) {
          assert(outcome.status === "rejected" && outcome.reason instanceof WorkerExited);
        } else {
          assertEquals(outcome, { status: "fulfilled", value: i }, `round ${round}, job ${i}`);
        }
      }
    }
  },
);

poolTest("a quick job's result does not wait for a slower job after it on its worker", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const quick = (_ctx: BlockingContext, x: number) => x + 1;
  assertEquals(await within(pool.spawn(quick, 1)), 2);
  const gate = new Cells();
  const first = pool.spawn(quick, 2);
  const slow = pool.spawn(gated, gate.cells, "slow");
  assertEquals(await within(first), 3);
  await gate.reached(1);
  assertEquals(watch(slow).status, "pending");
  gate.open();
  assertEquals(await within(slow), "slow");
});

/** Spins the main thread (no event runs meanwhile) until `cells[index]` reaches `n`. */
function spinUntil(cells: Int32Array, n: number, index = 1): void {
  const deadline = performance.now() + 10_000;
  while (Atomics.load(cells, index) < n) {
    if (performance.now() > deadline) throw new Error("Timed out spinning");
  }
}

poolTest("a job its worker started before the main side saw it stays that worker's", async () => {
  await using pool = new BlockingPool({ size: 2 });
  const [a, b] = [new Cells(), new Cells()];
  // Worker 0 runs two quick jobs; worker 1 runs `first`, then `started`.
  const quick = pool.spawn(() => "quick");
  const first = pool.spawn(gated, a.cells, "first");
  const filler = pool.spawn(() => "filler");
  const started = pool.spawn((ctx, cells: Int32Array) => {
    Atomics.add(cells, 1, 1);
    Atomics.notify(cells, 1);
    while (Atomics.load(cells, 0) === 0 && !ctx.cancelled()) Atomics.wait(cells, 0, 0, 5);
    return ctx.cancelled() ? "saw the cancel" : "ran on";
  }, b.cells);
  // The jobs behind the first two go to their workers ahead of time (a microtask).
  await null;
  spinUntil(a.cells, 1);
  a.open();
  // Worker 1 starts `started` while the main thread sees no answer: then
  // worker 0, free, fails to steal it, and an abort finds it started.
  spinUntil(b.cells, 1);
  const aborted = filler.then(() => started.abort("late"));
  assertEquals(await within(Promise.all([quick, first, aborted])), ["quick", "first", undefined]);
  assert((await within(rejection(started))) instanceof Cancelled);
  // Both workers go on taking jobs, queued ones included.
  const c = new Cells();
  const blockers = [pool.spawn(gated, c.cells, 1), pool.spawn(gated, c.cells, 2)];
  const rest = Array.from({ length: 10 }, (_, i) => pool.spawn((_ctx, x: number) => x, i));
  c.open();
  const results = await within(Promise.all([...blockers, ...rest]));
  assertEquals(results, [1, 2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertEquals(Atomics.load(b.cells, 1), 1, "the started job ran once");
});

/** A job for the mixed workload below: counts its runs; spins, throws, goes async or ends its worker by `kind`. */
function mixed(ctx: BlockingContext, runs: Int32Array, i: number, kind: number): unknown {
  Atomics.add(runs, i, 1);
  if (kind === 1) {
    const end = performance.now() + 0.5;
    while (performance.now() < end && !ctx.cancelled());
  }
  if (kind === 2) throw new RangeError(`job ${i}`);
  if (kind === 4) Deno.exit(3);
  return kind === 3 ? Promise.resolve(i) : i;
}

poolTest(
  "spawns, aborts, exits and shutdowns at random: none runs twice, none is lost",
  async () => {
    let seed = 17;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 8; round++) {
      const pool = new BlockingPool({
        size: 1 + Math.floor(random() * 3),
        maxQueued: random() < 0.3 ? Math.floor(random() * 20) : Infinity,
      });
      const n = 50 + Math.floor(random() * 250);
      const runs = new Int32Array(new SharedArrayBuffer(4 * n));
      const kinds: number[] = [];
      const handles = [];
      const aborted = new Set<number>();
      for (let i = 0; i < n; i++) {
        const r = random();
        kinds.push(r < 0.7 ? 0 : r < 0.85 ? 1 : r < 0.93 ? 2 : r < 0.99 ? 3 : 4);
        const handle = pool.spawn(mixed, runs, i, kinds[i]!);
        handle.then(null, () => {}); // observed: its failure is checked below, not reported
        handles.push(handle);
        if (random() < 0.1) await null;
        if (random() < 0.05) {
          const j = Math.floor(random() * handles.length);
          handles[j]!.abort("dropped");
          aborted.add(j);
        }
      }
      const shutDown = random() < 0.15;
      if (shutDown) await pool.shutdown();
      const outcomes = await within(Promise.allSettled(handles));
      for (const [i, outcome] of outcomes.entries()) {
        const ran = Atomics.load(runs, i);
        assert(ran <= 1, `round ${round}: job ${i} ran ${ran} times`);
        const cancelled = outcome.status === "rejected" && outcome.reason instanceof Cancelled;
        if (shutDown || aborted.has(i)) continue;
        assert(!cancelled && ran === 1, `round ${round}: job ${i} did not run`);
        if (kinds[i] === 2) assert(outcome.status === "rejected", `round ${round}: job ${i}`);
        else if (kinds[i] === 4) {
          assert(outcome.status === "rejected" && outcome.reason instanceof WorkerExited);
        } else assertEquals(outcome, { status: "fulfilled", value: i }, `round ${round}: job ${i}`);
      }
      await pool.shutdown();
    }
  },
);

// -- Bad input --

poolTest("bad pool options fail at the call", () => {
  for (const size of [0, -1, 1.5, NaN, Infinity]) {
    assertThrows(() => new BlockingPool({ size }), RangeError, "Cannot create the pool");
  }
  assertThrows(() => new BlockingPool({ size: "2" as never }), TypeError, "size must be a number");
  for (const maxQueued of [-1, 0.5, NaN]) {
    assertThrows(() => new BlockingPool({ maxQueued }), RangeError, "maxQueued");
  }
  assertThrows(() => new BlockingPool({ idleTimeout: -1 }), RangeError, "idleTimeout");
  assertThrows(() => new BlockingPool({ whenFull: "drop" as never }), TypeError, "whenFull");
  assertThrows(() => new BlockingPool(null as never), TypeError, "options");
  return Promise.resolve();
});

poolTest("bad jobs and arguments fail at the call; the pool is unaffected", async () => {
  await using pool = new BlockingPool({ size: 1 });
  const bad: [() => unknown, string][] = [
    [() => pool.spawn(Math.max as never), "source is not available"],
    [() => pool.spawn((() => 1).bind(null)), "source is not available"],
    [() => pool.spawn(class {} as never), "got a class"],
    [() => pool.spawn(42 as never), "expected a function"],
    [() => pool.spawn({} as never), "either fn or module"],
    [() => pool.spawn({ fn: () => 1, module: "data:," } as never), "either fn or module"],
    [() => pool.spawn({ module: "./relative.ts" }), "absolute URL"],
    [() => pool.spawn({ module: "data:,", export: 1 as never }), "export must be a string"],
    [() => pool.spawn({ fn: () => 1, transfer: {} as never }), "transfer must be an array"],
    [() => pool.spawn({ fn: () => 1, signal: {} as never }), "signal must be an AbortSignal"],
    [() => pool.spawn((_ctx, f: () => void) => f, () => {}), "cannot be cloned"],
  ];
  for (const [call, message] of bad) assertThrows(call, TypeError, message);
  const gate = new Cells();
  const running = pool.spawn(gated, gate.cells, 1);
  assertThrows(() => pool.spawn((_ctx, s: symbol) => s, Symbol()), TypeError, "cannot be cloned");
  assertEquals(pool.stats.queued, 0);
  gate.open();
  assertEquals(await within(running), 1);
});
