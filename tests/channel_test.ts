import { BoundedSender, channel, type Receiver, Sender, SendError } from "../channel.ts";
import { sleep, spawnTask } from "../task.ts";
import { TestClock } from "../testing.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./_assert.ts";
import { drain, rejection, Timeline, watch } from "./_helpers.ts";

/** Receives until the channel ends. */
async function drainReceiver<T>(rx: Receiver<T>): Promise<T[]> {
  const values: T[] = [];
  for (;;) {
    const value = await rx.recv();
    if (value === undefined) return values;
    values.push(value);
  }
}

/** The SendError that `send` throws, checked. */
function sendError<T>(send: () => unknown): SendError<T> {
  return assertThrows(send, SendError) as SendError<T>;
}

// -- Unbounded: order and ending --

Deno.test("channel() delivers values in send order", async () => {
  const [tx, rx] = channel<number>();
  for (let i = 0; i < 100; i++) tx.send(i);
  tx.close();
  assertEquals(await drainReceiver(rx), Array.from({ length: 100 }, (_, i) => i));
});

Deno.test("channel() send never waits, even with nobody receiving", () => {
  const [tx, rx] = channel<number>();
  for (let i = 0; i < 10_000; i++) tx.send(i);
  assertEquals(rx.length, 10_000);
  rx.close();
});

Deno.test("recv() waits for the next send", async () => {
  const [tx, rx] = channel<string>();
  const received = watch(rx.recv());
  await drain();
  assertEquals(received.status, "pending");
  tx.send("hello");
  await drain();
  assertEquals([received.status, received.value], ["fulfilled", "hello"]);
});

Deno.test("values from clones keep the order of their sends", async () => {
  const [tx, rx] = channel<string>();
  const tx2 = tx.clone();
  tx.send("a1");
  tx2.send("b1");
  tx.send("a2");
  tx.close();
  tx2.send("b2");
  tx2.close();
  assertEquals(await drainReceiver(rx), ["a1", "b1", "a2", "b2"]);
});

Deno.test("the receiver ends only after every sender is closed and the buffer drained", async () => {
  const [tx, rx] = channel<number>();
  const tx2 = tx.clone();
  tx.send(1);
  tx.close();
  assertEquals(rx.isClosed, false);
  assertEquals(await rx.recv(), 1);
  const pending = watch(rx.recv());
  await drain();
  assertEquals(pending.status, "pending");
  tx2.send(2);
  tx2.close();
  await drain();
  assertEquals(pending.value, 2);
  assertEquals(rx.isClosed, true);
  assertEquals(await rx.recv(), undefined);
  assertEquals(await rx.recv(), undefined);
});

Deno.test("a pending recv() resolves with undefined when the last sender closes", async () => {
  const [tx, rx] = channel<number>();
  const pending = watch(rx.recv());
  await drain();
  tx.close();
  await drain();
  assertEquals([pending.status, pending.value], ["fulfilled", undefined]);
});

Deno.test("senders in a timeline: values arrive at the instant they are sent", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<string>();
  const seen = new Timeline<string>(clock);
  spawnTask(async () => {
    for (const [ms, word] of [[10, "a"], [5, "b"], [0, "c"]] as const) {
      await sleep(ms);
      tx.send(word);
    }
    tx.close();
  });
  const consumer = spawnTask(async () => {
    for await (const word of rx) seen.push(word);
  });
  await clock.tick(20);
  await consumer;
  assertEquals(seen.entries, [[10, "a"], [15, "b"], [15, "c"]]);
  assertEquals(clock.pendingTimers, 0);
});

// -- Closing senders --

Deno.test("send() on a closed sender throws SendError carrying the value", () => {
  const [tx, rx] = channel<number>();
  tx.close();
  const error = sendError<number>(() => tx.send(9));
  assertEquals([error.name, error.value], ["SendError", 9]);
  assert(error.message.startsWith("Cannot send: "), error.message);
  assertEquals(tx.isClosed, true);
  rx.close();
});

Deno.test("closing a sender twice is harmless and drops it once", async () => {
  const [tx, rx] = channel<number>();
  const tx2 = tx.clone();
  tx.close();
  tx.close();
  tx2.send(1);
  assertEquals(await rx.recv(), 1);
  const pending = watch(rx.recv());
  await drain();
  assertEquals(pending.status, "pending");
  tx2.close();
  await drain();
  assertEquals(pending.status, "fulfilled");
});

