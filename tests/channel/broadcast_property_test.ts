/**
 * Model-based test of broadcast(): random sends, receives, subscriptions and
 * drops, checked step by step against a model written from tokio's contract
 * rather than its ring: the model keeps every value ever sent; a receiver at
 * index `next` that is more than `capacity` (rounded up to a power of two)
 * behind the total has lagged by the difference and goes on from the oldest
 * kept value.
 *
 * @module
 */
import fc from "fast-check";
import { broadcast, type BroadcastReceiver, Lagged, SendError } from "../../channel.ts";
import { assert, assertEquals } from "../_assert.ts";

const SEED = 42;
const RUNS = 300;

type Op =
  | { kind: "send" }
  | { kind: "recv"; pick: number }
  | { kind: "subscribe" }
  | { kind: "resubscribe"; pick: number }
  | { kind: "drop"; pick: number }
  | { kind: "closeSender" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: "send" as const }) },
  { weight: 5, arbitrary: fc.nat(7).map((pick) => ({ kind: "recv" as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ kind: "subscribe" as const }) },
  { weight: 1, arbitrary: fc.nat(7).map((pick) => ({ kind: "resubscribe" as const, pick })) },
  { weight: 1, arbitrary: fc.nat(7).map((pick) => ({ kind: "drop" as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ kind: "closeSender" as const }) },
);

/** What the model says a receive gives. */
type Expect = { value: number } | { lagged: number } | "empty" | "closed";

class Model {
  readonly sent: number[] = [];
  readonly ring: number;
  senderOpen = true;
  constructor(capacity: number) {
    this.ring = 2 ** Math.ceil(Math.log2(capacity));
  }
  recv(cursor: { next: number }): Expect {
    const oldest = Math.max(0, this.sent.length - this.ring);
    if (cursor.next < oldest) {
      const lagged = oldest - cursor.next;
      cursor.next = oldest;
      return { lagged };
    }
    if (cursor.next < this.sent.length) return { value: this.sent[cursor.next++]! };
    return this.senderOpen ? "empty" : "closed";
  }
}

function actual(rx: BroadcastReceiver<number>): Expect {
  try {
    const value = rx.tryRecv();
    if (value !== undefined) return { value };
    return rx.isClosed ? "closed" : "empty";
  } catch (error) {
    assert(error instanceof Lagged);
    return { lagged: error.skipped };
  }
}

Deno.test("broadcast: random operations match tokio's contract", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9 }), fc.array(op, { maxLength: 80 }), (cap, ops) => {
      const [tx, rx0] = broadcast<number>(cap);
      const model = new Model(cap);
      const receivers: { rx: BroadcastReceiver<number>; next: number }[] = [{ rx: rx0, next: 0 }];
      let counter = 0;
      for (const step of ops) {
        const at = (pick: number) => receivers[pick % Math.max(1, receivers.length)];
        switch (step.kind) {
          case "send": {
            if (!model.senderOpen) break;
            const value = counter++;
            if (receivers.length === 0) {
              let refused: unknown;
              try {
                tx.send(value);
              } catch (error) {
                refused = error;
              }
              assert(refused instanceof SendError);
              break;
            }
            assertEquals(tx.send(value), receivers.length);
            model.sent.push(value);
            break;
          }
          case "recv": {
            const r = at(step.pick);
            if (r !== undefined) assertEquals(actual(r.rx), model.recv(r));
            break;
          }
          case "subscribe":
            if (!model.senderOpen) break;
            receivers.push({ rx: tx.subscribe(), next: model.sent.length });
            break;
          case "resubscribe": {
            const r = at(step.pick);
            if (r !== undefined) {
              receivers.push({ rx: r.rx.resubscribe(), next: model.sent.length });
            }
            break;
          }
          case "drop": {
            const index = step.pick % Math.max(1, receivers.length);
            const r = receivers[index];
            if (r === undefined) break;
            r.rx.close();
            receivers.splice(index, 1);
            break;
          }
          case "closeSender":
            tx.close();
            model.senderOpen = false;
            break;
        }
        assertEquals(tx.receiverCount, model.senderOpen ? receivers.length : 0);
      }
      // Every receiver drains to the same end the model gives.
      tx.close();
      model.senderOpen = false;
      for (const r of receivers) {
        for (;;) {
          const expected = model.recv(r);
          assertEquals(actual(r.rx), expected);
          if (expected === "closed") break;
        }
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
