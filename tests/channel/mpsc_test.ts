/**
 * The mpsc additions (permits, capacity, sendTimeout, closed, recvMany,
 * tokio's isClosed), from tokio's `tests/sync_mpsc.rs` (test names kept).
 * The rest of the channel is tested in `tests/channel_test.ts`.
 *
 * Not mapped: the `reserve_many*`/`try_reserve_many*` tests and the owned
 * permit tests (`reserve_many`, `reserve_owned` are not part of weft; a weft
 * `Permit` already behaves as an `OwnedPermit`: it keeps the channel open),
 * `try_recv_after_receiver_close_with_permit` (weft's `tryRecv` does not tell
 * "empty" from "disconnected"; the same states are checked through `recv()`
 * in `dropping_last_permit_wakes_closed_receiver`), `recv_many` tests that
 * pass a non-empty `Vec` (weft's `recvMany` returns a new array), and the
 * `is_empty`/`len` tests (weft has `length`, tested in `tests/channel_test.ts`).
 */
import { channel, Permit, SendError } from "../../channel.ts";
import { sleep, spawnTask } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, rejection, watch } from "../_helpers.ts";

// -- Permits --

Deno.test("reserve_disarm", async () => {
  const [tx, rx] = channel<number>(2);
  const tx1 = tx.clone();
  const tx2 = tx.clone();
  const tx3 = tx.clone();
  const tx4 = tx;
  const permit1 = await tx1.reserve();
  const permit2 = await tx2.reserve();
  const r3 = watch(tx3.reserve());
  const r4 = watch(tx4.reserve());
  await drain();
  assertEquals([r3.status, r4.status], ["pending", "pending"]);
  permit1.send(1);
  await drain();
  assertEquals(r3.status, "pending");
  assertEquals(await rx.recv(), 1);
  await drain();
  assertEquals([r3.status, r4.status], ["fulfilled", "pending"]);
  permit2.release();
  await drain();
  assertEquals(r4.status, "fulfilled");
  const r1 = watch(tx1.reserve());
  await drain();
  assertEquals(r1.status, "pending");
  rx.close();
  await drain();
  assert(r1.reason instanceof SendError);
});

Deno.test("recv_close_gets_none_idle", async () => {
  const [tx, rx] = channel<number>(10);
  rx.close();
  assertEquals(await rx.recv(), undefined);
  assert(await rejection(tx.send(1)) instanceof SendError);
});

Deno.test("recv_close_gets_none_reserved", async () => {
  const [tx1, rx] = channel<number>(1);
  const tx2 = tx1.clone();
  const permit1 = await tx1.reserve();
  const permit2 = watch(tx2.reserve());
  await drain();
  assertEquals(permit2.status, "pending");
  rx.close();
  await drain();
  assertEquals(permit2.status, "rejected");
  assert(permit2.reason instanceof SendError);
  const recv = watch(rx.recv());
  await drain();
  assertEquals(recv.status, "pending");
  permit1.send(123);
  await drain();
  assertEquals(recv.value, 123);
  tx1.close();
  tx2.close();
  assertEquals(await rx.recv(), undefined);
});

Deno.test("try_reserve_fails", async () => {
  const [tx, rx] = channel<string>(1);
  const permit = tx.tryReserve();
  assert(permit instanceof Permit);
  assertEquals(tx.tryReserve(), undefined);
  permit.send("foo");
  assertEquals(await rx.recv(), "foo");
  const again = tx.tryReserve();
  assert(again !== undefined);
  again.release();
  assert(tx.tryReserve() !== undefined);
});

Deno.test("drop_permit_releases_permit", async () => {
  const [tx1] = channel<number>(1);
  const tx2 = tx1.clone();
  const permit = await tx1.reserve();
  const reserve2 = watch(tx2.reserve());
  await drain();
  assertEquals(reserve2.status, "pending");
  {
    using _permit = permit;
  }
  await drain();
  assertEquals(reserve2.status, "fulfilled");
});