Deno.test("using-disposal of a sender closes it", async () => {
  const [tx, rx] = channel<number>();
  {
    using sender = tx;
    sender.send(1);
  }
  assertEquals(await drainReceiver(rx), [1]);
});

Deno.test("clone() of a closed sender is a TypeError", () => {
  const [tx, rx] = channel<number>();
  tx.close();
  assertThrows(() => tx.clone(), TypeError, "Cannot clone");
  rx.close();
});

// -- Closing the receiver --

Deno.test("receiver close() keeps buffered values, then recv() gives undefined", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  tx.send(2);
  rx.close();
  assertEquals(rx.isClosed, true);
  const error = sendError<number>(() => tx.send(3));
  assertEquals(error.value, 3);
  assertEquals(tx.isClosed, true);
  assertEquals(await rx.recv(), 1);
  assertEquals(rx.tryRecv(), 2);
  assertEquals(await rx.recv(), undefined);
  assertEquals(await rx.recv(), undefined);
});

Deno.test("receiver close() ends a recv() that is waiting", async () => {
  const [tx, rx] = channel<number>();
  const pending = watch(rx.recv());
  await drain();
  rx.close();
  await drain();
  assertEquals([pending.status, pending.value], ["fulfilled", undefined]);
  assertThrows(() => tx.send(1), SendError);
});

Deno.test("receiver close() ends a for await loop that is waiting", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  const loop = watch(Array.fromAsync(rx));
  await drain();
  assertEquals(loop.status, "pending");
  rx.close();
  await drain();
  assertEquals(loop.value, [1]);
});

Deno.test("receiver Symbol.dispose discards the buffer", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  tx.send(2);
  {
    using _ = rx;
  }
  assertEquals(rx.length, 0);
  assertEquals(rx.tryRecv(), undefined);
  assertEquals(await rx.recv(), undefined);
  assertEquals(sendError<number>(() => tx.send(3)).value, 3);
});

Deno.test("closing the receiver twice is harmless", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  rx.close();
  rx.close();
  assertEquals(await drainReceiver(rx), [1]);
});

// -- tryRecv --

Deno.test("tryRecv() takes a buffered value without waiting", () => {
  const [tx, rx] = channel<string>();
  assertEquals(rx.tryRecv(), undefined);
  tx.send("x");
  tx.send("y");
  assertEquals([rx.tryRecv(), rx.tryRecv(), rx.tryRecv()], ["x", "y", undefined]);
  tx.close();
  assertEquals(rx.tryRecv(), undefined);
});

Deno.test("tryRecv() does not steal the wake-up of a waiting recv()", async () => {
  const [tx, rx] = channel<string>();
  const pending = watch(rx.recv());
  await drain();
  assertEquals(rx.tryRecv(), undefined);
  tx.send("for recv");
  await drain();
  assertEquals(pending.value, "for recv");
});

// -- Iteration --

Deno.test("for await reads until every sender is closed", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  tx.send(2);
  tx.close();
  const seen: number[] = [];
  for await (const value of rx) seen.push(value);
  assertEquals(seen, [1, 2]);
});

Deno.test("breaking out of for await closes the receiver", async () => {
  const [tx, rx] = channel<number>();
  for (const value of [1, 2, 3]) tx.send(value);
  for await (const value of rx) {
    if (value === 1) break;
  }
  assertEquals(rx.isClosed, true);
  assertEquals(sendError<number>(() => tx.send(4)).value, 4);
  assertEquals(await rx.recv(), undefined);
});

Deno.test("a throw inside for await closes the receiver", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  await assertRejects(
    (async () => {
      for await (const _ of rx) throw new Error("body failed");
    })(),
    Error,
    "body failed",
  );
  assertThrows(() => tx.send(2), SendError);
});

Deno.test("a second concurrent for await is a TypeError, not a split of values", async () => {
  const [tx, rx] = channel<number>();
  const first = Array.fromAsync(rx);
  await drain();
  const second = await rejection(Array.fromAsync(rx));
  assert(second instanceof TypeError);
  assert(second.message.startsWith("Cannot "), second.message);
  tx.send(1);
  tx.send(2);
  tx.close();
  assertEquals(await first, [1, 2]);
});

Deno.test("a concurrent recv() is a TypeError, not a split of values", async () => {
  const [tx, rx] = channel<number>();
  const first = rx.recv();
  await assertRejects(rx.recv(), TypeError, "Cannot receive");
  const loop = await rejection(Array.fromAsync(rx));
  assert(loop instanceof TypeError);
  tx.send(1);
  assertEquals(await first, 1);
  // Once the first recv() is done, the receiver is free again.
  tx.send(2);
  assertEquals(await rx.recv(), 2);
});

