/**
 * Listing 17-42 of *The Rust Programming Language*: a thread sends 1 to 10,
 * sleeping a second after each, and async code prints each value as it
 * arrives. Run it with `deno run examples/listing_17_42.ts` (no permission is
 * needed); it prints `1`..`10` a second apart and exits by itself.
 *
 * ```rust
 * let (tx, mut rx) = trpl::channel();
 * thread::spawn(move || {
 *     for i in 1..11 {
 *         tx.send(i).unwrap();
 *         thread::sleep(Duration::from_secs(1));
 *     }
 * });
 * trpl::run(async {
 *     while let Some(message) = rx.recv().await {
 *         println!("{message}");
 *     }
 * });
 * ```
 *
 * @module
 */
import { channel, run } from "../mod.ts";
import { spawnThread } from "../worker_producer.ts";

/** The listing's `main`, printing each line through `print`. */
export async function main(print: (line: string) => void = console.log): Promise<void> {
  const [tx, rx] = channel<number>();

  spawnThread((tx, { sleepSync }) => {
    for (let i = 1; i < 11; i++) {
      tx.send(i);
      sleepSync(1_000);
    }
  }, tx);

  await run(async () => {
    for await (const message of rx) {
      print(`${message}`);
    }
  });
}

if (import.meta.main) await main();