Deno.test("dropping_last_permit_wakes_closed_receiver", async () => {
  const [tx, rx] = channel<void>(100);
  const permit = tx.tryReserve()!;
  tx.close();
  rx.close();
  const recv = watch(rx.recv());
  await drain();
  assertEquals(recv.status, "pending");
  permit.release();
  await drain();
  assertEquals([recv.status, recv.value], ["fulfilled", undefined]);
});

Deno.test("sending_last_permit_wakes_closed_receiver", async () => {
  const [tx, rx] = channel<string>(100);
  const permit = tx.tryReserve()!;
  rx.close();
  const recv = watch(rx.recv());
  await drain();
  assertEquals(recv.status, "pending");
  permit.send("last");
  await drain();
  assertEquals(recv.value, "last");
  tx.close();
});

Deno.test("ready_close_cancel_bounded", async () => {
  const [tx, rx] = channel<void>(100);
  const tx2 = tx.clone();
  const permit = await tx.reserve();
  rx.close();
  const recv = watch(rx.recv());
  await drain();
  assertEquals(recv.status, "pending");
  permit.release();
  await drain();
  assertEquals([recv.status, recv.value], ["fulfilled", undefined]);
  tx2.close();
});

Deno.test("permit_available_not_acquired_close", async () => {
  const [tx1, rx] = channel<void>(1);
  const tx2 = tx1.clone();
  const permit1 = await tx1.reserve();
  const permit2 = watch(tx2.reserve());
  await drain();
  rx.close();
  permit1.release();
  await drain();
  assertEquals(permit2.status, "rejected");
  assertEquals(await rx.recv(), undefined);
});

Deno.test("mpsc: a permit keeps the channel open after its sender closes", async () => {
  const [tx, rx] = channel<string>(1);
  const permit = await tx.reserve();
  tx.close();
  assert(!rx.isClosed);
  permit.send("late");
  assert(rx.isClosed);
  assertEquals(await rx.recv(), "late");
  assertEquals(await rx.recv(), undefined);
});

Deno.test("mpsc: a permit is used once", () => {
  const [tx, rx] = channel<number>(1);
  const permit = tx.tryReserve()!;
  permit.send(1);
  assertThrows(() => permit.send(2), TypeError);
  permit.release();
  assertEquals(rx.tryRecv(), 1);
});

Deno.test("mpsc: reserve({ signal }) withdraws its place in line", async () => {
  const [tx, rx] = channel<number>(1);
  await tx.send(1);
  const controller = new AbortController();
  const reserved = tx.reserve({ signal: controller.signal });
  const sent = tx.send(2);
  controller.abort("stop");
  assertEquals(await rejection(reserved), "stop");
  assertEquals(await rx.recv(), 1);
  await sent;
  assertEquals(await rx.recv(), 2);
  assertEquals(tx.capacity, 1);
});

Deno.test("mpsc: reservations wait in line with sends", async () => {
  const [tx, rx] = channel<string>(1);
  await tx.send("a");
  const order: string[] = [];
  const sent = tx.send("b").then(() => order.push("send b"));
  const reserved = tx.reserve().then((permit) => {
    order.push("permit");
    permit.send("c");
  });
  assertEquals(await rx.recv(), "a");
  assertEquals(await rx.recv(), "b");
  assertEquals(await rx.recv(), "c");
  await Promise.all([sent, reserved]);
  assertEquals(order, ["send b", "permit"]);
});

Deno.test("mpsc: reserve on a closed channel rejects with SendError", async () => {
  const [tx, rx] = channel<number>(1);
  rx.close();
  assert(await rejection(tx.reserve()) instanceof SendError);
  assertThrows(() => tx.tryReserve(), SendError);
});

Deno.test("mpsc: reserve on a rendezvous channel is a TypeError", () => {
  const [tx] = channel<number>(0);
  assertThrows(() => tx.reserve(), TypeError);
  assertThrows(() => tx.tryReserve(), TypeError);
});

// -- Capacity --

