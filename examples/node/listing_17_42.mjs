// Listing 17-42 for Node (and Bun, and Deno) from the npm package: a thread
// sends ten numbers a second apart; async code prints them as they come.
//
//   npm install @weft/weft
//   node listing_17_42.mjs
import { channel, run } from "@weft/weft";
import { spawnThread } from "@weft/weft/worker-producer";

const [tx, rx] = channel();

spawnThread((tx, { sleepSync }) => {
  for (let i = 1; i < 11; i++) {
    tx.send(i);
    sleepSync(1_000);
  }
}, tx);

await run(async () => {
  for await (const message of rx) {
    console.log(`${message}`);
  }
});
