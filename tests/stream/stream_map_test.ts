import { channel } from "../../channel.ts";
import { interval, Stream, StreamMap } from "../../stream.ts";
import { sleep, spawnTask } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { watch } from "../_helpers.ts";
import { assertNoTimers, END, feed, Probe, timeline } from "./_helpers.ts";

/** A pull of the map, settled or not after the instant's work has run. */
async function poll<K, V>(map: StreamMap<K, V>, clock: TestClock) {
  const next = watch(map.next());
  await clock.tick(0);
  return next;
}

// -- tokio-stream: stream_stream_map.rs --

Deno.test("empty", async () => {
  const map = new StreamMap<string, never>();
  assertEquals(map.size, 0);
  assertEquals(await map.next(), undefined);
  assertEquals(await map.next(), undefined);
  assertEquals(map.remove("foo"), undefined);
});

Deno.test("single_entry", async () => {
  using clock = TestClock.install();
  const map = new StreamMap<string, number>();
  const [tx, rx] = channel<number>();
  assertEquals(await map.next(), undefined);
  assertEquals(map.insert("foo", rx), undefined);
  assert(map.has("foo") && !map.has("bar"));
  assertEquals(map.size, 1);
  const first = await poll(map, clock);
  assertEquals(first.status, "pending");
  tx.send(1);
  await clock.tick(0);
  assertEquals(first.value, ["foo", 1]);
  const second = await poll(map, clock);
  tx.send(2);
  await clock.tick(0);
  assertEquals(second.value, ["foo", 2]);
  const third = await poll(map, clock);
  assertEquals(third.status, "pending");
  tx.close();
  await clock.tick(0);
  assertEquals([third.status, third.value, map.size], ["fulfilled", undefined, 0]);
});

Deno.test("multiple_entries", async () => {
  using clock = TestClock.install();
  const map = new StreamMap<string, number>();
  const [tx1, rx1] = channel<number>();
  const [tx2, rx2] = channel<number>();
  map.insert("foo", rx1);
  map.insert("bar", rx2);
  const first = await poll(map, clock);
  tx1.send(1);
  await clock.tick(0);
  assertEquals(first.value, ["foo", 1]);
  const second = await poll(map, clock);
  tx2.send(2);
  await clock.tick(0);
  assertEquals(second.value, ["bar", 2]);
  tx1.send(3);
  tx2.send(4);
  const both = [(await poll(map, clock)).value, (await poll(map, clock)).value];
  assertEquals(both.sort(), [["bar", 4], ["foo", 3]]);
  const last = await poll(map, clock);
  tx1.close();
  await clock.tick(0);
  assertEquals([last.status, map.size], ["pending", 1]);
  tx2.close();
  await clock.tick(0);
  assertEquals([last.status, last.value], ["fulfilled", undefined]);
});

Deno.test("insert_remove", async () => {
  using clock = TestClock.install();
  const map = new StreamMap<string, number>();
  const [tx, rx] = channel<number>();
  assertEquals(await map.next(), undefined);
  assertEquals(map.insert("foo", rx), undefined);
  const removed = map.remove("foo")!;
  tx.send(1);
  assertEquals(await map.next(), undefined);
  assertEquals(map.insert("bar", removed), undefined);
  assertEquals((await poll(map, clock)).value, ["bar", 1]);
  assert(map.remove("bar") !== undefined);
  assertEquals(await map.next(), undefined);
  assertEquals(map.size, 0);
});

Deno.test("replace", async () => {
  using clock = TestClock.install();
  const map = new StreamMap<string, number>();
  const [tx1, rx1] = channel<number>();
  const [tx2, rx2] = channel<number>();
  assertEquals(map.insert("foo", rx1), undefined);
  const pending = await poll(map, clock);
  assertEquals(pending.status, "pending");
  const old = map.insert("foo", rx2);
  assert(old instanceof Stream);
  tx1.send(1);
  await clock.tick(0);
  assertEquals(pending.status, "pending");
  tx2.send(2);
  await clock.tick(0);
  assertEquals(pending.value, ["foo", 2]);
  old.close();
});

Deno.test("iter_keys", () => {
  const map = new StreamMap<string, number>();
  for (const key of ["a", "b", "c"]) map.insert(key, Stream.pending());
  assertEquals(map.keys().sort(), ["a", "b", "c"]);
  map[Symbol.dispose]();
});

