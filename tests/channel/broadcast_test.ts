/**
 * broadcast(), from tokio's `tests/sync_broadcast.rs` (test names kept) and
 * tokio-stream's `BroadcastStream`.
 *
 * Not mapped: `change_tasks`, `send_in_waker_drop` (waker swaps and
 * deadlocks on a waker's drop: a weft wait has no waker to swap or drop),
 * `panic_in_clone` (values are not cloned), `unconsumed_messages_are_dropped`
 * (`Arc` counts; the values a dropped receiver held are released, not
 * observable without weak refs), `capacity_too_big` (the limit here is 2^30,
 * tested as bad input), `sender_len`, `sender_len_random` (tokio's
 * `Sender::len` is not part of weft), `receiver_recv_is_cooperative` (tokio's
 * coop budget: a ready `recv()` here resolves at once, a loop of them does not
 * yield), `broadcast_sender_closed*`, `broadcast_sender_new_must_be_closed`
 * (`Sender::closed()` and `Sender::new` came after tokio 1.24, weft's
 * reference), `AssertSend` (auto traits).
 */
import { broadcast, type BroadcastReceiver, Lagged, SendError } from "../../channel.ts";
import { Stream } from "../../stream.ts";
import { sleep, spawnTask } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, rejection, watch } from "../_helpers.ts";

/** tokio's `assert_recv!`: a value is ready. */
function assertRecv<T>(rx: BroadcastReceiver<T>): T {
  const value = rx.tryRecv();
  assert(value !== undefined, "expected a value");
  return value;
}

/** tokio's `assert_empty!`: nothing ready, the channel open. */
function assertEmpty<T>(rx: BroadcastReceiver<T>): void {
  assertEquals(rx.tryRecv(), undefined);
  assert(!rx.isClosed, "expected an open channel");
}

/** tokio's `assert_lagged!`. */
function assertLagged<T>(rx: BroadcastReceiver<T>, skipped: number): void {
  const error = assertThrows(() => rx.tryRecv(), Lagged) as Lagged;
  assertEquals(error.skipped, skipped);
}

/** tokio's `assert_closed!`. */
function assertClosed<T>(rx: BroadcastReceiver<T>): void {
  assertEquals(rx.tryRecv(), undefined);
  assert(rx.isClosed, "expected a closed channel");
}

// -- Sending and receiving --

Deno.test("send_try_recv_bounded", () => {
  const [tx, rx] = broadcast<string>(16);
  assertEmpty(rx);
  assertEquals(tx.send("hello"), 1);
  assertEquals(assertRecv(rx), "hello");
  assertEmpty(rx);
});

Deno.test("send_two_recv", () => {
  const [tx, rx1] = broadcast<string>(16);
  const rx2 = tx.subscribe();
  assertEmpty(rx1);
  assertEmpty(rx2);
  assertEquals(tx.send("hello"), 2);
  assertEquals(assertRecv(rx1), "hello");
  assertEquals(assertRecv(rx2), "hello");
  assertEmpty(rx1);
  assertEmpty(rx2);
});

Deno.test("send_recv_bounded", async () => {
  const [tx, rx] = broadcast<string>(16);
  const recv = watch(rx.recv());
  await drain();
  assertEquals(recv.status, "pending");
  tx.send("hello");
  await drain();
  assertEquals([recv.status, recv.value], ["fulfilled", "hello"]);
});

Deno.test("send_two_recv_bounded", async () => {
  const [tx, rx1] = broadcast<string>(16);
  const rx2 = tx.subscribe();
  let recv1 = watch(rx1.recv());
  let recv2 = watch(rx2.recv());
  await drain();
  assertEquals([recv1.status, recv2.status], ["pending", "pending"]);
  tx.send("hello");
  await drain();
  assertEquals([recv1.value, recv2.value], ["hello", "hello"]);
  recv1 = watch(rx1.recv());
  await drain();
  assertEquals(recv1.status, "pending");
  tx.send("world");
  recv2 = watch(rx2.recv());
  await drain();
  assertEquals([recv1.value, recv2.value], ["world", "world"]);
});

