/**
 * N-ary `race`, keyed `select`, `sleepUntil` and `timeoutAt`, partly from
 * tokio's `tokio/tests/macros_select.rs` (names kept where they map).
 *
 * macros_select.rs tests that cannot map to TypeScript: the macro's syntax
 * (`sync_one_lit_expr_*`, `nested*`, `else` branches, `if` preconditions,
 * `mut` patterns, borrowing, `struct_size_*`, `never_branch_no_warnings`,
 * `default_numeric_fallback`, `select_into_future`,
 * `temporary_lifetime_extension`), panics in futures
 * (`future_panics_after_poll`), `select_is_budget_aware` (coop budget), and
 * `move_uncompleted_futures` (re-polling a future that lost: a weft loser is
 * cancelled).
 */
import {
  Cancelled,
  Elapsed,
  race,
  select,
  sleep,
  sleepUntil,
  spawnTask,
  timeoutAt,
} from "../../task.ts";
import { channel } from "../../channel.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { rejection, Timeline, watch } from "../_helpers.ts";

// -- tokio's macros_select.rs --

Deno.test("sync_two", async () => {
  const [tx1, rx1] = channel<number>();
  const [, rx2] = channel<number>();
  tx1.send(1);
  const v = await select({ a: rx1.recv(), b: rx2.recv() });
  assertEquals(v, { key: "a", value: 1 });
});

Deno.test("drop_in_fut", async () => {
  let dropped = false;
  const v = await select({
    a: async (signal: AbortSignal) => {
      signal.addEventListener("abort", () => (dropped = true));
      await new Promise(() => {});
    },
    b: Promise.resolve(2),
  });
  assertEquals([v, dropped], [{ key: "b", value: 2 }, true]);
});

Deno.test("one_ready", async () => {
  const [tx1, rx1] = channel<number>();
  const [, rx2] = channel<number>();
  tx1.send(1);
  assertEquals(await race(rx1.recv(), rx2.recv()), 1);
});

Deno.test("many_branches", async () => {
  const branches: Record<string, Promise<number>> = {};
  for (let i = 0; i < 64; i++) {
    branches[`x${i}`] = i === 40 ? Promise.resolve(i) : new Promise<number>(() => {});
  }
  const v = await select(branches);
  assertEquals(v, { key: "x40", value: 40 });
});

Deno.test("biased_one_not_ready", async () => {
  const [, rx1] = channel<number>();
  const [tx2, rx2] = channel<number>();
  const [tx3, rx3] = channel<number>();
  tx2.send(2);
  tx3.send(3);
  const v = await select({ one: rx1.recv(), two: rx2.recv(), three: rx3.recv() });
  assertEquals(v, { key: "two", value: 2 });
});

// -- race --