Deno.test("test_tx_capacity", async () => {
  const [tx] = channel<void>(10);
  assertEquals([tx.capacity, tx.maxCapacity], [10, 10]);
  const permit = await tx.reserve();
  assertEquals([tx.capacity, tx.maxCapacity], [9, 10]);
  await tx.send();
  assertEquals([tx.capacity, tx.maxCapacity], [8, 10]);
  permit.release();
  assertEquals(tx.capacity, 9);
});

// -- sendTimeout --

Deno.test("mpsc: sendTimeout sends at once when there is room", async () => {
  const [tx, rx] = channel<number>(1);
  await tx.sendTimeout(1, 100);
  assertEquals(rx.tryRecv(), 1);
});

Deno.test("mpsc: sendTimeout with room arms no timer", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<number>(1);
  const sent = tx.sendTimeout(1, 100);
  assertEquals(clock.pendingTimers, 0);
  await sent;
  assertEquals(rx.tryRecv(), 1);
});

Deno.test("mpsc: sendTimeout gives the value back when no room comes in time", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<number>(1);
  await tx.send(1);
  const sent = watch(tx.sendTimeout(2, 50));
  await clock.tick(49);
  assertEquals(sent.status, "pending");
  await clock.tick(1);
  assertEquals(sent.status, "rejected");
  assert(sent.reason instanceof SendError);
  assertEquals((sent.reason as SendError<number>).value, 2);
  assertEquals(rx.tryRecv(), 1);
  assertEquals(rx.tryRecv(), undefined);
});

Deno.test("mpsc: sendTimeout succeeds when room comes before the deadline", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<number>(1);
  await tx.send(1);
  spawnTask(async () => {
    await sleep(30);
    await rx.recv();
  });
  const sent = watch(tx.sendTimeout(2, 50));
  await clock.tick(30);
  assertEquals(sent.status, "fulfilled");
  await clock.tick(30);
  assertEquals(rx.tryRecv(), 2);
});

Deno.test("mpsc: sendTimeout({ signal }) rejects with the reason", async () => {
  const [tx] = channel<number>(1);
  await tx.send(1);
  const controller = new AbortController();
  const sent = tx.sendTimeout(2, 1000, { signal: controller.signal });
  controller.abort("stop");
  assertEquals(await rejection(sent), "stop");
});

// -- closed() --

Deno.test("mpsc: Sender.closed() resolves when the receiver closes", async () => {
  const [tx, rx] = channel<number>();
  const closed = watch(tx.closed());
  await drain();
  assertEquals(closed.status, "pending");
  rx.close();
  await drain();
  assertEquals(closed.status, "fulfilled");
  await tx.closed();
});

Deno.test("mpsc: BoundedSender.closed() resolves when the receiver is dropped", async () => {
  const [tx, rx] = channel<number>(2);
  const closed = watch(tx.closed());
  {
    using _rx = rx;
  }
  await drain();
  assertEquals(closed.status, "fulfilled");
});

Deno.test("mpsc: closed({ signal }) rejects with the reason", async () => {
  const [tx, rx] = channel<number>();
  const controller = new AbortController();
  const closed = tx.closed({ signal: controller.signal });
  controller.abort("stop");
  assertEquals(await rejection(closed), "stop");
  rx.close();
});

// -- recvMany --

Deno.test("async_send_recv_many_with_buffer", async () => {
  const [tx, rx] = channel<number>(2);
  assertEquals(await rx.recvMany(0), []);
  const handle = spawnTask(async () => {
    for (const n of [1, 2, 7, 0]) await tx.send(n);
    tx.close();
  });
  const received: number[] = [];
  while (received.length < 4) {
    const batch = await rx.recvMany(3);
    assert(batch.length >= 1 && batch.length <= 3);
    received.push(...batch);
  }
  assertEquals(received, [1, 2, 7, 0]);
  assertEquals(await rx.recvMany(3), []);
  await handle;
});