Deno.test("send_slow_rx", async () => {
  const [tx, rx1] = broadcast<string>(16);
  const rx2 = tx.subscribe();
  const recv2 = watch(rx2.recv());
  let recv1 = watch(rx1.recv());
  await drain();
  assertEquals([recv1.status, recv2.status], ["pending", "pending"]);
  tx.send("one");
  tx.send("two");
  await drain();
  assertEquals(recv1.value, "one");
  assertEquals(await rx1.recv(), "two");
  recv1 = watch(rx1.recv());
  await drain();
  assertEquals(recv1.status, "pending");
  tx.send("three");
  await drain();
  assertEquals(recv1.value, "three");
  assertEquals(recv2.value, "one");
  assertEquals(assertRecv(rx2), "two");
  assertEquals(assertRecv(rx2), "three");
});

Deno.test("drop_rx_while_values_remain", () => {
  const [tx, rx1] = broadcast<string>(16);
  const rx2 = tx.subscribe();
  tx.send("one");
  tx.send("two");
  assertRecv(rx1);
  assertRecv(rx2);
  rx2.close();
  rx1.close();
  assertEquals(tx.receiverCount, 0);
});

Deno.test("send_no_rx", () => {
  const [tx, rx] = broadcast<string>(16);
  rx.close();
  const error = assertThrows(() => tx.send("hello"), SendError) as SendError<string>;
  assertEquals(error.value, "hello");
  const rx2 = tx.subscribe();
  tx.send("world");
  assertEquals(assertRecv(rx2), "world");
});

Deno.test("dropping_tx_notifies_rx", async () => {
  const [tx, rx1] = broadcast<void>(16);
  const rx2 = tx.subscribe();
  const tx2 = tx.clone();
  const recv1 = watch(rx1.recv());
  const recv2 = watch(rx2.recv());
  tx.close();
  await drain();
  assertEquals([recv1.status, recv2.status], ["pending", "pending"]);
  tx2.close();
  await drain();
  assertEquals([recv1.status, recv1.value], ["fulfilled", undefined]);
  assertEquals([recv2.status, recv2.value], ["fulfilled", undefined]);
});

Deno.test("single_capacity_recvs", () => {
  const [tx, rx] = broadcast<number>(1);
  tx.send(1);
  assertEquals(assertRecv(rx), 1);
  assertEmpty(rx);
});

Deno.test("single_capacity_recvs_after_drop_1", () => {
  const [tx, rx] = broadcast<number>(1);
  tx.send(1);
  tx.close();
  assertEquals(assertRecv(rx), 1);
  assertClosed(rx);
});

Deno.test("single_capacity_recvs_after_drop_2", () => {
  const [tx, rx] = broadcast<number>(1);
  tx.send(1);
  tx.send(2);
  tx.close();
  assertLagged(rx, 1);
  assertEquals(assertRecv(rx), 2);
  assertClosed(rx);
});

Deno.test("dropping_sender_does_not_overwrite", () => {
  const [tx, rx] = broadcast<number>(2);
  tx.send(1);
  tx.send(2);
  tx.close();
  assertEquals(assertRecv(rx), 1);
  assertEquals(assertRecv(rx), 2);
  assertClosed(rx);
});

// -- Lagging --

Deno.test("lagging_rx", () => {
  const [tx, rx1] = broadcast<string>(2);
  const rx2 = tx.subscribe();
  tx.send("one");
  tx.send("two");
  assertEquals(assertRecv(rx1), "one");
  tx.send("three");
  assertLagged(rx2, 1);
  assertEquals(assertRecv(rx2), "two");
  assertEquals(assertRecv(rx1), "two");
  assertEquals(assertRecv(rx1), "three");
  tx.send("four");
  tx.send("five");
  assertLagged(rx2, 1);
  tx.send("six");
  assertLagged(rx2, 1);
});

Deno.test("lagging_receiver_recovers_after_wrap_closed_1", () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [1, 2, 3]) tx.send(n);
  tx.close();
  assertLagged(rx, 1);
  assertEquals(assertRecv(rx), 2);
  assertEquals(assertRecv(rx), 3);
  assertClosed(rx);
});

Deno.test("lagging_receiver_recovers_after_wrap_closed_2", () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [1, 2, 3, 4]) tx.send(n);
  tx.close();
  assertLagged(rx, 2);
  assertEquals(assertRecv(rx), 3);
  assertEquals(assertRecv(rx), 4);
  assertClosed(rx);
});