Deno.test("race() takes any number of futures and cancels every loser", async () => {
  using clock = TestClock.install();
  const cancelled: unknown[] = [];
  const sleeper = (ms: number) => async (signal: AbortSignal) => {
    signal.addEventListener("abort", () => cancelled.push(signal.reason));
    await sleep(ms, { signal });
    return ms;
  };
  const winner = watch(race(sleeper(30), sleeper(10), sleeper(20)));
  await clock.tick(10);
  assertEquals(winner.value, 10);
  assertEquals(cancelled.length, 2);
  assert(cancelled.every((reason) => reason instanceof Cancelled));
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("race() with one future settles like it", async () => {
  assertEquals(await race(Promise.resolve("only")), "only");
});

Deno.test("race() is biased to argument order among settled futures", async () => {
  const handle = spawnTask(() => "handle");
  await handle;
  assertEquals(await race(handle, Promise.resolve("promise"), () => "function"), "handle");
  assertEquals(await race(Promise.resolve("promise"), handle), "promise");
  assertEquals(await race(() => "function", handle), "function");
});

Deno.test("race() aborts losing JoinHandles", async () => {
  using clock = TestClock.install();
  const slow = [spawnTask(() => sleep(50)), spawnTask(() => sleep(60))];
  const winner = watch(race(sleep(5).then(() => "fast"), ...slow));
  await clock.tick(5);
  assertEquals(winner.value, "fast");
  assertEquals(slow.map((h) => h.isFinished), [true, true]);
  assert((await rejection(slow[0]!)) instanceof Cancelled);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("race() rejects with the first failure and cancels the rest", async () => {
  using clock = TestClock.install();
  const failure = new Error("boom");
  const other = spawnTask(() => sleep(50));
  const raced = watch(race(other, sleep(3).then(() => Promise.reject(failure))));
  await clock.tick(3);
  assertEquals([raced.status, raced.reason, other.isFinished], ["rejected", failure, true]);
});

Deno.test("race() of nothing, or of a non-future, throws at the call", () => {
  assertThrows(() => (race as () => unknown)(), TypeError, "Cannot race");
  let started = false;
  const work = () => {
    started = true;
    return Promise.resolve();
  };
  assertThrows(() => race(work, work, 5 as never), TypeError, "Cannot race");
  assertEquals(started, false);
});

// -- select --

Deno.test("select() resolves with the key of the first to settle", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<string>();
  spawnTask(async () => {
    await sleep(7);
    tx.send("hello");
  });
  const timeline = new Timeline<unknown>(clock);
  const first = select({
    message: rx.recv(),
    tick: (signal) => sleep(10, { signal }).then(() => "tick"),
  }).then((v) => timeline.push(v));
  await clock.tick(20);
  await first;
  assertEquals(timeline.entries, [[7, { key: "message", value: "hello" }]]);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("select() is biased to key order among settled branches", async () => {
  assertEquals(await select({ b: Promise.resolve(2), a: Promise.resolve(1) }), {
    key: "b",
    value: 2,
  });
});

Deno.test("select() rejects with the error of the first to fail", async () => {
  const failure = new Error("boom");
  assertEquals(
    await rejection(select({ bad: Promise.reject(failure), good: new Promise(() => {}) })),
    failure,
  );
});

Deno.test("select({ signal }) cancels every branch and rejects with the reason", async () => {
  using clock = TestClock.install();
  const controller = new AbortController();
  const handle = spawnTask(() => sleep(100));
  const seen: unknown[] = [];
  const selected = watch(select({
    handle,
    fn: async (signal) => {
      signal.addEventListener("abort", () => seen.push(signal.reason));
      await sleep(100, { signal });
    },
  }, { signal: controller.signal }));
  await clock.tick(1);
  controller.abort("stop");
  await clock.settle();
  assertEquals([selected.reason, seen, handle.isFinished], ["stop", ["stop"], true]);
  const never = new Promise(() => {});
  assertEquals(await rejection(select({ a: never }, { signal: AbortSignal.abort("x") })), "x");
});

Deno.test("select() rejects what is not an object of futures at the call", () => {
  assertThrows(() => select(null as never), TypeError, "Cannot select");
  assertThrows(() => select({}), TypeError, "Cannot select");
  assertThrows(() => select({ a: 1 as never }), TypeError, "Cannot select");
});

// -- sleepUntil, timeoutAt --

Deno.test("sleepUntil() wakes at the deadline; a past deadline completes at once", async () => {
  using clock = TestClock.install();
  const timeline = new Timeline<string>(clock);
  const start = Date.now();
  const a = sleepUntil(start + 25).then(() => timeline.push("a"));
  const b = sleepUntil(start - 5).then(() => timeline.push("past"));
  const c = sleepUntil(start + 10.5).then(() => timeline.push("fraction"));
  await clock.tick(30);
  await Promise.all([a, b, c]);
  assertEquals(timeline.entries, [[0, "past"], [11, "fraction"], [25, "a"]]);
});

Deno.test("sleepUntil({ signal }) rejects with the signal's reason", async () => {
  using clock = TestClock.install();
  const controller = new AbortController();
  const slept = watch(sleepUntil(Date.now() + 100, { signal: controller.signal }));
  controller.abort("no");
  await clock.settle();
  assertEquals([slept.reason, clock.pendingTimers], ["no", 0]);
});

Deno.test("timeoutAt() rejects with Elapsed at the deadline and cancels the work", async () => {
  using clock = TestClock.install();
  const deadline = Date.now() + 20;
  const seen: unknown[] = [];
  const first = watch(timeoutAt(deadline, sleep(5).then(() => "first")));
  const second = watch(timeoutAt(deadline, async (signal) => {
    signal.addEventListener("abort", () => seen.push(signal.reason));
    await sleep(100, { signal });
  }));
  await clock.tick(19);
  assertEquals([first.value, second.status], ["first", "pending"]);
  await clock.tick(1);
  assert(second.reason instanceof Elapsed);
  assertEquals([seen.length, clock.pendingTimers], [1, 0]);
});

Deno.test("timeoutAt() with a past deadline lets a finished future win", async () => {
  assertEquals(await timeoutAt(Date.now() - 1000, Promise.resolve(1)), 1);
});

Deno.test("sleepUntil() and timeoutAt() reject a bad deadline at the call", () => {
  assertThrows(() => sleepUntil(NaN), RangeError, "Cannot sleep");
  assertThrows(() => sleepUntil(Infinity), RangeError, "Cannot sleep");
  assertThrows(() => sleepUntil("5" as never), RangeError, "Cannot sleep");
  assertThrows(() => timeoutAt(NaN, Promise.resolve()), RangeError, "Cannot set a timeout");
});