Deno.test("send_recv_many_bounded_capacity", async () => {
  const [tx, rx] = channel<string>(100);
  const expected = Array.from({ length: 9 }, (_, i) => `${i}`);
  for (const x of expected) await tx.send(x);
  await tx.send("one more");
  assertEquals(await rx.recvMany(9), expected);
  assertEquals(await rx.recvMany(9), ["one more"]);
  spawnTask(async () => {
    await tx.send("final");
    tx.close();
  });
  assertEquals(await rx.recvMany(9), ["final"]);
  assertEquals(await rx.recvMany(9), []);
});

Deno.test("send_recv_many_unbounded_capacity", async () => {
  const [tx, rx] = channel<string>();
  const expected = Array.from({ length: 9 }, (_, i) => `${i}`);
  for (const x of expected) tx.send(x);
  tx.send("one more");
  assertEquals(await rx.recvMany(9), expected);
  assertEquals(await rx.recvMany(9), ["one more"]);
  spawnTask(() => {
    tx.send("final");
    tx.close();
  });
  assertEquals(await rx.recvMany(9), ["final"]);
  assertEquals(await rx.recvMany(9), []);
});

Deno.test("recv_many_with_non_empty_buffer_bounded_rx_closed_and_idle", async () => {
  const [tx, rx] = channel<number>(1);
  rx.close();
  assertEquals(await rx.recvMany(1), []);
  tx.close();
});

Deno.test("recv_many_with_non_empty_buffer_unbounded_rx_closed_and_idle", async () => {
  const [tx, rx] = channel<number>();
  rx.close();
  assertEquals(await rx.recvMany(1), []);
  tx.close();
});

Deno.test("mpsc: recvMany takes waiting bounded sends too", async () => {
  const [tx, rx] = channel<number>(1);
  await tx.send(1);
  const sent = tx.send(2);
  assertEquals(await rx.recvMany(5), [1, 2]);
  await sent;
});

// -- isClosed (tokio's is_closed) --

Deno.test("test_rx_is_closed_when_calling_close_with_sender", () => {
  const [tx, rx] = channel<void>(10);
  rx.close();
  assert(rx.isClosed);
  tx.close();
});

Deno.test("test_rx_is_closed_when_dropping_all_senders", async () => {
  const [tx, rx] = channel<void>(10);
  const another = tx.clone();
  const task = spawnTask(() => another.close());
  tx.close();
  await task;
  assert(rx.isClosed);
});

Deno.test("test_rx_is_not_closed_when_there_are_senders", () => {
  const [tx, rx] = channel<void>(10);
  assert(!rx.isClosed);
  tx.close();
});

Deno.test("test_rx_is_not_closed_when_there_are_senders_and_buffer_filled", async () => {
  const [tx, rx] = channel<number>(10);
  for (let i = 0; i < 10; i++) await tx.send(i);
  assert(!rx.isClosed);
});

Deno.test("test_rx_is_closed_when_there_are_no_senders_and_there_are_messages", async () => {
  const [tx, rx] = channel<number>(10);
  for (let i = 0; i < 10; i++) await tx.send(i);
  tx.close();
  assert(rx.isClosed);
  assertEquals(rx.length, 10);
});

Deno.test("test_rx_is_closed_when_there_are_messages_and_close_is_called", async () => {
  const [tx, rx] = channel<number>(10);
  for (let i = 0; i < 10; i++) await tx.send(i);
  rx.close();
  assert(rx.isClosed);
});

Deno.test("test_rx_is_not_closed_when_there_are_permits_but_not_senders", async () => {
  const [tx, rx] = channel<void>(10);
  const permit = await tx.reserve();
  tx.close();
  assert(!rx.isClosed);
  permit.release();
  assert(rx.isClosed);
});

Deno.test("test_rx_unbounded_is_closed_when_there_are_no_senders_and_there_are_messages", () => {
  const [tx, rx] = channel<number>();
  for (let i = 0; i < 10; i++) tx.send(i);
  tx.close();
  assert(rx.isClosed);
});

Deno.test("test_rx_unbounded_is_closed_when_there_are_messages_and_close_is_called", () => {
  const [tx, rx] = channel<number>();
  for (let i = 0; i < 10; i++) tx.send(i);
  rx.close();
  assert(rx.isClosed);
});
