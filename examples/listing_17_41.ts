/**
 * Listing 17-41 of *The Rust Programming Language*: listing 17-40 with the
 * intervals produced by a thread (`std::thread::spawn` and `thread::sleep`)
 * instead of an async task. The async code does not change: it merges the
 * messages (with a timeout) and the throttled intervals, and takes 20 items.
 * Run it with `deno run examples/listing_17_41.ts` (no permission is needed).
 *
 * ```rust
 * fn get_intervals() -> impl Stream<Item = u32> {
 *     let (tx, rx) = trpl::channel();
 *     thread::spawn(move || {
 *         let mut count = 0;
 *         loop {
 *             thread::sleep(Duration::from_millis(1));
 *             count += 1;
 *             if let Err(send_error) = tx.send(count) {
 *                 eprintln!("Could not send interval {count}: {send_error}");
 *                 break;
 *             };
 *         }
 *     });
 *     ReceiverStream::new(rx)
 * }
 * ```
 *
 * @module
 */
import { channel, run, sleep, spawnTask, Stream } from "../mod.ts";
import { spawnThread } from "../worker_producer.ts";

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

function getIntervals(): Stream<number> {
  const [tx, rx] = channel<number>();
  // This is a thread (a Worker), not a task: `sleepSync` blocks it.
  spawnThread((tx, { sleepSync, SendError }) => {
    let count = 0;
    for (;;) {
      sleepSync(1);
      count += 1;
      try {
        tx.send(count);
      } catch (sendError) {
        // The receiver is gone: stop. Rust's thread prints this to stderr,
        // but its process has usually exited first; so does this run's.
        if (sendError instanceof SendError) break;
        throw sendError;
      }
    }
  }, tx);
  return Stream.from(rx);
}

/** The listing's `main`, printing through `output`. */
export async function main(output: Output = console): Promise<void> {
  const messages = getMessages(output).timeout(200);
  const intervals = getIntervals()
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
