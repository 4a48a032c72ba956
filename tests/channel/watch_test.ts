/**
 * watch(), from tokio's `tests/sync_watch.rs` (test names kept) and
 * tokio-stream's `WatchStream` (its `tests/watch.rs` at the end).
 *
 * Not mapped: `rx_version_underflow` (versions are JS numbers; there is
 * nothing to underflow, `markChanged()` twice is tested below),
 * `send_modify_panic` (a `modify` that throws leaves the value as it
 * changed it and notifies nobody: tested below as
 * "sendModify that throws notifies nobody"), `receiver_changed_is_cooperative*`,
 * `receiver_wait_for_is_cooperative*`, `sender_closed_is_cooperative`
 * (tokio's coop budget: a ready `changed()` resolves at once here; a loop of
 * them does not yield to other tasks).
 */
import { RecvError, SendError, watch } from "../../channel.ts";
import { Stream } from "../../stream.ts";
import { sleep, spawnTask } from "../../task.ts";
import { TestClock } from "../../testing.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { drain, rejection, watch as watchPromise } from "../_helpers.ts";

// -- Changes --

Deno.test("single_rx_recv", async () => {
  const [tx, rx] = watch("one");
  {
    const controller = new AbortController();
    const t = watchPromise(rx.changed({ signal: controller.signal }));
    await drain();
    assertEquals(t.status, "pending");
    controller.abort();
    await drain();
  }
  assertEquals(rx.borrow(), "one");
  {
    const t = watchPromise(rx.changed());
    await drain();
    assertEquals(t.status, "pending");
    tx.send("two");
    await drain();
    assertEquals(t.status, "fulfilled");
  }
  assertEquals(rx.borrow(), "two");
  {
    const t = watchPromise(rx.changed());
    await drain();
    assertEquals(t.status, "pending");
    tx.close();
    await drain();
    assertEquals(t.status, "rejected");
    assert(t.reason instanceof RecvError);
  }
  assertEquals(rx.borrow(), "two");
});

Deno.test("rx_mark_changed", async () => {
  const [tx, rx] = watch("one");
  const rx2 = rx.clone();
  const rx3 = rx.clone();
  const rx4 = rx.clone();
  rx.markChanged();
  assert(rx.hasChanged());
  await rx.changed();

  assert(!rx2.hasChanged());
  const controller = new AbortController();
  const t2 = watchPromise(rx2.changed({ signal: controller.signal }));
  await drain();
  assertEquals(t2.status, "pending");
  controller.abort();

  rx3.markChanged();
  assertEquals(rx3.borrow(), "one");
  assert(rx3.hasChanged());
  assertEquals(rx3.borrowAndUpdate(), "one");
  assert(!rx3.hasChanged());

  tx.send("two");
  assert(rx4.hasChanged());
  assertEquals(rx4.borrowAndUpdate(), "two");
  rx4.markChanged();
  assert(rx4.hasChanged());
  assertEquals(rx4.borrowAndUpdate(), "two");
  assertEquals(rx.borrow(), "two");
});

Deno.test("watch: markChanged twice is still one change", async () => {
  const [, rx] = watch("one");
  rx.markChanged();
  rx.markChanged();
  assert(rx.hasChanged());
  await rx.changed();
  assert(!rx.hasChanged());
});

Deno.test("rx_mark_unchanged", () => {
  const [tx, rx] = watch("one");
  const rx2 = rx.clone();
  assert(!rx.hasChanged());
  rx.markChanged();
  assert(rx.hasChanged());
  rx.markUnchanged();
  assert(!rx.hasChanged());

  assert(!rx2.hasChanged());
  tx.send("two");
  assert(rx2.hasChanged());
  rx2.markUnchanged();
  assert(!rx2.hasChanged());
  assertEquals(rx2.borrowAndUpdate(), "two");
  assertEquals(rx.borrow(), "two");
});

Deno.test("multi_rx", async () => {
  const [tx, rx1] = watch("one");
  const rx2 = rx1.clone();
  const t2 = watchPromise(rx2.changed());
  let t1 = watchPromise(rx1.changed());
  await drain();
  assertEquals([t1.status, t2.status], ["pending", "pending"]);
  tx.send("two");
  await drain();
  assertEquals([t1.status, t2.status], ["fulfilled", "fulfilled"]);
  assertEquals(rx1.borrow(), "two");

  t1 = watchPromise(rx1.changed());
  await drain();
  assertEquals(t1.status, "pending");
  tx.send("three");
  await drain();
  assertEquals(t1.status, "fulfilled");
  assertEquals(rx1.borrow(), "three");
  assertEquals(rx2.borrow(), "three");
  // rx2 has not seen "three": its next changed() resolves at once.
  await rx2.changed();

  const both = Promise.all([rx1.changed(), rx2.changed()]);
  tx.send("four");
  await both;
  assertEquals([rx1.borrow(), rx2.borrow()], ["four", "four"]);
});

