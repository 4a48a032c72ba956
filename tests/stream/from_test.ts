import { channel, SendError } from "../../channel.ts";
import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertNoTimers,
  assertTimeline,
  Counted,
  END,
  feed,
  Probe,
  timeline,
} from "./_helpers.ts";

/** A ReadableStream of `items` that counts pulls and cancels (pull-based, no buffering). */
function readable<T>(items: T[]) {
  const counts = { pulls: 0, cancels: 0, reason: undefined as unknown };
  let index = 0;
  const stream = new ReadableStream<T>({
    pull(controller) {
      counts.pulls++;
      if (index < items.length) controller.enqueue(items[index++]!);
      else controller.close();
    },
    cancel(reason) {
      counts.cancels++;
      counts.reason = reason;
    },
  }, { highWaterMark: 0 });
  return { stream, counts };
}

// -- Sources --

Deno.test("Stream.from() of an iterable yields its items at once, lazily", async () => {
  const counted = new Counted([1, 2, 3]);
  const stream = Stream.from(counted);
  assertEquals(counted.iterators, 0);
  await assertTimeline(() => Stream.from(new Set(["a", "b"])), [[0, "a"], [0, "b"], [0, END]]);
  assertEquals(await stream.toArray(), [1, 2, 3]);
  assertEquals([counted.iterators, counted.returns], [1, 0]);
  assertEquals(await Stream.from("hé").toArray(), ["h", "é"]);
});

Deno.test("Stream.iter() is trpl's stream_from_iter", async () => {
  function* numbers() {
    yield 1;
    yield 2;
  }
  assertEquals(await Stream.iter(numbers()).toArray(), [1, 2]);
  assertEquals(await Stream.iter([]).toArray(), []);
});

Deno.test("Stream.from() of an async iterable yields each item when it settles", async () => {
  await assertTimeline(
    () => Stream.from(new Probe([[10, "a"], [30, "b"]], 45)),
    [[10, "a"], [30, "b"], [45, END]],
  );
  async function* generated() {
    yield "x";
    yield "y";
  }
  assertEquals(await Stream.from(generated()).toArray(), ["x", "y"]);
});

Deno.test("Stream.from() of a ReadableStream reads it on demand", async () => {
  const { stream, counts } = readable(["a", "b", "c"]);
  const s = Stream.from(stream);
  assertEquals(counts.pulls, 0);
  assertEquals(await s.next(), "a");
  assertEquals(await s.toArray(), ["b", "c"]);
  assertEquals(counts.cancels, 0);
});

Deno.test("Stream.from() of a receiver yields each value at the instant it is sent", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [10, "b"], [10, "c"]], { closeAt: 25 }).stream,
    [[0, "a"], [10, "b"], [10, "c"], [25, END]],
  );
});

Deno.test("Stream.from() of a stream returns that very stream", () => {
  const stream = Stream.iter([1]);
  assert(Stream.from(stream) === stream);
});

Deno.test("next() pulls one item, trpl's while-let loop in one line", async () => {
  const stream = Stream.iter(["a", "b"]);
  const seen: string[] = [];
  for (let x; (x = await stream.next()) !== undefined;) seen.push(x);
  assertEquals(seen, ["a", "b"]);
  assertEquals(await stream.next(), undefined);
});

// -- Errors --

Deno.test("an iterable whose next() throws ends the stream with that error, not returned", async () => {
  const failure = new Error("iterator failed");
  let returns = 0;
  const iterable: Iterable<number> = {
    [Symbol.iterator]: () => ({
      next: () => {
        throw failure;
      },
      return: () => {
        returns++;
        return { done: true, value: undefined };
      },
    }),
  };
  assert(await assertRejects(Stream.from(iterable).toArray(), Error) === failure);
  assertEquals(returns, 0);
});

Deno.test("an async iterable whose next() rejects ends the stream with that error, not returned", async () => {
  const failure = new Error("async iterator failed");
  let returns = 0;
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(failure),
      return: () => {
        returns++;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  assert(await assertRejects(Stream.from(iterable).toArray(), Error) === failure);
  assertEquals(returns, 0);
});

Deno.test("a ReadableStream that errors ends the stream with that error", async () => {
  const failure = new Error("readable failed");
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(1);
      controller.error(failure);
    },
  });
  const s = Stream.from(stream);
  assert(await assertRejects(s.toArray(), Error) === failure);
});

// -- Cancellation --

Deno.test("breaking out of a loop returns a sync iterator once", async () => {
  const counted = new Counted([1, 2, 3]);
  for await (const n of Stream.from(counted)) if (n === 2) break;
  assertEquals([counted.nexts, counted.returns], [2, 1]);
  let finallies = 0;
  function* numbers() {
    try {
      yield* [1, 2, 3];
    } finally {
      finallies++;
    }
  }
  for await (const n of Stream.iter(numbers())) if (n === 1) break;
  assertEquals(finallies, 1);
});