Deno.test("lagging_receiver_recovers_after_wrap_open", () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [1, 2, 3]) tx.send(n);
  assertLagged(rx, 1);
  assertEquals(assertRecv(rx), 2);
  assertEquals(assertRecv(rx), 3);
  assertEmpty(rx);
});

Deno.test("receiver_len_with_lagged", () => {
  const [tx, rx] = broadcast<number>(3);
  for (const n of [10, 20, 30, 40]) tx.send(n);
  assertEquals(rx.length, 4);
  assertEquals(assertRecv(rx), 10);
  tx.send(50);
  tx.send(60);
  assertEquals(rx.length, 5);
  assertLagged(rx, 1);
});

Deno.test("slow_receiver_within_capacity_does_not_lag", () => {
  const [tx, slow] = broadcast<number>(2);
  const fast = tx.subscribe();
  tx.send(1);
  tx.send(2);
  assertEquals(assertRecv(fast), 1);
  assertEquals(assertRecv(fast), 2);
  assertEmpty(fast);
  assertEquals(assertRecv(slow), 1);
  assertEquals(assertRecv(slow), 2);
  assertEmpty(slow);
});

Deno.test("capacity_overflow_reports_lagged_then_oldest_retained", () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [10, 20, 30]) tx.send(n);
  assertLagged(rx, 1);
  assertEquals(assertRecv(rx), 20);
  assertEquals(assertRecv(rx), 30);
  assertEmpty(rx);
});

Deno.test("lagged_count_matches_number_of_overwritten_messages", () => {
  const [tx, rx] = broadcast<number>(4);
  for (let i = 1; i <= 4; i++) tx.send(i);
  assertEquals(assertRecv(rx), 1);
  for (let i = 5; i <= 8; i++) tx.send(i);
  assertLagged(rx, 3);
  for (let i = 5; i <= 8; i++) assertEquals(assertRecv(rx), i);
  assertEmpty(rx);
});

Deno.test("lag_uses_power_of_two_buffer_length", () => {
  const [tx, rx] = broadcast<number>(3);
  for (let i = 1; i <= 4; i++) tx.send(i);
  assertEquals(rx.length, 4);
  assertEquals(assertRecv(rx), 1);
  tx.send(5);
  assertEquals(rx.length, 4);
  tx.send(6);
  assertEquals(rx.length, 5);
  assertLagged(rx, 1);
  for (let i = 3; i <= 6; i++) assertEquals(assertRecv(rx), i);
  assertEmpty(rx);
});

Deno.test("async_recv_lagged_then_resumes_from_oldest_retained", async () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [10, 20, 30]) tx.send(n);
  const error = await rejection(rx.recv());
  assert(error instanceof Lagged);
  assertEquals(error.skipped, 1);
  assertEquals(await rx.recv(), 20);
  assertEquals(await rx.recv(), 30);
});

Deno.test("lag_catch_up_then_lag_again", () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [1, 2, 3]) tx.send(n);
  assertLagged(rx, 1);
  assertEquals(assertRecv(rx), 2);
  assertEquals(assertRecv(rx), 3);
  assertEmpty(rx);
  for (const n of [4, 5, 6]) tx.send(n);
  assertLagged(rx, 1);
  assertEquals(assertRecv(rx), 5);
  assertEquals(assertRecv(rx), 6);
  assertEmpty(rx);
});

Deno.test("lag_is_per_receiver", () => {
  const [tx, slow] = broadcast<number>(2);
  const fast = tx.subscribe();
  tx.send(1);
  tx.send(2);
  assertEquals(assertRecv(fast), 1);
  assertEquals(assertRecv(fast), 2);
  tx.send(3);
  tx.send(4);
  assertEquals(assertRecv(fast), 3);
  assertEquals(assertRecv(fast), 4);
  assertLagged(slow, 2);
  assertEquals(assertRecv(slow), 3);
  assertEquals(assertRecv(slow), 4);
  assertEmpty(slow);
  assertEmpty(fast);
});

