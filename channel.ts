/**
 * Channels: trpl's unbounded multi-producer, single-consumer `channel()`, and
 * a bounded variant whose `send` waits for room.
 *
 * - FIFO per channel; every value whose `send` returned normally is received
 *   exactly once, unless the receiver is closed first.
 * - `Sender.clone()` adds a producer; when every sender is closed, the receiver
 *   yields what is buffered, then ends.
 * - Once the receiver is closed, `send` throws {@linkcode SendError}, which
 *   carries the refused value back: that is how a producer learns to stop.
 *
 * @example Send from a task, receive with for await
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import { spawnTask } from "@weft/weft/task";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * spawnTask(() => {
 *   for (const word of ["hi", "from", "the", "thread"]) tx.send(word);
 *   tx.close();
 * });
 * const received: string[] = [];
 * for await (const word of rx) received.push(word);
 * assert.deepStrictEqual(received, ["hi", "from", "the", "thread"]);
 * ```
 *
 * @module
 */
import { ChannelState, SenderSlot } from "./_channel/state.ts";
import { checkCount } from "./_runtime/checks.ts";
import { makeReceiver, type Receiver } from "./_channel/mpsc_receiver.ts";
import {
  type BoundedSender,
  makeBoundedSender,
  makeSender,
  refuse,
  type Sender,
} from "./_channel/mpsc_sender.ts";

export { Lagged, RecvError, SendError } from "./_channel/errors.ts";
export { oneshot, OneshotReceiver, OneshotSender } from "./_channel/oneshot.ts";
export { Permit } from "./_channel/mpsc.ts";
export { BoundedSender, Sender, SenderHandle } from "./_channel/mpsc_sender.ts";
export { Receiver } from "./_channel/mpsc_receiver.ts";

/**
 * Creates an unbounded multi-producer, single-consumer channel, trpl's
 * `channel()`.
 *
 * @typeParam T The values sent.
 * @returns The sender and the receiver.
 *
 * @example Create a channel
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>();
 * tx.send("hi");
 * assert.equal(await rx.recv(), "hi");
 * ```
 */
export function channel<T>(): [Sender<T>, Receiver<T>];
/**
 * Creates a bounded channel holding at most `capacity` values; a capacity of
 * 0 is a rendezvous: `send` waits until the receiver takes the value.
 *
 * @typeParam T The values sent.
 * @param capacity The buffer size, an integer >= 0.
 * @returns The sender and the receiver.
 * @throws {RangeError} If `capacity` is not an integer >= 0.
 *
 * @example A rendezvous channel
 * ```ts
 * import { channel } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<string>(0);
 * const sent = tx.send("hand-over");
 * assert.equal(await rx.recv(), "hand-over");
 * await sent;
 * ```
 */
export function channel<T>(capacity: number): [BoundedSender<T>, Receiver<T>];
export function channel<T>(
  capacity?: number,
): [Sender<T>, Receiver<T>] | [BoundedSender<T>, Receiver<T>] {
  if (capacity === undefined) {
    const state = new ChannelState<T>(Infinity, refuse);
    return [makeSender(new SenderSlot(state)), makeReceiver(state)];
  }
  checkCount(capacity, "create a bounded channel");
  const state = new ChannelState<T>(capacity, refuse);
  return [makeBoundedSender(new SenderSlot(state)), makeReceiver(state)];
}

export { broadcast, BroadcastReceiver, BroadcastSender } from "./_channel/broadcast.ts";
export { watch, WatchReceiver, WatchSender } from "./_channel/watch.ts";
