/**
 * `deno task stress`: counts what was sent-and-accepted against what was
 * received, in real time and at volume, and fails on any difference.
 *
 * 1. Eight producer tasks x 250,000 values into one channel, read through
 *    `for await` over the receiver, through `Stream.forEach`, and through a
 *    bounded channel: zero lost, zero duplicated, zero reordered per producer.
 * 2. 10,000,000 numbers and 1,000,000 objects from a thread (`spawnThread`,
 *    inline function): every value, in order; `join()` returns the count.
 * 3. Receivers closed at random moments, in five ways, while threads send in
 *    bursts and `sleepSync`: every value received was sent, in order, with
 *    nothing missing before the stop; the thread stops promptly (`join()`
 *    settles within a bound even when it was asleep).
 *
 * After each check no weft timer and no thread may be left. One summary line
 * per check (counts, time); the exit code is 1 on any violation.
 *
 * ```sh
 * deno task stress            # full sizes
 * deno task stress --quick    # a tenth of the sizes, for CI (< 20 s)
 * deno task stress --seed 42  # replay the random choices of a run
 * ```
 *
 * @module
 */
import { channel, type Receiver, type SendError } from "../channel.ts";
import { Stream } from "../stream.ts";
import { sleep, spawnTask, yieldNow } from "../task.ts";
import { spawnThread } from "../worker_producer.ts";
import { liveThreads } from "../_thread/worker.ts";
import { pendingTimers } from "../_runtime/timer.ts";
import { Rng } from "./_rng.ts";

const quick = Deno.args.includes("--quick");
const seedAt = Deno.args.indexOf("--seed");
const seed = seedAt >= 0
  ? Number(Deno.args[seedAt + 1]) >>> 0
  : Math.floor(Math.random() * 2 ** 31);

/** Sizes of each check, full and quick. */
const SIZES = quick
  ? { producers: 8, perProducer: 25_000, numbers: 1_000_000, objects: 100_000, closeRounds: 40 }
  : {
    producers: 8,
    perProducer: 250_000,
    numbers: 10_000_000,
    objects: 1_000_000,
    closeRounds: 200,
  };

/** How long a thread may take to end once its receiver is closed. */
const PROMPT_MS = 1_000;

// Seeded, so a run can be replayed with --seed.
const rng = new Rng(seed);
const random = (): number => rng.next();

/** A whole number in [min, max]. */
function between(min: number, max: number): number {
  return rng.int(min, max);
}

let failures = 0;

/** Prints one check's summary; counts it as failed when `problems` is not empty. */
function report(name: string, started: number, counts: string, problems: string[]): void {
  const ms = (performance.now() - started).toFixed(0).padStart(6);
  const verdict = problems.length === 0 ? "ok  " : "FAIL";
  console.log(`${verdict} ${name.padEnd(52)} ${ms} ms  ${counts}`);
  for (const problem of problems) console.log(`       ${problem}`);
  if (problems.length > 0) failures++;
}

/** Problems if weft timers or threads are left behind. */
function leftBehind(): string[] {
  const problems: string[] = [];
  if (pendingTimers() !== 0) problems.push(`${pendingTimers()} weft timers left pending`);
  if (liveThreads() !== 0) problems.push(`${liveThreads()} threads left running`);
  return problems;
}

// -- 1. Many producers, one channel --

/** Per-producer bookkeeping of what was received against what was accepted. */
class Ledger {
  readonly #seen: Uint8Array[];
  readonly #highest: Int32Array;
  readonly #distinct: Int32Array;
  received = 0;
  duplicated = 0;
  reordered = 0;
  unknown = 0;

  constructor(readonly producers: number, readonly perProducer: number) {
    this.#seen = Array.from({ length: producers }, () => new Uint8Array(perProducer));
    this.#highest = new Int32Array(producers).fill(-1);
    this.#distinct = new Int32Array(producers);
  }

  /** Producer p's i-th value. */
  static value(p: number, i: number, producers: number): number {
    return i * producers + p;
  }