Deno.test("lag_again_before_reading_retained_messages", () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [1, 2, 3]) tx.send(n);
  assertLagged(rx, 1);
  for (const n of [4, 5, 6]) tx.send(n);
  assertLagged(rx, 3);
  assertEquals(assertRecv(rx), 5);
  assertEquals(assertRecv(rx), 6);
  assertEmpty(rx);
});

Deno.test("single_slot_capacity_lag_semantics", () => {
  const [tx, rx] = broadcast<number>(1);
  tx.send(1);
  assertEquals(assertRecv(rx), 1);
  tx.send(2);
  tx.send(3);
  assertLagged(rx, 1);
  assertEquals(assertRecv(rx), 3);
  assertEmpty(rx);
});

Deno.test("receiver_len_after_lag_error_advances_cursor", () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [1, 2, 3, 4]) tx.send(n);
  assertEquals(rx.length, 4);
  assertLagged(rx, 2);
  assertEquals(rx.length, 2);
  assertEquals(assertRecv(rx), 3);
  assertEquals(rx.length, 1);
  assertEquals(assertRecv(rx), 4);
  assertEquals(rx.length, 0);
});

// -- Resubscribing --

Deno.test("resubscribe_points_to_tail", () => {
  const [tx, rx] = broadcast<number>(3);
  tx.send(1);
  const resub = rx.resubscribe();
  assertEmpty(resub);
  assertEquals(assertRecv(rx), 1);
  tx.send(2);
  assertEquals(assertRecv(resub), 2);
  tx.send(3);
  assertEquals(assertRecv(rx), 2);
  assertEquals(assertRecv(rx), 3);
  assertEmpty(rx);
  assertEquals(assertRecv(resub), 3);
  assertEmpty(resub);
});

Deno.test("resubscribe_lagged", () => {
  const [tx, rx] = broadcast<number>(1);
  tx.send(1);
  tx.send(2);
  const resub = rx.resubscribe();
  assertLagged(rx, 1);
  assertEmpty(resub);
  assertEquals(assertRecv(rx), 2);
  assertEmpty(rx);
  assertEmpty(resub);
});

Deno.test("resubscribe_to_closed_channel", () => {
  const [tx, rx] = broadcast<number>(2);
  tx.close();
  const resub = rx.resubscribe();
  assertClosed(resub);
});

// -- Senders and receivers --

Deno.test("broadcast: send returns the number of receivers", () => {
  const [tx, rx] = broadcast<number>(4);
  const rx2 = rx.resubscribe();
  assertEquals(tx.receiverCount, 2);
  assertEquals(tx.send(1), 2);
  rx2.close();
  assertEquals(tx.receiverCount, 1);
  assertEquals(tx.send(2), 1);
});

Deno.test("broadcast: the channel stays open until every clone is closed", () => {
  const [tx, rx] = broadcast<number>(4);
  const tx2 = tx.clone();
  tx.close();
  tx2.send(1);
  assertThrows(() => tx.send(2), SendError);
  assertThrows(() => tx.clone(), TypeError);
  assertEquals(assertRecv(rx), 1);
  assert(!rx.isClosed);
  tx2.close();
  assertClosed(rx);
});

Deno.test("broadcast: a closed receiver ends its pending recv", async () => {
  const [tx, rx] = broadcast<number>(4);
  const recv = watch(rx.recv());
  rx.close();
  await drain();
  assertEquals([recv.status, recv.value], ["fulfilled", undefined]);
  assertEquals(tx.receiverCount, 0);
});

// -- Iteration --

Deno.test("broadcast: for await reads every value and ends with the senders", async () => {
  using clock = TestClock.install();
  const [tx, rx] = broadcast<number>(4);
  spawnTask(async () => {
    for (let i = 0; i < 6; i++) {
      tx.send(i);
      await sleep(10);
    }
    tx.close();
  });
  const seen: [number, number][] = [];
  const done = (async () => {
    for await (const n of rx) seen.push([clock.elapsed, n]);
  })();
  await clock.tick(100);
  await done;
  assertEquals(seen, [[0, 0], [10, 1], [20, 2], [30, 3], [40, 4], [50, 5]]);
});