Deno.test("recv() while a for await loop runs is a TypeError", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  for await (const _ of rx) {
    await assertRejects(rx.recv(), TypeError);
    break;
  }
  tx.close();
});

Deno.test("recv() with an aborted signal rejects with signal.reason and frees the receiver", async () => {
  const [tx, rx] = channel<number>();
  const reason = new Error("stop waiting");
  assertEquals(await rejection(rx.recv({ signal: AbortSignal.abort(reason) })), reason);
  const controller = new AbortController();
  const pending = rx.recv({ signal: controller.signal });
  controller.abort(reason);
  assertEquals(await rejection(pending), reason);
  tx.send(5);
  assertEquals(await rx.recv(), 5);
});

// -- Bounded --

Deno.test("bounded send() resolves at once while there is room", async () => {
  const [tx, rx] = channel<number>(2);
  assert(tx instanceof BoundedSender);
  assert(!(tx instanceof Sender));
  const sent = [watch(tx.send(1)), watch(tx.send(2))];
  await drain();
  assertEquals(sent.map((s) => s.status), ["fulfilled", "fulfilled"]);
  assertEquals(rx.length, 2);
  rx.close();
});

Deno.test("bounded send() waits for room until a recv()", async () => {
  const [tx, rx] = channel<number>(1);
  await tx.send(1);
  const second = watch(tx.send(2));
  await drain();
  assertEquals(second.status, "pending");
  assertEquals(rx.length, 1);
  assertEquals(await rx.recv(), 1);
  await drain();
  assertEquals(second.status, "fulfilled");
  assertEquals(rx.length, 1);
  assertEquals(await rx.recv(), 2);
});

Deno.test("trySend() is false when full and never waits", async () => {
  const [tx, rx] = channel<number>(1);
  assertEquals(tx.trySend(1), true);
  assertEquals(tx.trySend(2), false);
  assertEquals(await rx.recv(), 1);
  assertEquals(tx.trySend(3), true);
  assertEquals(rx.tryRecv(), 3);
});

Deno.test("trySend() does not jump ahead of waiting sends", async () => {
  const [tx, rx] = channel<string>(1);
  await tx.send("first");
  const waiting = watch(tx.send("waiting"));
  assertEquals(rx.tryRecv(), "first");
  await drain();
  assertEquals(waiting.status, "fulfilled");
  assertEquals(tx.trySend("late"), false);
  assertEquals(rx.tryRecv(), "waiting");
});

Deno.test("waiting senders are served in FIFO order", async () => {
  const [tx, rx] = channel<string>(1);
  const tx2 = tx.clone();
  await tx.send("0");
  const order: string[] = [];
  const sends = [
    tx.send("a").then(() => order.push("a")),
    tx2.send("b").then(() => order.push("b")),
    tx.send("c").then(() => order.push("c")),
  ];
  tx.close();
  tx2.close();
  assertEquals(await drainReceiver(rx), ["0", "a", "b", "c"]);
  await Promise.all(sends);
  assertEquals(order, ["a", "b", "c"]);
});

Deno.test("bounded senders in a timeline: back-pressure paces the producer", async () => {
  using clock = TestClock.install();
  const [tx, rx] = channel<number>(1);
  const sent = new Timeline<number>(clock);
  const received = new Timeline<number>(clock);
  const producer = spawnTask(async () => {
    for (const n of [1, 2, 3]) {
      await tx.send(n);
      sent.push(n);
    }
    tx.close();
  });
  const consumer = spawnTask(async () => {
    for (;;) {
      await sleep(10);
      const value = await rx.recv();
      if (value === undefined) return;
      received.push(value);
    }
  });
  await clock.tick(50);
  await Promise.all([producer, consumer]);
  assertEquals(sent.entries, [[0, 1], [10, 2], [20, 3]]);
  assertEquals(received.entries, [[10, 1], [20, 2], [30, 3]]);
  assertEquals(clock.pendingTimers, 0);
});

Deno.test("waiting sends are rejected with SendError when the receiver closes", async () => {
  const [tx, rx] = channel<string>(1);
  await tx.send("kept");
  const a = tx.send("a");
  const b = tx.send("b");
  rx.close();
  const errors = [await rejection(a), await rejection(b)];
  assert(errors.every((error) => error instanceof SendError));
  assertEquals(errors.map((error) => (error as SendError).value), ["a", "b"]);
  assertEquals(await drainReceiver(rx), ["kept"]);
  const late = await rejection(tx.send("late"));
  assertEquals((late as SendError).value, "late");
  assertThrows(() => tx.trySend("try"), SendError);
});

