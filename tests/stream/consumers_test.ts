import { type Result, Stream } from "../../stream.ts";
import { sleep } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import { assertNoTimers, feed, Probe } from "./_helpers.ts";

type Consumer = (stream: Stream<number>, options: { signal: AbortSignal }) => Promise<unknown>;

/** Every consumer, each given a callback that never stops it early. */
const CONSUMERS: Record<string, Consumer> = {
  toArray: (s, options) => s.toArray(options),
  collect: (s, options) => s.collect(options),
  forEach: (s, options) => s.forEach(() => {}, options),
  fold: (s, options) => s.fold(0, (sum, n) => sum + n, options),
  any: (s, options) => s.any((n) => n > 100, options),
  all: (s, options) => s.all((n) => n < 100, options),
};

/** Runs `fn` and returns what it threw or rejected with. */
async function failure(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

// -- Results and timing --

Deno.test("toArray() and collect() resolve with every item when the stream ends", async () => {
  for (const name of ["toArray", "collect"] as const) {
    using clock = TestClock.install();
    const stream = feed([[0, 1], [10, 2], [20, 3]], { closeAt: 30 }).stream;
    const result = watch(stream[name]());
    await clock.tick(29);
    assertEquals(result.status, "pending", name);
    await clock.tick(1);
    assertEquals(result.value, [1, 2, 3], name);
    assertNoTimers(clock);
  }
});

Deno.test("forEach() calls f with each item as it comes, and resolves at the end", async () => {
  using clock = TestClock.install();
  const seen: [number, number][] = [];
  const done = watch(
    feed([[0, 1], [10, 2]], { closeAt: 25 }).stream.forEach((n) => seen.push([clock.elapsed, n])),
  );
  await clock.tick(100);
  assertEquals([seen, done.status], [[[0, 1], [10, 2]], "fulfilled"]);
  assertEquals(done.value, undefined);
});

Deno.test("forEach() awaits an async f before it pulls the next item", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, 1], [0, 2], [0, 3]]);
  const started: [number, number][] = [];
  const done = watch(
    Stream.from(probe).forEach(async (n) => {
      started.push([clock.elapsed, n]);
      await sleep(50);
    }),
  );
  await clock.tick(25);
  assertEquals(probe.nexts, 1);
  await clock.tick(200);
  assertEquals(started, [[0, 1], [50, 2], [100, 3]]);
  assertEquals(done.status, "fulfilled");
  assertNoTimers(clock);
});

Deno.test("fold() combines the items in order", async () => {
  assertEquals(await Stream.iter(["a", "b", "c"]).fold("", (acc, s) => acc + s), "abc");
  assertEquals(await Stream.iter<number>([]).fold(7, (acc, n) => acc + n), 7);
});

Deno.test("any() resolves true at the first match, closing the source then", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, 1], [10, 2], [20, 3]], null);
  const found = watch(Stream.from(probe).any((n) => n === 2));
  await clock.tick(10);
  assertEquals([found.status, found.value, probe.returns], ["fulfilled", true, 1]);
  assertEquals(await Stream.iter([1, 2]).any((n) => n > 5), false);
  assertEquals(await Stream.iter([]).any(() => true), false);
  assertNoTimers(clock);
});

Deno.test("all() resolves false at the first failure, closing the source then", async () => {
  using clock = TestClock.install();
  const source = feed([[0, 1], [10, -1], [20, 3]], { closeAt: null });
  const result = watch(source.stream.all((n) => n > 0));
  await clock.tick(10);
  assertEquals([result.status, result.value], ["fulfilled", false]);
  await clock.tick(10);
  assertEquals(source.refused, [[20, 3]]);
  assertEquals(await Stream.iter([1, 2]).all((n) => n > 0), true);
  assertEquals(await Stream.iter([]).all(() => false), true);
  assertNoTimers(clock);
});

Deno.test("toArray() of timeout results keeps the Elapsed markers in place", async () => {
  using clock = TestClock.install();
  const results = watch(feed([[150, "a"]], { closeAt: 160 }).stream.timeout(100).toArray());
  await clock.tick(200);
  const marks = (results.value as Result<string, Error>[]).map((r) => r.ok ? r.value : "E");
  assertEquals(marks, ["E", "a"]);
});

// -- Cancellation --

Deno.test("every consumer with an aborted signal rejects with signal.reason and closes the source", async () => {
  for (const [name, consume] of Object.entries(CONSUMERS)) {
    using clock = TestClock.install();
    const source = feed([[10, 1]], { closeAt: null });
    const reason = { why: "stopped before starting" };
    const error = await failure(() =>
      consume(source.stream, { signal: AbortSignal.abort(reason) })
    );
    assert(error === reason, `${name}: rejects with the reason as it is`);
    await clock.tick(100);
    assertEquals([source.sent, source.refused], [[], [[10, 1]]], name);
    assertNoTimers(clock);
  }
});