Deno.test("breaking out of a loop returns an async iterator once", async () => {
  await assertBreakCloses((source) => source, 2);
  let finallies = 0;
  async function* letters() {
    try {
      yield* ["a", "b", "c"];
    } finally {
      finallies++;
    }
  }
  for await (const x of Stream.from(letters())) if (x === "a") break;
  await Promise.resolve();
  assertEquals(finallies, 1);
});

/** An async generator of `items` whose `finally` awaits before it records `cleaned`. */
function slowCleanup<T>(items: T[], log: string[]) {
  return (async function* () {
    try {
      yield* items;
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 0));
      log.push("cleaned");
    }
  })();
}

Deno.test("leaving a loop waits for the async generator's finally, as for await does", async () => {
  const log: string[] = [];
  for await (const x of Stream.from(slowCleanup(["a", "b"], log))) if (x === "a") break;
  log.push("after the loop");
  assertEquals(log, ["cleaned", "after the loop"]);
});

Deno.test("a consumer that stops early (take) resolves after the source's cleanup", async () => {
  const log: string[] = [];
  assertEquals(await Stream.from(slowCleanup([1, 2, 3], log)).take(2).toArray(), [1, 2]);
  log.push("after toArray");
  const seen: number[] = [];
  for await (const n of Stream.from(slowCleanup([1, 2, 3], log)).take(1)) seen.push(n);
  log.push("after the loop");
  const stream = Stream.from(slowCleanup([1, 2], log)).take(1);
  assertEquals([await stream.next(), await stream.next()], [1, undefined]);
  log.push("after next()");
  assertEquals(seen, [1]);
  assertEquals(log, [
    "cleaned",
    "after toArray",
    "cleaned",
    "after the loop",
    "cleaned",
    "after next()",
  ]);
});

Deno.test("a cleanup that fails: leaving the loop throws it; a consumer's own error wins", async () => {
  const failure = new Error("cleanup failed");
  async function* failing() {
    try {
      yield 1;
      yield 2;
    } finally {
      // deno-lint-ignore no-unsafe-finally
      throw failure;
    }
  }
  const left = await assertRejects(
    (async () => {
      for await (const _ of Stream.from(failing())) break;
    })(),
    Error,
  );
  assert(left === failure);
  assert(await assertRejects(Stream.from(failing()).take(1).toArray(), Error) === failure);
  const own = new Error("callback failed");
  const thrown = await assertRejects(
    Stream.from(failing()).forEach(() => {
      throw own;
    }),
    Error,
  );
  assert(thrown === own);
});

Deno.test("a source with a next() in flight is returned without waiting for it", async () => {
  using clock = TestClock.install();
  let finallies = 0;
  async function* stuck() {
    try {
      yield 1;
      await new Promise(() => {}); // never settles
    } finally {
      finallies++;
    }
  }
  const seen: unknown[] = [];
  const loop = (async () => {
    for await (const r of Stream.from(stuck()).timeout(10)) {
      seen.push(r.ok ? r.value : "elapsed");
      if (!r.ok) break;
    }
  })();
  await clock.tick(10);
  await loop; // does not hang on the generator stuck in its next()
  assertEquals([seen, finallies], [[1, "elapsed"], 0]);
});

Deno.test("take(n) over a ReadableStream resolves after the source's cancel()", async () => {
  const log: string[] = [];
  const stream = new ReadableStream<number>({
    start(controller) {
      controller.enqueue(1);
      controller.enqueue(2);
    },
    async cancel() {
      await new Promise((resolve) => setTimeout(resolve, 0));
      log.push("cancelled");
    },
  });
  assertEquals(await Stream.from(stream).take(1).toArray(), [1]);
  log.push("after toArray");
  assertEquals(log, ["cancelled", "after toArray"]);
});

Deno.test("breaking out of a loop cancels a ReadableStream once", async () => {
  const { stream, counts } = readable(["a", "b", "c"]);
  for await (const x of Stream.from(stream)) if (x === "a") break;
  await Promise.resolve();
  assertEquals([counts.pulls, counts.cancels], [1, 1]);
});

Deno.test("closing a stream of a receiver closes the receiver: the next send throws SendError", async () => {
  const [tx, rx] = channel<number>();
  const stream = Stream.from(rx);
  tx.send(1);
  assertEquals(await stream.next(), 1);
  stream.close();
  const error = assertThrows(() => tx.send(2), SendError);
  assertEquals((error as SendError<number>).value, 2);
  stream.close();
});

Deno.test("a stream never consumed still closes its receiver when closed", () => {
  const [tx, rx] = channel<number>();
  Stream.from(rx).map((n) => n).close();
  assertThrows(() => tx.send(1), SendError);
});

Deno.test("an error downstream of a source closes it", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    })
  );
});

Deno.test("await using closes the stream and its source", async () => {
  const counted = new Counted([1, 2, 3]);
  {
    await using stream = Stream.from(counted);
    assertEquals(await stream.next(), 1);
  }
  assertEquals(counted.returns, 1);
});

