import { PENDING } from "../../_runtime/poll.ts";
import { channel } from "../../channel.ts";
import { IterSource } from "../../stream/from.ts";
import { Stream } from "../../stream.ts";
import { spawnTask, yieldNow } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals } from "../_assert.ts";
import { assertNoTimers } from "./_helpers.ts";

function* ones(): Generator<number> {
  for (;;) yield 1;
}

// -- tokio-stream: stream_iter.rs (0.1.9: pending once after 32 ready polls) --

Deno.test("coop", async () => {
  using clock = TestClock.install();
  let ran = false;
  spawnTask(async () => {
    await yieldNow();
    ran = true;
  });
  let count = 0;
  const done = (async () => {
    for await (const _ of Stream.iter(ones())) {
      count++;
      if (ran || count > 10_000) break;
    }
  })();
  await clock.tick(0);
  await done;
  assert(ran, "the task waiting on yieldNow() ran");
  assert(count <= 33, `it yielded after 32 items, not ${count}`);
  assertNoTimers(clock);
});

Deno.test("test_iter_coop_budget", async () => {
  using clock = TestClock.install();
  let ranAt = -1;
  let count = 0;
  spawnTask(async () => {
    await yieldNow();
    ranAt = count;
  });
  // The consumer starts as a task too, after the yielding one.
  const done = spawnTask(() => Stream.iter(ones()).take(100).forEach(() => void count++));
  await clock.tick(0);
  await done;
  // The first 32 items are ready in one poll; the 33rd poll is pending and other tasks run.
  assertEquals(ranAt, 32);
});

Deno.test("test_iter_eof_behavior", async () => {
  const stream = Stream.iter([1]);
  assertEquals(await stream.next(), 1);
  assertEquals(await stream.next(), undefined);
});

// -- The coop budget --

Deno.test("Stream.iter() spends the consumer's coop budget beside a channel", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<string>();
  for (let i = 0; i < 120; i++) tx.send("rx");
  tx.close();
  let ranAt = -1;
  const seen: string[] = [];
  spawnTask(async () => {
    await yieldNow();
    ranAt = seen.length;
  });
  // The channel spends 121 of the 128 units of the budget (120 items and its end); the iterator
  // gets the other 7.
  const done = spawnTask(() =>
    Stream.from(rx).chain(Stream.iter(ones()).map(() => "iter")).take(200)
      .forEach((x) => void seen.push(x))
  );
  await clock.tick(0);
  await done;
  assertEquals(ranAt, 127);
  assertEquals(
    seen.slice(118, 130).join(","),
    "rx,rx,iter,iter,iter,iter,iter,iter,iter,iter,iter,iter",
  );
});

Deno.test("Stream.iter() of an array yields after 32 items through the fast path too", async () => {
  using clock = TestClock.install();
  let ranAt = -1;
  let count = 0;
  spawnTask(async () => {
    await yieldNow();
    ranAt = count;
  });
  const items = Array.from({ length: 100 }, (_, i) => i);
  const done = spawnTask(() => Stream.iter(items).forEach(() => void count++));
  await clock.tick(0);
  await done;
  assertEquals([count, ranAt], [100, 32]);
});

Deno.test("Stream.iter() is pending once after 32 ready polls and wakes its consumer", () => {
  const source = new IterSource(ones());
  let woken = 0;
  const cx = { wake: () => void woken++ };
  for (let i = 0; i < 32; i++) assertEquals(source.poll(cx), 1, `poll ${i + 1}`);
  assertEquals([source.poll(cx), woken], [PENDING, 1]);
  assertEquals(source.poll(cx), 1);
  source.close();
});