Deno.test("every consumer stops when its signal aborts, closing the source once", async () => {
  for (const [name, consume] of Object.entries(CONSUMERS)) {
    using clock = TestClock.install();
    const probe = new Probe([[0, 1], [10, 2], [20, 3]], null);
    const controller = new AbortController();
    const result = watch(consume(Stream.from(probe), { signal: controller.signal }));
    await clock.tick(15);
    assertEquals(result.status, "pending", name);
    controller.abort("stop");
    await clock.tick(0);
    assertEquals([result.status, result.reason], ["rejected", "stop"], name);
    assertEquals([probe.iterators, probe.returns], [1, 1], name);
    assertNoTimers(clock);
  }
});

Deno.test("an abort while forEach() awaits its callback rejects once the callback settles", async () => {
  using clock = TestClock.install();
  const probe = new Probe([[0, 1], [0, 2]], null);
  const controller = new AbortController();
  const seen: number[] = [];
  const result = watch(
    Stream.from(probe).forEach(async (n) => {
      seen.push(n);
      await sleep(50);
    }, { signal: controller.signal }),
  );
  await clock.tick(10);
  controller.abort("stop");
  await clock.tick(100);
  assertEquals([result.status, result.reason, seen, probe.returns], ["rejected", "stop", [1], 1]);
  assertNoTimers(clock);
});

Deno.test("a callback that throws rejects the consumer with that error after closing the source", async () => {
  const calls: Record<string, (s: Stream<number>, fail: (n: number) => void) => Promise<unknown>> =
    {
      forEach: (s, fail) => s.forEach(fail),
      "forEach (async)": (s, fail) =>
        s.forEach(async (n) => {
          await sleep(1);
          fail(n);
        }),
      fold: (s, fail) =>
        s.fold(0, (acc, n) => {
          fail(n);
          return acc;
        }),
      any: (s, fail) =>
        s.any((n) => {
          fail(n);
          return false;
        }),
      all: (s, fail) =>
        s.all((n) => {
          fail(n);
          return true;
        }),
    };
  for (const [name, consume] of Object.entries(calls)) {
    using clock = TestClock.install();
    const probe = new Probe([[0, 1], [10, 2], [20, 3]], null);
    const bad = new Error("callback failed");
    const result = watch(consume(Stream.from(probe), (n) => {
      if (n === 2) throw bad;
    }));
    await clock.tick(100);
    assertEquals([result.status, result.reason === bad], ["rejected", true], name);
    assertEquals([probe.iterators, probe.returns], [1, 1], name);
    assertNoTimers(clock);
  }
});

// -- Bad input --

Deno.test("forEach() with a non-function is a TypeError at the call", () => {
  for (const f of [undefined, null, 42]) {
    const error = assertThrows(
      () => Stream.iter([1]).forEach(f as never),
      TypeError,
      "Cannot forEach",
    );
    assert(error.message.startsWith("Cannot "));
  }
});

Deno.test({
  name: "fold(), any() and all() with a non-function are a TypeError at the call",
  fn: () => {
    const stream = Stream.iter([1]);
    assertThrows(() => stream.fold(0, 42 as never), TypeError, "Cannot fold");
    assertThrows(() => stream.any(42 as never), TypeError, "Cannot any");
    assertThrows(() => stream.all(42 as never), TypeError, "Cannot all");
  },
});

Deno.test("fold(), any() and all() with a non-function fail with a TypeError and leave the stream usable", async () => {
  const stream = Stream.iter([1, 2]);
  for (
    const call of [
      () => stream.fold(0, 42 as never),
      () => stream.any(42 as never),
      () => stream.all(42 as never),
    ]
  ) {
    const error = await failure(call);
    assert(error instanceof TypeError && error.message.startsWith("Cannot "), String(error));
  }
  assertEquals(await stream.toArray(), [1, 2]);
});

Deno.test("consuming a moved stream is a TypeError", async () => {
  for (const [name, consume] of Object.entries(CONSUMERS)) {
    const stream = Stream.iter([1]);
    stream.map((n) => n);
    const error = await failure(() => consume(stream, { signal: new AbortController().signal }));
    assert(error instanceof TypeError && error.message.startsWith("Cannot "), `${name}: ${error}`);
  }
});

Deno.test("consuming a stream twice is a TypeError at the call, not a silent empty second run", async () => {
  const stream = Stream.iter([1]);
  assertEquals(await stream.toArray(), [1]);
  assertThrows(() => stream.toArray(), TypeError, "Cannot toArray");
});
