import { channel } from "../../channel.ts";
import { Stream } from "../../stream.ts";
import { TestClock } from "../../testing.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import {
  assertBreakCloses,
  assertNoTimers,
  assertTimeline,
  END,
  feed,
  Probe,
  timeline,
} from "./_helpers.ts";

// -- futures-rs: stream_select_all.rs --

Deno.test("is_terminated", async () => {
  assertEquals(await Stream.mergeAll([]).toArray(), []);
  assertEquals(await Stream.mergeAll([Stream.once(1)]).toArray(), [1]);
});

Deno.test("issue_1626", async () => {
  const merged = Stream.mergeAll([[0, 1, 2], [10, 11, 12, 13, 14]]);
  assertEquals(await merged.toArray(), [0, 10, 1, 11, 2, 12, 13, 14]);
});

Deno.test("works_1", async () => {
  using clock = TestClock.install();
  const [[aTx, aRx], [bTx, bRx], [cTx, cRx]] = [
    channel<number>(),
    channel<number>(),
    channel<number>(),
  ];
  const stream = Stream.mergeAll([aRx, bRx, cRx]);
  const pull = async () => {
    const next = watch(stream.next());
    await clock.tick(0);
    return next.value;
  };
  bTx.send(99);
  aTx.send(33);
  assertEquals([await pull(), await pull()], [33, 99]);
  bTx.send(99);
  aTx.send(33);
  assertEquals([await pull(), await pull()], [33, 99]);
  cTx.send(42);
  assertEquals(await pull(), 42);
  aTx.send(43);
  assertEquals(await pull(), 43);
  aTx.close();
  bTx.close();
  cTx.close();
  assertEquals(await pull(), undefined);
});

// -- Fairness --

Deno.test("mergeAll() of four busy sources serves each a quarter of the items, where chained merge does not", async () => {
  const endless = (label: string) =>
    (function* () {
      for (;;) yield label;
    })();
  const count = (items: string[]) => {
    const counts: Record<string, number> = {};
    for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
    return counts;
  };
  const fair = await Stream.mergeAll<string>(["A", "B", "C", "D"].map(endless)).take(40).toArray();
  assertEquals(count(fair), { A: 10, B: 10, C: 10, D: 10 });
  const chained = await Stream.iter(endless("A")).merge(endless("B")).merge(endless("C"))
    .merge(endless("D")).take(40).toArray();
  assertEquals(count(chained), { A: 5, B: 5, C: 10, D: 20 });
});

// -- Timing --

Deno.test("mergeAll() yields items as its streams do, and ends when all have ended", async () => {
  await assertTimeline(
    () =>
      Stream.mergeAll([
        feed([[10, "a1"], [30, "a2"]]).stream,
        feed([[10, "b1"], [20, "b2"]]).stream,
        feed([[5, "c1"]], { closeAt: 50 }).stream,
      ]),
    [[5, "c1"], [10, "a1"], [10, "b1"], [20, "b2"], [30, "a2"], [50, END]],
  );
});

Deno.test("mergeAll() closes each stream as soon as it ends", async () => {
  using clock = TestClock.install();
  const short = new Probe([[10, 1]]);
  const long = new Probe([[50, 2]]);
  const merged = watch(timeline(Stream.mergeAll([short, long]), clock, 100));
  await clock.tick(20);
  assertEquals([short.returns, long.returns], [0, 0]);
  await clock.tick(100);
  assertEquals(merged.value, [[10, 1], [50, 2], [50, END]]);
  assertNoTimers(clock);
});

// -- Cancellation --

Deno.test("breaking out of a mergeAll() loop closes every stream once", async () => {
  await assertBreakCloses((source) => Stream.mergeAll([source]), 2);
  using clock = TestClock.install();
  const probes = [new Probe([[10, 1]], null), new Probe([[20, 2]], null)];
  const entries = await timeline(Stream.mergeAll(probes).take(1), clock, 100);
  assertEquals(entries, [[10, 1], [10, END]]);
  assertEquals(probes.map((p) => p.returns), [1, 1]);
  await clock.runAll();
  assertNoTimers(clock);
});

// -- Bad input --

Deno.test("mergeAll() of a non-iterable or of a moved stream is a TypeError at the call", () => {
  assertThrows(() => Stream.mergeAll(42 as never), TypeError, "Cannot merge");
  const moved = Stream.iter([1]);
  moved.map((x) => x);
  assertThrows(() => Stream.mergeAll([moved]), TypeError, "Cannot merge");
});
