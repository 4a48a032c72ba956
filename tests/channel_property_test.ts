/**
 * Model-based tests: random operation sequences on a channel, checked step by
 * step against a plain-array model. What they prove: every value whose send
 * returned normally is received exactly once, in send order, unless the
 * receiver was closed (or dropped) first; every refused value comes back in
 * `SendError.value`; nothing hangs that should settle.
 *
 * @module
 */
import fc from "fast-check";
import { type BoundedSender, channel, type Receiver, type Sender, SendError } from "../channel.ts";
import { Queue } from "../_channel/queue.ts";
import { assert, assertEquals } from "./_assert.ts";
import { drain, watch, type Watched } from "./_helpers.ts";

// A fixed seed unless WEFT_SEED / WEFT_RUNS say otherwise (`deno task fuzz`).
const SEED = envInteger("WEFT_SEED") ?? 42;
const RUNS = envInteger("WEFT_RUNS") ?? 200;

/** An integer from the environment, read only when env access was granted. */
function envInteger(name: string): number | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: name });
  if (state !== "granted") return undefined;
  const text = Deno.env.get(name);
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Cannot read ${name}: expected an integer, got ${text}`);
  }
  return value;
}

/** One step of a scenario; `pick` chooses among senders or waiting sends. */
type Op =
  | { kind: "send"; pick: number }
  | { kind: "trySend"; pick: number }
  | { kind: "clone"; pick: number }
  | { kind: "closeSender"; pick: number }
  | { kind: "abortSend"; pick: number }
  | { kind: "recv" }
  | { kind: "tryRecv" }
  | { kind: "closeReceiver" }
  | { kind: "disposeReceiver" };

const pick = fc.nat({ max: 7 });

/** Operations, weighted so that sends and receives dominate. */
function ops(bounded: boolean): fc.Arbitrary<Op[]> {
  const op: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: pick.map((p) => ({ kind: "send", pick: p }) as const), weight: 8 },
    { arbitrary: pick.map((p) => ({ kind: "clone", pick: p }) as const), weight: 2 },
    { arbitrary: pick.map((p) => ({ kind: "closeSender", pick: p }) as const), weight: 2 },
    { arbitrary: fc.constant({ kind: "recv" } as const), weight: 5 },
    { arbitrary: fc.constant({ kind: "tryRecv" } as const), weight: 3 },
    { arbitrary: fc.constant({ kind: "closeReceiver" } as const), weight: 1 },
    { arbitrary: fc.constant({ kind: "disposeReceiver" } as const), weight: 1 },
    ...(bounded
      ? [
        { arbitrary: pick.map((p) => ({ kind: "trySend", pick: p }) as const), weight: 3 },
        { arbitrary: pick.map((p) => ({ kind: "abortSend", pick: p }) as const), weight: 2 },
      ]
      : []),
  );
  return fc.array(op, { maxLength: 60, size: "max" });
}

/** What a send should have come to, per the model. */
type Expected = { status: "pending" } | { status: "fulfilled" } | {
  status: "rejected";
  reason: unknown;
};

/** A bounded send under watch, with what the model expects of it. */
interface SendRecord {
  readonly value: number;
  readonly watched: Watched<void>;
  readonly controller: AbortController;
  expected: Expected;
}

type AnySender = Sender<number> | BoundedSender<number>;

/** The model and the real channel, stepped together. */
class Scenario {
  readonly capacity: number;
  readonly bounded: boolean;
  readonly rx: Receiver<number>;
  readonly senders: { handle: AnySender; live: boolean }[];
  /** Values accepted into the channel, not yet received. */
  readonly buffer: number[] = [];
  /** Bounded sends waiting for room, in order. */
  waiting: SendRecord[] = [];
  /** Every bounded send made, to check its promise after each step. */
  readonly sends: SendRecord[] = [];
  /** A recv() the model expects to be waiting. */
  pendingRecv: Watched<number | undefined> | null = null;
  /** What the pending recv() should resolve with, once the model says it settled. */
  pendingRecvExpected: { value: number | undefined } | null = null;
  receiverClosed = false;
  /** Values in the order their sends were taken or queued. */
  readonly accepted: number[] = [];
  /** Queued values withdrawn (abort, receiver closed) or dropped with the receiver. */
  readonly discarded: number[] = [];
  /** Values received, in order. */
  readonly received: number[] = [];
  #next = 0;

  constructor(capacity: number | undefined) {
    this.bounded = capacity !== undefined;
    this.capacity = capacity ?? Infinity;
    const [tx, rx] = capacity === undefined ? channel<number>() : channel<number>(capacity);
    this.rx = rx;
    this.senders = [{ handle: tx, live: true }];
  }

  get ended(): boolean {
    return this.receiverClosed || this.senders.every((s) => !s.live);
  }

  sender(p: number): { handle: AnySender; live: boolean } {
    return this.senders[p % this.senders.length]!;
  }

  async step(op: Op): Promise<void> {
    switch (op.kind) {
      case "send":
        return this.bounded ? this.#boundedSend(op.pick) : this.#send(op.pick);
      case "trySend":
        return this.#trySend(op.pick);
      case "clone":
        return this.#clone(op.pick);
      case "closeSender":
        return this.#closeSender(op.pick);
      case "abortSend":
        return this.#abortSend(op.pick);
      case "recv":
        return await this.#recv();
      case "tryRecv":
        return this.#tryRecv();
      case "closeReceiver":
        return this.#closeReceiver(false);
      case "disposeReceiver":
        return this.#closeReceiver(true);
    }
  }

  /** Checks every watched promise against the model, after the step settled. */
  async check(): Promise<void> {
    await drain();
    for (const send of this.sends) {
      const { status } = send.watched;
      assertEquals(status, send.expected.status, `send of ${send.value}`);
      if (send.expected.status === "rejected") {
        assertEquals(send.watched.reason, send.expected.reason, `send of ${send.value}`);
      }
    }
    if (this.pendingRecv === null) return;
    if (this.pendingRecvExpected === null) {
      assertEquals(this.pendingRecv.status, "pending", "a recv() should still wait");
      return;
    }
    assertEquals(this.pendingRecv.status, "fulfilled");
    assertEquals(this.pendingRecv.value, this.pendingRecvExpected.value);
    this.#received(this.pendingRecvExpected.value);
    this.pendingRecv = null;
    this.pendingRecvExpected = null;
  }

  /** Closes every sender and receives the rest; the whole history must add up. */
  async finish(): Promise<void> {
    for (const sender of this.senders) {
      sender.handle.close();
      sender.live = false;
    }
    if (this.pendingRecv !== null && this.pendingRecvExpected === null) {
      this.pendingRecvExpected = { value: undefined };
    }
    await this.check();
    const rest = await Array.fromAsync(this.rx);
    for (const value of rest) this.received.push(value);
    const expectedRest = [...this.buffer, ...this.waiting.map((s) => s.value)];
    assertEquals(rest, expectedRest);
    for (const send of this.waiting) send.expected = { status: "fulfilled" };
    this.waiting = [];
    await this.check();
    // Exactly once, in send order: what came in, minus what was withdrawn or dropped.
    const dropped = new Set(this.discarded);
    assertEquals(this.received, this.accepted.filter((v) => !dropped.has(v)));
    assertEquals(new Set(this.received).size, this.received.length);
  }

  #value(): number {
    return this.#next++;
  }

  #received(value: number | undefined): void {
    if (value !== undefined) this.received.push(value);
  }

  /** The model's side of a value entering the channel. */
  #accept(value: number): void {
    if (this.pendingRecv !== null && this.pendingRecvExpected === null) {
      this.pendingRecvExpected = { value };
      return;
    }
    this.buffer.push(value);
  }

  #refusal(sender: { live: boolean }): boolean {
    return !sender.live || this.receiverClosed;
  }

  #send(p: number): void {
    const sender = this.sender(p);
    const value = this.#value();
    let thrown: unknown = null;
    try {
      (sender.handle as Sender<number>).send(value);
    } catch (error) {
      thrown = error;
    }
    if (this.#refusal(sender)) {
      assert(thrown instanceof SendError, `send of ${value} should be refused`);
      assertEquals(thrown.value, value);
      return;
    }
    assertEquals(thrown, null);
    this.accepted.push(value);
    this.#accept(value);
  }

  #boundedSend(p: number): void {
    const sender = this.sender(p);
    const value = this.#value();
    const controller = new AbortController();
    const handle = sender.handle as BoundedSender<number>;
    const promise = handle.send(value, { signal: controller.signal });
    const record: SendRecord = {
      value,
      watched: watch(promise),
      controller,
      expected: { status: "fulfilled" },
    };
    this.sends.push(record);
    if (this.#refusal(sender)) {
      const message = sender.live
        ? "Cannot send: the receiver is closed"
        : "Cannot send: this sender is closed";
      record.expected = { status: "rejected", reason: new SendError(value, message) };
      return;
    }
    this.accepted.push(value);
    const rendezvous = this.pendingRecv !== null && this.pendingRecvExpected === null;
    if (rendezvous || (this.waiting.length === 0 && this.buffer.length < this.capacity)) {
      this.#accept(value);
      return;
    }
    record.expected = { status: "pending" };
    this.waiting.push(record);
  }

  #trySend(p: number): void {
    const sender = this.sender(p);
    const value = this.#value();
    let result: unknown;
    try {
      result = (sender.handle as BoundedSender<number>).trySend(value);
    } catch (error) {
      result = error;
    }
    if (this.#refusal(sender)) {
      assert(result instanceof SendError, `trySend of ${value} should throw`);
      assertEquals(result.value, value);
      return;
    }
    const rendezvous = this.pendingRecv !== null && this.pendingRecvExpected === null;
    const room = this.waiting.length === 0 && this.buffer.length < this.capacity;
    assertEquals(result, rendezvous || room, `trySend of ${value}`);
    if (result !== true) return;
    this.accepted.push(value);
    this.#accept(value);
  }

  #clone(p: number): void {
    const sender = this.sender(p);
    let clone: AnySender | undefined;
    let thrown: unknown = null;
    try {
      clone = sender.handle.clone();
    } catch (error) {
      thrown = error;
    }
    if (!sender.live) {
      assert(thrown instanceof TypeError);
      return;
    }
    assert(clone !== undefined);
    this.senders.push({ handle: clone, live: true });
  }

  #closeSender(p: number): void {
    const sender = this.sender(p);
    sender.handle.close();
    sender.live = false;
    if (this.ended && this.pendingRecv !== null && this.pendingRecvExpected === null) {
      this.pendingRecvExpected = { value: undefined };
    }
  }

  #abortSend(p: number): void {
    if (this.waiting.length === 0) return;
    const record = this.waiting[p % this.waiting.length]!;
    const reason = new Error(`abort ${record.value}`);
    record.controller.abort(reason);
    record.expected = { status: "rejected", reason };
    this.waiting = this.waiting.filter((s) => s !== record);
    this.discarded.push(record.value);
  }

  /** The next value the model would hand out now, or "wait". */
  #take(): { value: number | undefined } | "wait" {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift()!;
      this.#admit();
      return { value };
    }
    const first = this.waiting.shift();
    if (first !== undefined) {
      first.expected = { status: "fulfilled" };
      return { value: first.value };
    }
    return this.ended ? { value: undefined } : "wait";
  }

  /** Waiting sends move into the buffer while it has room. */
  #admit(): void {
    while (this.waiting.length > 0 && this.buffer.length < this.capacity) {
      const send = this.waiting.shift()!;
      send.expected = { status: "fulfilled" };
      this.buffer.push(send.value);
    }
  }

  async #recv(): Promise<void> {
    if (this.pendingRecv !== null) {
      // One consumer at a time: a second recv() is refused, not served.
      const second = watch(this.rx.recv());
      await drain();
      assertEquals(second.status, "rejected");
      assert(second.reason instanceof TypeError);
      return;
    }
    const taken = this.#take();
    const promise = this.rx.recv();
    if (taken === "wait") {
      this.pendingRecv = watch(promise);
      return;
    }
    const value = await promise;
    assertEquals(value, taken.value);
    this.#received(value);
  }

  #tryRecv(): void {
    if (this.pendingRecv !== null) {
      assertEquals(this.rx.tryRecv(), undefined);
      return;
    }
    const taken = this.#take();
    const value = this.rx.tryRecv();
    assertEquals(value, taken === "wait" ? undefined : taken.value);
    this.#received(value);
  }

  #closeReceiver(discard: boolean): void {
    if (discard) this.rx[Symbol.dispose]();
    else this.rx.close();
    this.receiverClosed = true;
    for (const send of this.waiting) {
      const reason = new SendError(send.value, "Cannot send: the receiver is closed");
      send.expected = { status: "rejected", reason };
      this.discarded.push(send.value);
    }
    this.waiting = [];
    if (discard) this.discarded.push(...this.buffer.splice(0));
    if (this.pendingRecv !== null && this.pendingRecvExpected === null) {
      this.pendingRecvExpected = { value: undefined };
    }
  }
}

async function runScenario(capacity: number | undefined, steps: Op[]): Promise<void> {
  const scenario = new Scenario(capacity);
  for (const op of steps) {
    await scenario.step(op);
    await scenario.check();
  }
  await scenario.finish();
}

// -- Unbounded --

Deno.test("unbounded channel: random operations lose and duplicate nothing", async () => {
  await fc.assert(
    fc.asyncProperty(ops(false), (steps) => runScenario(undefined, steps)),
    { seed: SEED, numRuns: RUNS },
  );
});

// -- Bounded --

Deno.test("bounded channel: random operations with waiting sends lose and duplicate nothing", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 3 }),
      ops(true),
      (capacity, steps) => runScenario(capacity, steps),
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

// -- The buffer --

Deno.test("Queue behaves as an array through growth, segments and reuse", () => {
  type Step =
    | "shift"
    | "clear"
    | { push: number }
    | { pushAll: number; from: number }
    | { drain: number; stopAfter: number };
  const op: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: fc.constant("shift" as const), weight: 2 },
    { arbitrary: fc.constant("clear" as const), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 300 }).map((push) => ({ push })), weight: 3 },
    {
      arbitrary: fc.record({ pushAll: fc.integer({ min: 0, max: 300 }), from: fc.nat(5) }),
      weight: 2,
    },
    {
      arbitrary: fc.record({ drain: fc.integer({ min: 0, max: 400 }), stopAfter: fc.nat(400) }),
      weight: 2,
    },
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 50, size: "max" }), (steps) => {
      const queue = new Queue<number>();
      const model: number[] = [];
      let next = 0;
      for (const step of steps) {
        if (step === "clear") {
          queue.clear();
          model.length = 0;
        } else if (step === "shift") {
          if (model.length === 0) continue;
          assertEquals(queue.peek(), model[0]);
          assertEquals(queue.shift(), model.shift());
        } else if ("push" in step) {
          for (let i = 0; i < step.push; i++) {
            queue.push(next);
            model.push(next++);
          }
        } else if ("pushAll" in step) {
          const values = Array.from({ length: step.from + step.pushAll }, (_, i) => next + i);
          queue.pushAll(values, step.from, step.pushAll);
          model.push(...values.slice(step.from));
          next += values.length;
        } else {
          const seen: number[] = [];
          const result = queue.drainTo((x) => seen.push(x) <= step.stopAfter, step.drain);
          const expected = model.splice(0, Math.min(step.drain, model.length, step.stopAfter + 1));
          assertEquals(seen, expected);
          const stopped = expected.length === step.stopAfter + 1;
          assertEquals(result, stopped ? ~expected.length : expected.length);
        }
        assertEquals(queue.length, model.length);
      }
      const rest: number[] = [];
      while (queue.length > 0) rest.push(queue.shift());
      assertEquals(rest, model);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