Deno.test("rx_observes_final_value", async () => {
  {
    const [tx, rx] = watch("one");
    tx.close();
    assert(await rejection(rx.changed()) instanceof RecvError);
    assertEquals(rx.borrow(), "one");
  }
  {
    const [tx, rx] = watch("one");
    tx.send("two");
    await rx.changed();
    assertEquals(rx.borrow(), "two");
    const t = watchPromise(rx.changed());
    await drain();
    assertEquals(t.status, "pending");
    tx.send("three");
    tx.close();
    await drain();
    assertEquals(t.status, "fulfilled");
    assertEquals(rx.borrow(), "three");
    assert(await rejection(rx.changed()) instanceof RecvError);
    assertEquals(rx.borrow(), "three");
  }
});

Deno.test("poll_close", async () => {
  const [tx, rx] = watch("one");
  const t = watchPromise(tx.closed());
  await drain();
  assertEquals(t.status, "pending");
  rx.close();
  await drain();
  assertEquals(t.status, "fulfilled");
  const error = assertThrows(() => tx.send("two"), SendError) as SendError<string>;
  assertEquals(error.value, "two");
});

Deno.test("borrow_and_update", async () => {
  const [tx, rx] = watch("one");
  assert(!rx.hasChanged());
  tx.send("two");
  assert(rx.hasChanged());
  await rx.changed();
  assert(!rx.hasChanged());
  tx.send("three");
  assert(rx.hasChanged());
  assertEquals(rx.borrowAndUpdate(), "three");
  assert(!rx.hasChanged());
  tx.close();
  assertEquals(rx.borrowAndUpdate(), "three");
  assert(await rejection(rx.changed()) instanceof RecvError);
  assertThrows(() => rx.hasChanged(), RecvError);
});

Deno.test("reopened_after_subscribe", () => {
  const [tx, rx] = watch("one");
  assert(!tx.isClosed);
  rx.close();
  assert(tx.isClosed);
  const rx2 = tx.subscribe();
  assert(!tx.isClosed);
  rx2.close();
  assert(tx.isClosed);
});

Deno.test("watch: closed() keeps waiting when a subscribe reopens the channel", async () => {
  const [tx, rx] = watch(0);
  const closed = watchPromise(tx.closed());
  rx.close();
  const rx2 = tx.subscribe();
  await drain();
  assertEquals(closed.status, "pending");
  rx2.close();
  await drain();
  assertEquals(closed.status, "fulfilled");
});

Deno.test("watch: sendModify that throws notifies nobody", async () => {
  const [tx, rx] = watch({ n: 1 });
  rx.borrowAndUpdate();
  assertThrows(() =>
    tx.sendModify((value) => {
      value.n = 2;
      throw new TypeError("boom");
    }), TypeError);
  assert(!rx.hasChanged());
  assertEquals(rx.borrow(), { n: 2 });
  tx.sendModify((value) => {
    value.n = 3;
  });
  assert(rx.hasChanged());
  await rx.changed();
  assertEquals(rx.borrow(), { n: 3 });
});

Deno.test("watch: sendModify replaces the value with what it returns", () => {
  const [tx, rx] = watch(1);
  tx.sendModify((n) => n + 1);
  assertEquals(rx.borrowAndUpdate(), 2);
});

Deno.test("watch: sendIfModified notifies only when it returns true", () => {
  const [tx, rx] = watch({ n: 1 });
  assertEquals(tx.sendIfModified(() => false), false);
  assert(!rx.hasChanged());
  assertEquals(
    tx.sendIfModified((value) => {
      value.n = 5;
      return true;
    }),
    true,
  );
  assert(rx.hasChanged());
});

Deno.test("watch: sendReplace stores and returns the old value, even with no receiver", () => {
  const [tx, rx] = watch("a");
  rx.close();
  assertEquals(tx.sendReplace("b"), "a");
  assertEquals(tx.borrow(), "b");
  assertEquals(tx.subscribe().borrow(), "b");
});

Deno.test("multiple_sender", async () => {
  const [tx1, rx] = watch(0);
  const tx2 = tx1.clone();
  const seen = (async () => {
    await rx.changed();
    const v1 = rx.borrowAndUpdate();
    await rx.changed();
    const v2 = rx.borrowAndUpdate();
    return [v1, v2];
  })();
  tx1.send(1);
  await drain();
  tx2.send(2);
  assertEquals(await seen, [1, 2]);
});

Deno.test("receiver_is_notified_when_last_sender_is_dropped", async () => {
  const [tx1, rx] = watch(0);
  const tx2 = tx1.clone();
  const t = watchPromise(rx.changed());
  tx1.close();
  await drain();
  assertEquals(t.status, "pending");
  tx2.close();
  await drain();
  assertEquals(t.status, "rejected");
});

