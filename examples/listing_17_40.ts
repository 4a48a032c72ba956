/**
 * Listing 17-40 of *The Rust Programming Language*: merging a stream of
 * messages (with a timeout) and a throttled stream of intervals, taking 20
 * items. Run it with `deno run examples/listing_17_40.ts`.
 *
 * @module
 */
import { channel, run, sleep, spawnTask, Stream } from "../mod.ts";

/** Where the listing prints: stdout for items, stderr for problems. */
export interface Output {
  /** `println!`. */
  log(line: string): void;
  /** `eprintln!`. */
  error(line: string): void;
}

function getMessages(output: Output): Stream<string> {
  const [tx, rx] = channel<string>();
  spawnTask(async () => {
    const messages = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for (const [index, message] of messages.entries()) {
      const timeToSleep = index % 2 === 0 ? 100 : 300;
      await sleep(timeToSleep);
      try {
        tx.send(`Message: '${message}'`);
      } catch (sendError) {
        output.error(`Cannot send message '${message}': ${sendError}`);
        break;
      }
    }
  });
  return Stream.from(rx);
}

function getIntervals(output: Output): Stream<number> {
  const [tx, rx] = channel<number>();
  spawnTask(async () => {
    let count = 0;
    for (;;) {
      await sleep(1);
      count += 1;
      try {
        tx.send(count);
      } catch (sendError) {
        output.error(`Could not send interval ${count}: ${sendError}`);
        break;
      }
    }
  });
  return Stream.from(rx);
}

/** The listing's `main`, printing through `output`. */
export async function main(output: Output = console): Promise<void> {
  const messages = getMessages(output).timeout(200);
  const intervals = getIntervals(output)
    .map((count) => `Interval #${count}`)
    .throttle(500)
    .timeout(10_000);
  const merged = messages.merge(intervals).take(20);

  for await (const result of merged) {
    if (result.ok) output.log(result.value);
    else output.error(`Problem: ${result.error}`);
  }
}

if (import.meta.main) await run(() => main());
