/**
 * oneshot(), from tokio's `tests/sync_oneshot.rs` (test names kept).
 *
 * Not mapped: `drops_tasks`, `receiver_changes_task`, `sender_changes_task`
 * (waker reference counts; a weft wait holds no waker to count),
 * `close_try_recv_poll` (a poll after completion panics in Rust; here it
 * rejects with RecvError, tested in `explicit_close_try_recv`),
 * `receiver_is_terminated_*` and `receiver_is_empty_*` (futures' `is_terminated`
 * and `is_empty` are not part of weft's receiver; `tryRecv` covers the states),
 * `AssertSend` (auto traits).
 */
import { oneshot, RecvError, SendError } from "../../channel.ts";
import { spawnTask } from "../../task.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, rejection, watch } from "../_helpers.ts";

// -- Sending and receiving --

Deno.test("send_recv", async () => {
  const [tx, rx] = oneshot<number>();
  const received = watch(rx);
  await drain();
  assertEquals(received.status, "pending");
  tx.send(1);
  await drain();
  assertEquals([received.status, received.value], ["fulfilled", 1]);
});

Deno.test("async_send_recv", async () => {
  const [tx, rx] = oneshot<number>();
  tx.send(1);
  assertEquals(await rx, 1);
});

Deno.test("oneshot: awaiting the receiver twice gives the same value", async () => {
  const [tx, rx] = oneshot<string>();
  spawnTask(() => tx.send("once"));
  assertEquals(await rx, "once");
  assertEquals(await rx, "once");
});

Deno.test("oneshot: a second send throws SendError with the value", () => {
  const [tx, rx] = oneshot<number>();
  tx.send(1);
  const error = assertThrows(() => tx.send(2), SendError) as SendError<number>;
  assertEquals(error.value, 2);
  assertEquals(rx.tryRecv(), 1);
});

// -- Dropping either half --

Deno.test("close_tx", async () => {
  const [tx, rx] = oneshot<number>();
  const received = watch(rx);
  await drain();
  assertEquals(received.status, "pending");
  tx.close();
  await drain();
  assertEquals(received.status, "rejected");
  assert(received.reason instanceof RecvError);
});

Deno.test("oneshot: disposing the sender with using rejects the receiver", async () => {
  const [tx, rx] = oneshot<number>();
  {
    using _tx = tx;
  }
  assert(await rejection(rx) instanceof RecvError);
});

Deno.test("close_rx", async () => {
  {
    const [tx, rx] = oneshot<number>();
    rx.close();
    const error = assertThrows(() => tx.send(1), SendError) as SendError<number>;
    assertEquals(error.value, 1);
  }
  {
    const [tx, rx] = oneshot<number>();
    const closed = watch(tx.closed());
    await drain();
    assertEquals(closed.status, "pending");
    rx.close();
    await drain();
    assertEquals(closed.status, "fulfilled");
    assert(tx.isClosed);
    assertThrows(() => tx.send(1), SendError);
  }
});

Deno.test("async_rx_closed", async () => {
  const [tx, rx] = oneshot<void>();
  spawnTask(() => rx.close());
  await tx.closed();
});

Deno.test("explicit_close_poll", async () => {
  {
    const [tx, rx] = oneshot<number>();
    tx.send(1);
    rx.close();
    assertEquals(await rx, 1);
  }
  {
    const [tx, rx] = oneshot<number>();
    const closed = watch(tx.closed());
    const received = watch(rx);
    rx.close();
    await drain();
    assertEquals(closed.status, "fulfilled");
    assert(tx.isClosed);
    assertThrows(() => tx.send(1), SendError);
    assertEquals(received.status, "rejected");
    assert(received.reason instanceof RecvError);
  }
});

Deno.test("explicit_close_try_recv", async () => {
  {
    const [tx, rx] = oneshot<number>();
    tx.send(1);
    rx.close();
    assertEquals(rx.tryRecv(), 1);
  }
  {
    const [tx, rx] = oneshot<number>();
    const closed = watch(tx.closed());
    rx.close();
    await drain();
    assertEquals(closed.status, "fulfilled");
    assert(tx.isClosed);
    assertThrows(() => rx.tryRecv(), RecvError);
  }
});

Deno.test("close_after_recv", () => {
  const [tx, rx] = oneshot<number>();
  tx.send(17);
  assertEquals(rx.tryRecv(), 17);
  rx.close();
});

Deno.test("try_recv_after_completion", () => {
  const [tx, rx] = oneshot<number>();
  tx.send(17);
  assertEquals(rx.tryRecv(), 17);
  assertThrows(() => rx.tryRecv(), RecvError);
  rx.close();
});

Deno.test("try_recv_after_completion_await", async () => {
  const [tx, rx] = oneshot<number>();
  tx.send(17);
  assertEquals(await rx, 17);
  assertThrows(() => rx.tryRecv(), RecvError);
  rx.close();
});

Deno.test("oneshot: tryRecv is undefined while nothing was sent", () => {
  const [tx, rx] = oneshot<number>();
  assertEquals(rx.tryRecv(), undefined);
  tx.close();
  assertThrows(() => rx.tryRecv(), RecvError);
});

// -- Cancellation --

Deno.test("oneshot: recv({ signal }) rejects with the reason and leaves the value", async () => {
  const [tx, rx] = oneshot<number>();
  const controller = new AbortController();
  const received = rx.recv({ signal: controller.signal });
  controller.abort("stop");
  assertEquals(await rejection(received), "stop");
  tx.send(5);
  assertEquals(await rx.recv(), 5);
});

Deno.test("oneshot: closed({ signal }) rejects with the reason", async () => {
  const [tx, rx] = oneshot<number>();
  const controller = new AbortController();
  const closed = tx.closed({ signal: controller.signal });
  controller.abort("enough");
  assertEquals(await rejection(closed), "enough");
  rx.close();
});

Deno.test("oneshot: aborting the task ends its recv", async () => {
  const [, rx] = oneshot<number>();
  let reason: unknown;
  const handle = spawnTask(() => rx.recv().catch((e) => reason = e));
  await drain();
  handle.abort("gone");
  await rejection(handle);
  assertEquals(reason, "gone");
});

Deno.test("oneshot: a second recv while one waits is a TypeError", async () => {
  const [tx, rx] = oneshot<number>();
  const first = rx.recv();
  assert(await rejection(rx.recv()) instanceof TypeError);
  tx.send(3);
  assertEquals(await first, 3);
});