Deno.test("changed_succeeds_on_closed_channel_with_unseen_value", async () => {
  const [tx, rx] = watch("A");
  tx.send("B");
  tx.close();
  await rx.changed();
});

Deno.test("changed_errors_on_closed_channel_with_seen_value", async () => {
  const [tx, rx] = watch("A");
  tx.close();
  assert(await rejection(rx.changed()) instanceof RecvError);
});

Deno.test("has_changed_errors_on_closed_channel_with_unseen_value", () => {
  const [tx, rx] = watch("A");
  tx.send("B");
  tx.close();
  assertThrows(() => rx.hasChanged(), RecvError);
});

Deno.test("has_changed_errors_on_closed_channel_with_seen_value", () => {
  const [tx, rx] = watch("A");
  tx.close();
  assertThrows(() => rx.hasChanged(), RecvError);
});

Deno.test("wait_for_errors_on_closed_channel_true_predicate", async () => {
  const [tx, rx] = watch("A");
  tx.send("B");
  tx.close();
  assertEquals(await rx.waitFor(() => true), "B");
});

Deno.test("watch: waitFor rejects once the sender is gone without a match", async () => {
  const [tx, rx] = watch(0);
  const waiting = rx.waitFor((n) => n > 5);
  tx.send(3);
  await drain();
  tx.close();
  assert(await rejection(waiting) instanceof RecvError);
});

Deno.test("watch: waitFor checks the current value first", async () => {
  const [, rx] = watch(10);
  assertEquals(await rx.waitFor((n) => n === 10), 10);
});

// -- Timing --

Deno.test("watch: two sends in one turn are one change", async () => {
  using clock = TestClock.install();
  const [tx, rx] = watch(0);
  const seen: string[] = [];
  spawnTask(async () => {
    for (;;) {
      try {
        await rx.changed();
      } catch {
        return;
      }
      seen.push(`${clock.elapsed} ${rx.borrow()}`);
    }
  });
  spawnTask(async () => {
    await sleep(10);
    tx.send(1);
    await sleep(0);
    tx.send(2);
    await sleep(10);
    tx.send(3);
    tx.close();
  });
  await clock.tick(30);
  assertEquals(seen, ["10 2", "20 3"]);
});

// -- Cancellation --

Deno.test("watch: changed({ signal }) rejects with the reason", async () => {
  const [tx, rx] = watch(0);
  const controller = new AbortController();
  const changed = rx.changed({ signal: controller.signal });
  controller.abort("stop");
  assertEquals(await rejection(changed), "stop");
  tx.send(1);
  await rx.changed();
});

Deno.test("watch: waitFor({ signal }) rejects with the reason", async () => {
  const [, rx] = watch(0);
  const controller = new AbortController();
  const waiting = rx.waitFor((n) => n > 0, { signal: controller.signal });
  await drain();
  controller.abort("stop");
  assertEquals(await rejection(waiting), "stop");
});

Deno.test("watch: tx.closed({ signal }) rejects with the reason", async () => {
  const [tx] = watch(0);
  const controller = new AbortController();
  const closed = tx.closed({ signal: controller.signal });
  controller.abort("stop");
  assertEquals(await rejection(closed), "stop");
});

// -- Stream.from (tokio-stream WatchStream) --

Deno.test("Stream.from(watch receiver) yields the current value, then each change", async () => {
  using clock = TestClock.install();
  const [tx, rx] = watch("a");
  spawnTask(async () => {
    await sleep(10);
    tx.send("b");
    tx.send("c");
    await sleep(10);
    tx.send("d");
    await sleep(10);
    tx.close();
  });
  const seen: string[] = [];
  const done = Stream.from(rx).forEach((v) => {
    seen.push(`${clock.elapsed} ${v}`);
  });
  await clock.tick(40);
  await done;
  assertEquals(seen, ["0 a", "10 c", "20 d"]);
});

Deno.test("Stream.from(watch receiver) closes the receiver when dropped", async () => {
  const [tx, rx] = watch(1);
  const stream = Stream.from(rx);
  assertEquals(await stream.next(), 1);
  await stream.close();
  assertEquals(tx.receiverCount, 0);
  assertThrows(() => tx.send(2), SendError);
});

// From tokio-stream's `tests/watch.rs` (`watch_stream_from_changes` is not
// mapped: weft has no `WatchStream::from_changes`).

Deno.test("watch_stream_message_not_twice", async () => {
  const [tx, rx] = watch("hello");
  let goodbyes = 0;
  const done = Stream.from(rx).forEach((payload) => {
    if (payload === "goodbye") goodbyes++;
  });
  tx.send("goodbye");
  tx.close();
  await done;
  assertEquals(goodbyes, 1);
});

Deno.test("watch_stream_from_rx", async () => {
  const [tx, rx] = watch("hello");
  const stream = Stream.from(rx);
  assertEquals(await stream.next(), "hello");
  tx.send("bye");
  assertEquals(await stream.next(), "bye");
  await stream.close();
});
