import { Stream } from "../../stream.ts";
import { assertEquals } from "../_assert.ts";
import { assertBreakCloses, assertErrorCloses, assertTimeline, END, feed } from "./_helpers.ts";
import { TestClock } from "../../testing.ts";
import { watch } from "../_helpers.ts";
import { assertNoTimers } from "./_helpers.ts";

// -- tokio-stream: stream_peekable.rs --

Deno.test("peek_returns_correct_item", async () => {
  const s = Stream.iter([10, 20, 30]).peekable();
  assertEquals([await s.peek(), await s.peek()], [10, 10]);
  assertEquals([await s.next(), await s.next(), await s.next(), await s.next()], [
    10,
    20,
    30,
    undefined,
  ]);
});

Deno.test("peek_does_not_consume", async () => {
  const stream = Stream.iter([1, 2, 3]).peekable();
  assertEquals(
    [await stream.peek(), await stream.peek(), await stream.next(), await stream.next()],
    [1, 1, 1, 2],
  );
});

Deno.test("peek_on_empty_stream", async () => {
  const stream = Stream.iter<number>([]).peekable();
  assertEquals([await stream.peek(), await stream.next()], [undefined, undefined]);
});

Deno.test("poll_peek_propagates_pending", async () => {
  using clock = TestClock.install();
  const stream = feed([[10, 7]]).stream.peekable();
  const peeked = watch(stream.peek());
  await clock.tick(5);
  assertEquals(peeked.status, "pending");
  await clock.tick(5);
  assertEquals(peeked.value, 7);
  assertEquals(await stream.next(), 7);
  stream.close();
  assertNoTimers(clock);
});

// -- futures-rs: stream_peekable.rs --

Deno.test("peekable", async () => {
  const peekable = Stream.iter([1, 2, 3]).peekable();
  assertEquals(await peekable.peek(), 1);
  assertEquals(await peekable.toArray(), [1, 2, 3]);
  const s = Stream.once(1).peekable();
  assertEquals(await s.peek(), 1);
  assertEquals(await s.toArray(), [1]);
});

Deno.test("peekable_next_if_eq", async () => {
  const s = Stream.iter(["Heart", "of", "Gold"]).peekable();
  const eq = (x: string) => (y: string) => x === y;
  assertEquals(await s.nextIf(eq("trillian")), undefined);
  assertEquals(await s.nextIf(eq("Heart")), "Heart");
  assertEquals(await s.peek(), "of");
  assertEquals(await s.nextIf(eq("of")), "of");
  assertEquals(await s.nextIf(eq("zaphod")), undefined);
  assertEquals(await s.next(), "Gold");
});

// -- Timing --

Deno.test("a peekable stream keeps its source's timeline", async () => {
  await assertTimeline(() => feed([[10, 1], [20, 2]]).stream.peekable(), [[10, 1], [20, 2], [
    20,
    END,
  ]]);
});

// -- Errors and cancellation --

Deno.test("a failing peekable source ends it with that error", async () => {
  await assertErrorCloses((source, failure) =>
    source.map(() => {
      throw failure;
    }).peekable()
  );
});

Deno.test("breaking out of a peekable loop closes the source once", async () => {
  await assertBreakCloses((source) => source.peekable(), 2);
});

Deno.test("peek() on a moved stream and nextIf(42) are TypeErrors", async () => {
  const s = Stream.iter([1]).peekable();
  s.map((x) => x);
  let error: unknown;
  try {
    await s.peek();
  } catch (e) {
    error = e;
  }
  assertEquals(error instanceof TypeError, true);
  const t = Stream.iter([1]).peekable();
  let error2: unknown;
  try {
    await t.nextIf(42 as never);
  } catch (e) {
    error2 = e;
  }
  assertEquals(error2 instanceof TypeError, true);
});

Deno.test("a peek() that fails closes the source, as next() does", async () => {
  let closed = 0;
  async function* source() {
    try {
      yield 1;
      yield 2;
    } finally {
      closed++;
    }
  }
  const failure = new Error("boom");
  const stream = Stream.from(source()).map(() => {
    throw failure;
  }).peekable();
  let error: unknown;
  try {
    await stream.peek();
  } catch (e) {
    error = e;
  }
  assertEquals([error, closed], [failure, 1]);
  assertEquals(await stream.next(), undefined);
});
