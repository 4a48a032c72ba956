import { DONE, PENDING, type Waker } from "../../_runtime/poll.ts";
import { FuseSource } from "../../stream/fuse.ts";
import { Stream } from "../../stream.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import {
  assertBreakCloses,
  assertErrorCloses,
  assertTimeline,
  END,
  feed,
  fromSource,
  Scripted,
} from "./_helpers.ts";

const NOBODY: Waker = { wake() {} };

// -- Timing --

Deno.test("fuse() passes items through on time", async () => {
  await assertTimeline(
    () => feed([[0, "a"], [10, "b"]], { closeAt: 20 }).stream.fuse(),
    [[0, "a"], [10, "b"], [20, END]],
  );
});

Deno.test("fuse() ends for good after its source's first end, never polling it again", async () => {
  // A source that would resume after ending: fused, it never gets the chance.
  const resumable = new Scripted<string>(["a", DONE, "b", "c"]);
  const stream = fromSource(resumable).fuse();
  assertEquals(await stream.next(), "a");
  assertEquals(await stream.next(), undefined);
  assertEquals(await stream.next(), undefined);
  assertEquals([resumable.polls, resumable.closes], [2, 1]);
});

Deno.test("fuse() closes its source at the end, once, however often it is polled or closed", () => {
  const source = new Scripted<string>([PENDING, "a", DONE, "b"]);
  const fused = new FuseSource(source);
  assertEquals([fused.poll(NOBODY), fused.poll(NOBODY)], [PENDING, "a"]);
  assertEquals(source.closes, 0);
  assertEquals(fused.poll(NOBODY), DONE);
  assertEquals(source.closes, 1);
  assertEquals([fused.poll(NOBODY), fused.poll(NOBODY)], [DONE, DONE]);
  fused.close();
  fused.close();
  assertEquals([source.polls, source.closes], [3, 1]);
});

// -- Cancellation --

Deno.test("breaking out of a fuse() loop closes the source once", async () => {
  await assertBreakCloses((source) => source.fuse(), 2);
});

Deno.test("an error upstream of fuse() ends the stream after closing the source", async () => {
  await assertErrorCloses((source, failure) =>
    source.map((n) => {
      if (n === 2) throw failure;
      return n;
    }).fuse()
  );
});

// -- Bad input --

Deno.test("fuse() on a moved stream is a TypeError", () => {
  const stream = Stream.iter([1]);
  stream.fuse();
  assertThrows(() => stream.fuse(), TypeError, "Cannot fuse");
});
