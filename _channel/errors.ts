/**
 * Internal: the errors of every channel kind, re-exported by `channel.ts`.
 *
 * @module
 */

/**
 * A send was refused: the receiver is closed, or this sender is closed or was
 * moved into a thread. The value is handed back in `value`, never lost.
 *
 * @typeParam T The channel's value type.
 *
 * @example Get the refused value back
 * ```ts
 * import { channel, SendError } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = channel<number>();
 * rx.close();
 * try {
 *   tx.send(7);
 *   assert.fail();
 * } catch (error) {
 *   assert.ok(error instanceof SendError);
 *   assert.equal(error.value, 7);
 * }
 * ```
 */
export class SendError<T = unknown> extends Error {
  /** The value that was not sent. */
  readonly value: T;
  /** Creates the error for `value`, refused for the reason in `message`. */
  constructor(value: T, message = "Cannot send: the receiver is closed") {
    super(message);
    this.name = "SendError";
    this.value = value;
  }
}

/**
 * Nothing more will arrive: a oneshot's sender was dropped without sending,
 * or a watch channel's sender is gone and its last value was seen (tokio's
 * `RecvError`).
 *
 * @example A oneshot whose sender is closed
 * ```ts
 * import { oneshot, RecvError } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = oneshot<number>();
 * tx.close();
 * await assert.rejects(async () => await rx, RecvError);
 * ```
 */
export class RecvError extends Error {
  /** Creates the error; `message` says what cannot be received. */
  constructor(message = "Cannot receive: the sender is gone") {
    super(message);
    this.name = "RecvError";
  }
}

/**
 * A broadcast receiver fell behind: `skipped` values were overwritten before
 * it read them. Its next receive returns the oldest value the channel still
 * holds (tokio's `RecvError::Lagged(n)`).
 *
 * @example A receiver that lagged by one
 * ```ts
 * import { broadcast, Lagged } from "@weft/weft/channel";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = broadcast<number>(2);
 * tx.send(10);
 * tx.send(20);
 * tx.send(30);
 * const error = await rx.recv().catch((e) => e);
 * assert.ok(error instanceof Lagged);
 * assert.equal(error.skipped, 1);
 * assert.equal(await rx.recv(), 20);
 * ```
 */
export class Lagged extends Error {
  /** How many values this receiver missed. */
  readonly skipped: number;
  /** Creates the error for `skipped` missed values. */
  constructor(skipped: number) {
    super(`Cannot receive: this receiver lagged behind and missed ${skipped} values`);
    this.name = "Lagged";
    this.skipped = skipped;
  }
  /** Returns `Lagged(n)`, as tokio's `Debug` output. */
  override toString(): string {
    return `Lagged(${this.skipped})`;
  }
}