// -- toReadableStream --

Deno.test("toReadableStream() yields every item, then closes", async () => {
  assertEquals(await Array.fromAsync(Stream.iter([1, 2]).toReadableStream()), [1, 2]);
  using clock = TestClock.install();
  const readable = feed([[10, "a"], [20, "b"]], { closeAt: 30 }).stream.toReadableStream();
  assertEquals(await timeline(Stream.from(readable), clock, 100), [[10, "a"], [20, "b"], [
    30,
    END,
  ]]);
  assertNoTimers(clock);
});

Deno.test("toReadableStream() pulls only as the reader reads (back-pressure)", async () => {
  const counted = new Counted([1, 2, 3, 4]);
  const reader = Stream.from(counted).toReadableStream().getReader();
  await Promise.resolve();
  assertEquals(counted.nexts, 0);
  assertEquals(await reader.read(), { done: false, value: 1 });
  assertEquals(counted.nexts, 1);
  assertEquals(await reader.read(), { done: false, value: 2 });
  assertEquals(counted.nexts, 2);
  await reader.cancel();
  assertEquals(counted.returns, 1);
});

Deno.test("a ReadableStream through Stream.from().toReadableStream() keeps back-pressure", async () => {
  const { stream, counts } = readable([1, 2, 3]);
  const reader = Stream.from(stream).toReadableStream().getReader();
  assertEquals(counts.pulls, 0);
  assertEquals(await reader.read(), { done: false, value: 1 });
  assertEquals(counts.pulls, 1);
  await reader.cancel("enough");
  assertEquals(counts.cancels, 1);
});

Deno.test("cancelling the reader of toReadableStream() closes the stream's source once", async () => {
  using clock = TestClock.install();
  const source = feed([[0, "a"], [10, "b"], [20, "c"]], { closeAt: null });
  const reader = source.stream.toReadableStream().getReader();
  const first = watch(reader.read());
  await clock.tick(0);
  assertEquals(first.value, { done: false, value: "a" });
  const second = watch(reader.read());
  await clock.tick(5);
  assertEquals(second.status, "pending");
  await reader.cancel();
  await clock.tick(100);
  assertEquals(second.value, { done: true, value: undefined });
  assertEquals([source.sent, source.refused], [[[0, "a"]], [[10, "b"]]]);
  assertNoTimers(clock);
});

Deno.test("toReadableStream() of a failing stream errors the readable with that error", async () => {
  const failure = new Error("stream failed");
  const readable = Stream.iter([1, 2]).map((n) => {
    if (n === 2) throw failure;
    return n;
  }).toReadableStream();
  const reader = readable.getReader();
  assertEquals(await reader.read(), { done: false, value: 1 });
  assert(await assertRejects(reader.read(), Error) === failure);
});

// -- Bad input --

Deno.test("Stream.from() of something else is a TypeError at the call", () => {
  for (const input of [42, null, undefined, {}, Promise.resolve(1)]) {
    const error = assertThrows(
      () => Stream.from(input as never),
      TypeError,
      "Cannot make a stream",
    );
    assert(error.message.startsWith("Cannot "));
  }
  assertThrows(() => Stream.iter(new Probe([]) as never), TypeError, "Cannot make a stream");
  assertThrows(() => Stream.iter(42 as never), TypeError, "Cannot make a stream");
});

Deno.test("Stream.from() of a receiver that already has a consumer is a TypeError", async () => {
  const [tx, rx] = channel<number>();
  const stream = Stream.from(rx);
  assertThrows(() => Stream.from(rx), TypeError, "Cannot make a stream");
  await assertRejects(rx.recv(), TypeError);
  tx.send(1);
  tx.close();
  assertEquals(await stream.toArray(), [1]);
});

Deno.test("iterating one stream twice is a TypeError, not a silent second run", async () => {
  const stream = Stream.iter([1, 2]);
  const seen: number[] = [];
  for await (const n of stream) seen.push(n);
  assertEquals(seen, [1, 2]);
  assertThrows(() => stream[Symbol.asyncIterator](), TypeError, "Cannot iterate");
  assertThrows(() => stream.toArray(), TypeError, "Cannot toArray");
  const fresh = Stream.iter([1]);
  fresh[Symbol.asyncIterator]();
  assertThrows(() => fresh[Symbol.asyncIterator](), TypeError, "Cannot iterate");
});

Deno.test("a moved stream cannot be pulled, consumed or turned into a ReadableStream", () => {
  const stream = Stream.iter([1]);
  stream.map((n) => n);
  assertThrows(() => stream.next(), TypeError, "Cannot pull the next item");
  assertThrows(() => stream.toArray(), TypeError, "Cannot ");
  assertThrows(() => stream.toReadableStream(), TypeError, "Cannot toReadableStream");
  const readable = Stream.iter([1]);
  readable.toReadableStream();
  assertThrows(() => readable.map((n) => n), TypeError, "Cannot map");
});