  record(value: number): void {
    this.received++;
    const p = value % this.producers;
    const i = (value - p) / this.producers;
    const seen = this.#seen[p];
    if (seen === undefined || !Number.isInteger(i) || i < 0 || i >= this.perProducer) {
      this.unknown++;
      return;
    }
    if (seen[i] === 1) {
      this.duplicated++;
      return;
    }
    seen[i] = 1;
    this.#distinct[p]!++;
    if (i < this.#highest[p]!) this.reordered++;
    else this.#highest[p] = i;
  }

  /** Problems, given how many sends each producer had accepted. */
  problems(accepted: number[]): string[] {
    const problems: string[] = [];
    const lost = accepted.reduce((sum, n, p) => sum + n - this.#distinct[p]!, 0);
    if (lost !== 0) problems.push(`${lost} accepted values lost`);
    if (this.duplicated !== 0) problems.push(`${this.duplicated} values duplicated`);
    if (this.reordered !== 0) problems.push(`${this.reordered} values out of order`);
    if (this.unknown !== 0) problems.push(`${this.unknown} values that were never sent`);
    return problems;
  }
}

type Consumer = "for await" | "Stream.forEach" | "bounded(64), for await";

async function manyProducers(consumer: Consumer): Promise<void> {
  const { producers, perProducer } = SIZES;
  const started = performance.now();
  const ledger = new Ledger(producers, perProducer);
  const bounded = consumer === "bounded(64), for await";
  const [tx, rx] = bounded ? channel<number>(64) : channel<number>();
  const tasks = Array.from({ length: producers }, (_, p) => {
    const sender = p === producers - 1 ? tx : tx.clone();
    // Bursts of random length between yields, so producers interleave unevenly.
    const bursts = Array.from({ length: 64 }, () => between(1, 2_000));
    return spawnTask(async () => {
      let accepted = 0;
      let burst = 0;
      for (let i = 0; i < perProducer; i++) {
        const value = Ledger.value(p, i, producers);
        if (bounded) await sender.send(value);
        else void sender.send(value);
        accepted++;
        if (++burst >= bursts[i % bursts.length]!) {
          burst = 0;
          await yieldNow();
        }
      }
      sender.close();
      return accepted;
    });
  });
  if (consumer === "Stream.forEach") {
    await Stream.from(rx).forEach((value) => ledger.record(value));
  } else {
    for await (const value of rx) ledger.record(value);
  }
  const accepted = await Promise.all(tasks);
  const total = accepted.reduce((a, b) => a + b, 0);
  report(
    `${producers} producers x ${perProducer.toLocaleString("en")}, ${consumer}`,
    started,
    `accepted ${total.toLocaleString("en")}, received ${ledger.received.toLocaleString("en")}`,
    [...ledger.problems(accepted), ...leftBehind()],
  );
}

// -- 2. Volume from a thread --

async function numbersFromThread(): Promise<void> {
  const n = SIZES.numbers;
  const started = performance.now();
  const [tx, rx] = channel<number>();
  const thread = spawnThread(
    (tx, _thread, n: number) => {
      for (let i = 0; i < n; i++) tx.send(i);
      return n;
    },
    tx,
    { args: [n] },
  );
  let expected = 0;
  let wrong = 0;
  for await (const value of rx) {
    if (value !== expected) wrong++;
    expected++;
  }
  const sent = await thread.join();
  const problems: string[] = [];
  if (expected !== sent) problems.push(`received ${expected}, the thread sent ${sent}`);
  if (wrong !== 0) {
    problems.push(`${wrong} values not where expected (lost, duplicated or reordered)`);
  }
  report(
    `${n.toLocaleString("en")} numbers from a thread, for await`,
    started,
    `sent ${sent.toLocaleString("en")}, received ${expected.toLocaleString("en")}`,
    [...problems, ...leftBehind()],
  );
}

interface Item {
  i: number;
  label: string;
  tags: string[];
  nested: { even: boolean; square: number };
}

async function objectsFromThread(): Promise<void> {
  const n = SIZES.objects;
  const started = performance.now();
  const [tx, rx] = channel<Item>();
  const thread = spawnThread(
    (tx, _thread, n: number) => {
      for (let i = 0; i < n; i++) {
        tx.send({
          i,
          label: `item-${i}`,
          tags: i % 3 === 0 ? ["three"] : [],
          nested: { even: i % 2 === 0, square: i * i },
        });
      }
      return n;
    },
    tx,
    { args: [n] },
  );
  let expected = 0;
  let wrong = 0;
  await Stream.from(rx).forEach((item) => {
    const ok = item.i === expected && item.label === `item-${expected}` &&
      item.tags.length === (expected % 3 === 0 ? 1 : 0) &&
      item.nested.even === (expected % 2 === 0) && item.nested.square === expected * expected;
    if (!ok) wrong++;
    expected++;
  });
  const sent = await thread.join();
  const problems: string[] = [];
  if (expected !== sent) problems.push(`received ${expected}, the thread sent ${sent}`);
  if (wrong !== 0) problems.push(`${wrong} objects not as sent or not in order`);
  report(
    `${n.toLocaleString("en")} objects from a thread, Stream.forEach`,
    started,
    `sent ${sent.toLocaleString("en")}, received ${expected.toLocaleString("en")}`,
    [...problems, ...leftBehind()],
  );
}

// -- 3. Receivers closed at random moments --

/** The ways the main side stops reading. */
const STOPS = [
  "close(), then read the rest",
  "drop (dispose) after a while",
  "break after k values",
  "Stream take(k)",
  "Stream timeout + abort after a while",
] as const;
type StopWay = typeof STOPS[number];

/** One thread's round: what it accepted, what was received, how long it took to end. */
interface Round {
  way: StopWay;
  accepted: number;
  received: number[];
  endMs: number;
}

/** What a bursty thread sends: its i-th value as a number (the ring) or an object (messages). */
type Sent = number | { i: number };

function indexOf(value: Sent): number {
  return typeof value === "number" ? value : value.i;
}

/**
 * A thread that sends 0, 1, 2, ... (as numbers or as `{ i }` objects) in
 * bursts, sleeping between bursts, until a send is refused; it returns how
 * many sends were accepted.
 */
function burstyThread(
  tx: { send(value: Sent): void },
  thread: { sleepSync(ms: number): void; SendError: typeof SendError },
  burst: number,
  pause: number,
  objects: boolean,
): number {
  let i = 0;
  for (;;) {
    for (let b = 0; b < burst; b++) {
      try {
        tx.send(objects ? { i } : i);
      } catch (error) {
        if (error instanceof thread.SendError) return i;
        throw error;
      }
      i++;
    }
    thread.sleepSync(pause);
  }
}

async function readUntilStopped(
  rx: Receiver<Sent>,
  way: StopWay,
  burst: number,
): Promise<number[]> {
  const received: number[] = [];
  const after = between(0, 60);
  // Within the first few bursts, so a round lasts a few pauses at most.
  const k = between(0, burst * 4);
  switch (way) {
    case "close(), then read the rest": {
      void sleep(after).then(() => rx.close());
      for await (const value of rx) received.push(indexOf(value));
      return received;
    }
    case "drop (dispose) after a while": {
      void sleep(after).then(() => rx[Symbol.dispose]());
      for await (const value of rx) received.push(indexOf(value));
      return received;
    }
    case "break after k values":
      for await (const value of rx) {
        if (received.length >= k) break;
        received.push(indexOf(value));
      }
      return received;
    case "Stream take(k)":
      return await Stream.from(rx).take(k).map(indexOf).toArray();
    case "Stream timeout + abort after a while": {
      const controller = new AbortController();
      void sleep(after).then(() => controller.abort("stop"));
      await Stream.from(rx).timeout(5).forEach(
        (r) => void (r.ok && received.push(indexOf(r.value))),
        {
          signal: controller.signal,
        },
      ).catch((reason) => {
        if (reason !== "stop") throw reason;
      });
      return received;
    }
  }
}

async function oneRound(way: StopWay): Promise<Round> {
  const [tx, rx] = channel<Sent>();
  const burst = between(1, 3_000);
  const pause = random() < 0.3 ? between(100, 400) : between(0, 20);
  const objects = random() < 0.3;
  const thread = spawnThread(burstyThread, tx, { args: [burst, pause, objects] });
  const received = await readUntilStopped(rx, way, burst);
  const stoppedAt = performance.now();
  const accepted = await thread.join();
  return { way, accepted, received, endMs: performance.now() - stoppedAt };
}

/** Problems of one round: a received value that is not the next one sent, or a slow end. */
function roundProblems(round: Round): string[] {
  const problems: string[] = [];
  const { way, accepted, received, endMs } = round;
  const wrong = received.findIndex((value, i) => value !== i);
  if (wrong >= 0) problems.push(`${way}: value #${wrong} is ${received[wrong]}, expected ${wrong}`);
  if (received.length > accepted) {
    problems.push(`${way}: received ${received.length}, more than the ${accepted} accepted`);
  }
  // close() then reading the rest gets every value the thread accepted, those
  // still crossing when it closed included. The other ways drop the receiver.
  if (way === "close(), then read the rest" && received.length !== accepted) {
    problems.push(`${way}: received ${received.length} of the ${accepted} accepted`);
  }
  if (endMs > PROMPT_MS) problems.push(`${way}: the thread took ${endMs.toFixed(0)} ms to end`);
  return problems;
}

/** The rounds of one way of stopping, added up. */
interface Tally {
  rounds: number;
  accepted: number;
  received: number;
  slowest: number;
  problems: string[];
  ms: number;
}

async function closedAtRandom(): Promise<void> {
  const tallies = new Map<StopWay, Tally>(
    STOPS.map((
      way,
    ) => [way, { rounds: 0, accepted: 0, received: 0, slowest: 0, problems: [], ms: 0 }]),
  );
  // Two threads at a time (one per core), each way of stopping in turn.
  for (let r = 0; r < SIZES.closeRounds; r += 2) {
    const ways = [STOPS[r % STOPS.length]!, STOPS[(r + 1) % STOPS.length]!];
    const started = performance.now();
    const pair = await Promise.all(ways.map((way) => oneRound(way)));
    const ms = (performance.now() - started) / 2;
    for (const round of pair) {
      const tally = tallies.get(round.way)!;
      tally.rounds++;
      tally.accepted += round.accepted;
      tally.received += round.received.length;
      tally.slowest = Math.max(tally.slowest, round.endMs);
      tally.problems.push(...roundProblems(round));
      tally.ms += ms;
    }
  }
  for (const [way, tally] of tallies) {
    report(
      `random stop, ${way}`,
      performance.now() - tally.ms,
      `${tally.rounds} threads, accepted ${tally.accepted.toLocaleString("en")}, ` +
        `received ${tally.received.toLocaleString("en")}, ` +
        `slowest end after the stop ${tally.slowest.toFixed(0)} ms`,
      tally.problems.slice(0, 5).concat(
        tally.problems.length > 5 ? [`... and ${tally.problems.length - 5} more`] : [],
      ),
    );
  }
  report("after the random stops", performance.now(), "no thread or timer left", leftBehind());
}

// -- Main --

console.log(`stress${quick ? " --quick" : ""}: seed ${seed} (replay: --seed ${seed})`);
const started = performance.now();
for (const consumer of ["for await", "Stream.forEach", "bounded(64), for await"] as const) {
  await manyProducers(consumer);
}
await numbersFromThread();
await objectsFromThread();
await closedAtRandom();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  failures === 0
    ? `stress: all checks passed in ${seconds} s`
    : `stress: ${failures} checks FAILED`,
);
Deno.exit(failures === 0 ? 0 : 1);
