/**
 * Internal: {@linkcode source}, re-exported by `testing.ts`: a stream that
 * yields a marble's items at their frames, produced by a task that sends
 * into a channel.
 *
 * @module
 */
import { channel, type Sender, SendError } from "../channel.ts";
import { Stream } from "../stream.ts";
import { sleep, spawnTask } from "../task.ts";
import {
  checkFrame,
  type MarbleEvent,
  type MarbleOptions,
  parseMarble,
  toEvents,
} from "./marble.ts";

const DEFAULT_ERROR_MESSAGE = "marble source failed";

/**
 * Makes a stream that yields the items of `marble` at their frames, as a
 * producer task sending into a channel does (the shape of listing 17-40's
 * producers and of weft's conformance cases).
 *
 * - The clock starts when `source` is called: a letter at frame k is sent at
 *   k × `frame` ms from now, whether or not the stream is being read yet
 *   (items wait in the channel).
 * - `|` closes the channel: the stream ends once the items before it are read.
 *   `#` makes it fail with `options.error` at that frame. With neither, it
 *   never ends.
 * - When the consumer closes the stream, the producer's next send fails and
 *   the producer stops, leaving no timer behind.
 *
 * @typeParam T The items; without `values`, the letters themselves (strings).
 * @param marble The timeline, e.g. `"-a-b--|"`.
 * @param options `frame` (ms per character, default 1), `values`, `error`.
 * @returns The stream.
 * @throws {TypeError} If `marble` is not a valid marble or a letter has no value.
 * @throws {RangeError} If `frame` is not a finite number > 0.
 *
 * @example A timed source, read under the test clock
 * ```ts
 * import { source, TestClock } from "@weft/weft/testing";
 * import assert from "node:assert/strict";
 *
 * using clock = TestClock.install();
 * const seen: [number, number][] = [];
 * const done = source("-a--b|", { frame: 100, values: { a: 1, b: 2 } })
 *   .forEach((n) => seen.push([clock.elapsed, n]));
 * await clock.tick(1_000);
 * await done;
 * assert.deepStrictEqual(seen, [[100, 1], [400, 2]]);
 * ```
 */
export function source<T = string>(marble: string, options: MarbleOptions<T> = {}): Stream<T> {
  const frame = checkFrame(options.frame, "make the source");
  const parsed = parseMarble(marble, "make the source");
  const events = toEvents(parsed, frame, options, "make the source");
  const [tx, rx] = channel<T>();
  const start = Date.now();
  spawnTask(() => produce(tx, events, start));
  const stream = Stream.from(rx);
  if (!events.some((event) => event.kind === "error")) return stream;
  const error = "error" in options ? options.error : new Error(DEFAULT_ERROR_MESSAGE);
  return stream.chain(Stream.iter(failing<T>(error)));
}

async function produce<T>(tx: Sender<T>, events: MarbleEvent[], start: number): Promise<void> {
  for (const event of events) {
    await sleep(Math.max(0, start + event.at - Date.now()));
    if (event.kind !== "next") return tx.close();
    try {
      tx.send(event.value as T);
    } catch (error) {
      if (error instanceof SendError) return;
      throw error;
    }
  }
}

/** An iterable whose first `next()` throws `error`: `#` after the channel ends. */
function failing<T>(error: unknown): Iterable<T> {
  return {
    [Symbol.iterator]: (): Iterator<T> => ({
      next: (): IteratorResult<T> => {
        throw error;
      },
    }),
  };
}
