/**
 * `toReadableStream()`: cancelling the reader finishes the stream and lets go
 * of a channel's receiver, as dropping tokio's `ReceiverStream` drops it.
 */
import { assertEquals, assertThrows } from "../_assert.ts";
import { channel, SendError } from "../../channel.ts";
import { Stream } from "../../stream.ts";

Deno.test("cancelling a receiver's readable stream releases the receiver: recv() reports the end", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  tx.send(2);
  const reader = Stream.from(rx).toReadableStream().getReader();
  assertEquals(await reader.read(), { value: 1, done: false });
  await reader.cancel();
  assertEquals(await rx.recv(), undefined);
  assertEquals(rx.isClosed, true);
  assertThrows(() => tx.send(3), SendError, "receiver is closed");
});

Deno.test("cancelling before the first read releases the receiver too", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  await Stream.from(rx).toReadableStream().cancel();
  assertEquals(await rx.recv(), undefined);
});

Deno.test("leaving a loop over a receiver's stream releases the receiver", async () => {
  const [tx, rx] = channel<number>();
  tx.send(1);
  tx.send(2);
  for await (const x of Stream.from(rx)) {
    assertEquals(x, 1);
    break;
  }
  assertEquals(await rx.recv(), undefined);
});