Deno.test("bounded send() with an aborted signal rejects with signal.reason as-is", async () => {
  const [tx, rx] = channel<number>(1);
  await tx.send(1);
  const reason = { custom: "reason" };
  assertEquals(await rejection(tx.send(2, { signal: AbortSignal.abort(reason) })), reason);
  const controller = new AbortController();
  const waiting = tx.send(3, { signal: controller.signal });
  const after = watch(tx.send(4));
  controller.abort(reason);
  assertEquals(await rejection(waiting), reason);
  // The withdrawn value is skipped: the next waiting send moves up.
  assertEquals(await rx.recv(), 1);
  await drain();
  assertEquals(after.status, "fulfilled");
  assertEquals(await rx.recv(), 4);
  assertEquals(rx.tryRecv(), undefined);
});

Deno.test("a send on a closed bounded sender rejects with SendError", async () => {
  const [tx, rx] = channel<number>(1);
  const tx2 = tx.clone();
  tx.close();
  const error = await rejection(tx.send(1));
  assert(error instanceof SendError && error.value === 1);
  assertThrows(() => tx.trySend(2), SendError);
  tx2.close();
  assertEquals(await rx.recv(), undefined);
});

Deno.test("the receiver of a bounded channel ends after waiting sends are delivered", async () => {
  const [tx, rx] = channel<number>(1);
  await tx.send(1);
  const waiting = tx.send(2);
  tx.close();
  assertEquals(await drainReceiver(rx), [1, 2]);
  await waiting;
});

Deno.test("isClosed stays false while a waiting send is still to be received", async () => {
  const [tx, rx] = channel<number>(0);
  const sent = tx.send(1);
  tx.close();
  assertEquals(rx.isClosed, false);
  assertEquals(await rx.recv(), 1);
  await sent;
  assertEquals(rx.isClosed, true);
});

// -- Rendezvous (capacity 0) --

Deno.test("capacity 0: send() waits until the receiver takes the value", async () => {
  const [tx, rx] = channel<string>(0);
  const sent = watch(tx.send("hand-over"));
  await drain();
  assertEquals(sent.status, "pending");
  assertEquals(rx.length, 0);
  assertEquals(await rx.recv(), "hand-over");
  await drain();
  assertEquals(sent.status, "fulfilled");
});

Deno.test("capacity 0: a waiting recv() takes the value of a later send()", async () => {
  const [tx, rx] = channel<string>(0);
  const received = watch(rx.recv());
  await drain();
  const sent = watch(tx.send("x"));
  await drain();
  assertEquals([received.value, sent.status], ["x", "fulfilled"]);
});

Deno.test("capacity 0: trySend() succeeds only when a receiver waits", async () => {
  const [tx, rx] = channel<string>(0);
  assertEquals(tx.trySend("nobody"), false);
  const received = watch(rx.recv());
  await drain();
  assertEquals(tx.trySend("someone"), true);
  assertEquals(tx.trySend("again"), false);
  await drain();
  assertEquals(received.value, "someone");
});

Deno.test("capacity 0: tryRecv() takes from a waiting send", async () => {
  const [tx, rx] = channel<number>(0);
  assertEquals(rx.tryRecv(), undefined);
  const sent = watch(tx.send(1));
  assertEquals(rx.tryRecv(), 1);
  await drain();
  assertEquals(sent.status, "fulfilled");
});

Deno.test("capacity 0: a for await loop receives every waiting send in order", async () => {
  const [tx, rx] = channel<number>(0);
  const sends = [tx.send(1), tx.send(2), tx.send(3)];
  tx.close();
  assertEquals(await Array.fromAsync(rx), [1, 2, 3]);
  await Promise.all(sends);
});

// -- Bad input --

Deno.test("channel() rejects a bad capacity at the call with RangeError", () => {
  for (const capacity of [-1, 1.5, NaN, Infinity]) {
    const error = assertThrows(() => channel(capacity), RangeError);
    assert(error.message.startsWith("Cannot "), error.message);
  }
  assertThrows(() => channel("2" as unknown as number), RangeError);
});

Deno.test("SendError keeps the refused value and its name", () => {
  const error = new SendError({ id: 1 });
  assertEquals([error.name, error.value], ["SendError", { id: 1 }]);
  assert(error instanceof Error);
  assertEquals(error.message, "Cannot send: the receiver is closed");
});