Deno.test("clear", async () => {
  const map = new StreamMap<string, number>();
  map.insert("a", [1]);
  map.insert("b", [1, 2]);
  map.insert("c", [1, 2, 3]);
  assert((await map.next()) !== undefined);
  map[Symbol.dispose]();
  assertEquals(await map.next(), undefined);
  assertEquals(map.size, 0);
});

Deno.test("contains_key_borrow", () => {
  const map = new StreamMap<string, never>();
  map.insert("foo", Stream.pending());
  assert(map.has("foo"));
  map[Symbol.dispose]();
});

Deno.test("one_ready_many_none", async () => {
  for (let round = 0; round < 4; round++) {
    const map = new StreamMap<number, string>();
    map.insert(0, Stream.empty());
    map.insert(1, Stream.empty());
    map.insert(2, Stream.once("hello"));
    map.insert(3, Stream.pending());
    assertEquals(await map.next(), [2, "hello"]);
    map[Symbol.dispose]();
  }
});

// -- Fairness --

Deno.test("a StreamMap starts each poll one past where the last one started", async () => {
  const map = new StreamMap<string, number>();
  map.insert("a", [1, 2, 3]);
  map.insert("b", [10, 20, 30]);
  map.insert("c", [100, 200, 300]);
  const pairs = await Stream.from(map).toArray();
  assertEquals(pairs.map(([key]) => key).join(""), "abcabcabc");
});

Deno.test("a StreamMap of four busy sources serves each a quarter of the items", async () => {
  const endless = (label: string) =>
    (function* () {
      for (;;) yield label;
    })();
  const map = new StreamMap<string, string>();
  for (const key of ["A", "B", "C", "D"]) map.insert(key, endless(key));
  const counts: Record<string, number> = {};
  for (const [key] of await Stream.from(map).take(40).toArray()) {
    counts[key] = (counts[key] ?? 0) + 1;
  }
  assertEquals(counts, { A: 10, B: 10, C: 10, D: 10 });
});

// -- Timing --

Deno.test("a StreamMap yields [key, value] as its streams do and ends when the last one ends", async () => {
  using clock = TestClock.install();
  const map = new StreamMap<string, string>();
  map.insert("x", feed([[10, "x1"], [30, "x2"]]).stream);
  map.insert("y", feed([[20, "y1"]], { closeAt: 40 }).stream);
  const entries = await timeline(Stream.from(map), clock, 100);
  assertEquals(entries, [[10, ["x", "x1"]], [20, ["y", "y1"]], [30, ["x", "x2"]], [40, END]]);
  assertNoTimers(clock);
});

Deno.test("a StreamMap being read sees a stream inserted by another task at once", async () => {
  using clock = TestClock.install();
  const map = new StreamMap<string, number>();
  map.insert("ticks", interval(10));
  spawnTask(async () => {
    await sleep(15);
    map.insert("late", [7, 8]);
    await sleep(10);
    map.remove("ticks")?.close();
  });
  const entries = await timeline(Stream.from(map).map(([k, v]) => `${k} ${v}`), clock, 100);
  assertEquals(entries, [
    [0, "ticks 0"],
    [10, "ticks 10"],
    [15, "late 7"],
    [15, "late 8"],
    [20, "ticks 20"],
    [25, END],
  ]);
  assertNoTimers(clock);
});

// -- Cancellation --

Deno.test("closing the stream of a StreamMap closes every stream in it once", async () => {
  using clock = TestClock.install();
  const probes = [new Probe([[10, 1]], null), new Probe([[20, 2]], null)];
  const map = new StreamMap<number, number>();
  probes.forEach((probe, i) => map.insert(i, probe));
  const entries = await timeline(Stream.from(map).take(1), clock, 100);
  assertEquals(entries, [[10, [0, 1]], [10, END]]);
  assertEquals(probes.map((p) => p.returns), [1, 1]);
  assertEquals(map.size, 0);
  await clock.runAll();
  assertNoTimers(clock);
});

Deno.test("a StreamMap read by one consumer refuses a second", () => {
  const map = new StreamMap<string, number>();
  map.insert("a", Stream.pending());
  const stream = Stream.from(map);
  const iterator = stream[Symbol.asyncIterator]();
  assertThrows(() => Stream.from(map), TypeError, "already being read");
  void iterator.return?.();
  assertEquals(map.size, 0);
});