Deno.test("broadcast: leaving a loop early closes the receiver", async () => {
  const [tx, rx] = broadcast<number>(4);
  tx.send(1);
  tx.send(2);
  for await (const _ of rx) break;
  assertEquals(tx.receiverCount, 0);
});

Deno.test("broadcast: a lag rejects the loop's next()", async () => {
  const [tx, rx] = broadcast<number>(1);
  tx.send(1);
  tx.send(2);
  const error = await rejection((async () => {
    for await (const _ of rx) { /* lags at once */ }
  })());
  assert(error instanceof Lagged);
  assertEquals(tx.receiverCount, 1);
  assertEquals(await rx.recv(), 2);
});

// -- Cancellation --

Deno.test("broadcast: recv({ signal }) rejects with the reason and keeps the place", async () => {
  const [tx, rx] = broadcast<number>(4);
  const controller = new AbortController();
  const recv = rx.recv({ signal: controller.signal });
  controller.abort("stop");
  assertEquals(await rejection(recv), "stop");
  tx.send(7);
  assertEquals(await rx.recv(), 7);
});

Deno.test("broadcast: a second recv while one waits is a TypeError", async () => {
  const [tx, rx] = broadcast<number>(4);
  const first = rx.recv();
  assert(await rejection(rx.recv()) instanceof TypeError);
  assertThrows(() => rx.tryRecv(), TypeError);
  tx.send(1);
  assertEquals(await first, 1);
});

Deno.test("broadcast: aborting the task ends its recv", async () => {
  const [tx, rx] = broadcast<number>(4);
  let reason: unknown;
  const handle = spawnTask(() => rx.recv().catch((e) => reason = e));
  await drain();
  handle.abort("gone");
  await rejection(handle);
  assertEquals(reason, "gone");
  tx.send(1);
  assertEquals(rx.tryRecv(), 1);
});

// -- Timing --

Deno.test("broadcast: a woken receiver reads after the sending task waits again", async () => {
  // tokio: the woken receiver runs once the sender is pending, so it sees all
  // three sends of that turn, and capacity 2 means it lagged by one.
  using clock = TestClock.install();
  const [tx, rx] = broadcast<number>(2);
  const seen: string[] = [];
  spawnTask(async () => {
    for (;;) {
      try {
        const value = await rx.recv();
        if (value === undefined) return;
        seen.push(`${clock.elapsed} ${value}`);
      } catch (error) {
        seen.push(`${clock.elapsed} ${error}`);
      }
    }
  });
  spawnTask(async () => {
    await sleep(10);
    tx.send(1);
    await sleep(0);
    tx.send(2);
    tx.send(3);
    await sleep(10);
    tx.close();
  });
  await clock.tick(30);
  assertEquals(seen, ["10 Lagged(1)", "10 2", "10 3"]);
});

// -- Stream.from (tokio-stream BroadcastStream) --

Deno.test("Stream.from(broadcast receiver) yields results, a lag as an error item", async () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [1, 2, 3, 4, 5]) tx.send(n);
  tx.close();
  const items = await Stream.from(rx).toArray();
  assertEquals(items.map((r) => r.ok ? r.value : `Lagged(${r.error.skipped})`), [
    "Lagged(3)",
    4,
    5,
  ]);
});

Deno.test("Stream.from(broadcast receiver) wakes on sends and closes the receiver when dropped", async () => {
  using clock = TestClock.install();
  const [tx, rx] = broadcast<string>(4);
  spawnTask(async () => {
    for (const word of ["a", "b", "c"]) {
      await sleep(10);
      if (tx.receiverCount === 0) return;
      tx.send(word);
    }
  });
  const seen: string[] = [];
  const done = Stream.from(rx).take(2).forEach((r) => {
    seen.push(`${clock.elapsed} ${r.ok ? r.value : r.error}`);
  });
  await clock.tick(40);
  await done;
  assertEquals(seen, ["10 a", "20 b"]);
  assertEquals(tx.receiverCount, 0);
});

Deno.test("Stream.from(broadcast receiver) refuses a receiver that has a consumer", async () => {
  const [tx, rx] = broadcast<number>(2);
  const pending = rx.recv();
  assertThrows(() => Stream.from(rx), TypeError);
  tx.send(1);
  assertEquals(await pending, 1);
});
