/**
 * Row 1: an unbounded channel; the producer sends 0..N-1, closes, then the
 * consumer drains it. Every consumer checks that it received exactly
 * 0, 1, ..., N-1 in order; the check value is the count (or -1 on a mismatch).
 *
 * @module
 */
import { pushable } from "npm:it-pushable@3.2.4";
import { type Cause, Effect as Effect4, Queue, Stream as Stream4 } from "npm:effect@4.1.0";
import { Subject } from "npm:rxjs@7.8.2";
import { Chan } from "npm:ts-chan@0.6.0";
import { Repeater, type RepeaterBuffer } from "npm:@repeaterjs/repeater@3.1.0";
import { channel } from "../channel.ts";
import { Stream } from "../stream.ts";
import { MiniQueue } from "./_baselines.ts";
import {
  type Contender,
  drainInOrder as drain,
  observableToAsyncIterable,
  timed,
} from "./_harness.ts";

/** A fixed-capacity RepeaterBuffer read by index: O(1) add and remove. */
class IndexBuffer<T> implements RepeaterBuffer<T> {
  readonly #items: T[] = [];
  #head = 0;
  readonly #capacity: number;
  constructor(capacity: number) {
    this.#capacity = capacity;
  }
  get empty(): boolean {
    return this.#head === this.#items.length;
  }
  get full(): boolean {
    return this.#items.length - this.#head >= this.#capacity;
  }
  add(value: T): void {
    if (this.full) throw new Error("Buffer full");
    this.#items.push(value);
  }
  remove(): T {
    if (this.empty) throw new Error("Buffer empty");
    return this.#items[this.#head++]!;
  }
}

/** The contenders of row 1 for `n` items. */
export function channelContenders(n: number): Contender[] {
  return [
    timed("hand-written minimal queue", "baseline", n, n, () => {
      const queue = new MiniQueue<number>();
      for (let i = 0; i < n; i++) queue.push(i);
      queue.close();
      return drain(queue);
    }, { reference: "~53" }),
    timed("async generator", "baseline", n, n, () => {
      const buffer: number[] = [];
      for (let i = 0; i < n; i++) buffer.push(i);
      return drain((async function* () {
        for (let i = 0; i < buffer.length; i++) yield buffer[i]!;
      })());
    }, { reference: "~110" }),
    timed("it-pushable 3", "peer", n, n, () => {
      const queue = pushable<number>({ objectMode: true });
      for (let i = 0; i < n; i++) queue.push(i);
      queue.end();
      return drain(queue);
    }, { reference: "~180" }),
    timed("Effect 4 Queue, as async iterable", "peer", n, n, () => {
      const queue = Effect4.runSync(Queue.unbounded<number, Cause.Done>());
      for (let i = 0; i < n; i++) Queue.offerUnsafe(queue, i);
      Queue.endUnsafe(queue);
      return drain(Stream4.toAsyncIterable(Stream4.fromQueue(queue)));
    }, { reference: "~100" }),
    timed("Effect 4 Queue, chunked Stream.runForEachArray", "peer", n, n, async () => {
      const queue = Effect4.runSync(Queue.unbounded<number, Cause.Done>());
      for (let i = 0; i < n; i++) Queue.offerUnsafe(queue, i);
      Queue.endUnsafe(queue);
      let expected = 0;
      let bad = 0;
      await Effect4.runPromise(
        Stream4.runForEachArray(Stream4.fromQueue(queue), (chunk) =>
          Effect4.sync(() => {
            for (let i = 0; i < chunk.length; i++) {
              if (chunk[i] !== expected) bad++;
              expected++;
            }
          })),
      );
      return bad === 0 ? expected : -1;
    }, { reference: "~25" }),
    timed("RxJS 7 Subject, hand-written adapter", "peer", n, n, () => {
      const subject = new Subject<number>();
      const iterable = observableToAsyncIterable<number>(subject);
      for (let i = 0; i < n; i++) subject.next(i);
      subject.complete();
      return drain(iterable);
    }, { reference: "~200+" }),
    timed("ts-chan 0.6 (capacity N, trySend)", "peer", n, n, () => {
      const chan = new Chan<number>(n);
      for (let i = 0; i < n; i++) {
        if (!chan.trySend(i)) throw new Error("ts-chan refused a send");
      }
      chan.close();
      return drain(chan);
    }, { reference: "~1,800" }),
    // Repeater's own FixedBuffer(N) dequeues with Array#shift, O(N) per item on a
    // large array: 50,000 items took 4.4 s, 200,000 took 42 s. Its buffer is an
    // open interface, so it gets an O(1) one here: Repeater's own cost is measured.
    timed("@repeaterjs/repeater 3 (O(1) buffer of N)", "peer", n, n, () => {
      const repeater = new Repeater<number>((push, stop) => {
        for (let i = 0; i < n; i++) push(i);
        stop();
      }, new IndexBuffer<number>(n));
      return drain(repeater);
    }),
    timed("weft: for await over a Receiver", "weft", n, n, () => {
      const [tx, rx] = channel<number>();
      for (let i = 0; i < n; i++) tx.send(i);
      tx.close();
      return drain(rx);
    }),
    timed("weft: Stream.from(rx).forEach", "weft", n, n, async () => {
      const [tx, rx] = channel<number>();
      for (let i = 0; i < n; i++) tx.send(i);
      tx.close();
      let expected = 0;
      let bad = 0;
      await Stream.from(rx).forEach((x) => {
        if (x !== expected) bad++;
        expected++;
      });
      return bad === 0 ? expected : -1;
    }),
  ];
}
