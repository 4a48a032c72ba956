/**
 * Runs a channel scenario (`"scenario": "broadcast"` or `"watch"`, the format
 * `tools/tokio_ref/src/chans.rs` runs on real tokio) with weft's channels and
 * tasks, and returns the timeline: each actor's `<ms>\t<actor> <event>` lines
 * in order, senders first, then receivers.
 *
 * - Senders (`s0`, `s1`, ...) send their items at absolute times and log how
 *   many receivers each reached (`-> n`, or `-> err` when none was left);
 *   each is closed at `close_at` (never, when it is null or absent).
 * - Receivers (`r0`, ...) subscribe at `at` (a broadcast receiver through the
 *   first receiver's `resubscribe()`, a watch receiver as its `clone()`),
 *   then log each value (`lagged n` for a lag), wait `delay` after each (up
 *   to the next instant ending in 5), stop after `take` items (`done`) or at
 *   the end (`closed`).
 *
 * @module
 */
import { broadcast, Lagged, RecvError, watch } from "../../channel.ts";
import { Stream } from "../../stream.ts";
import { run, sleep, spawnTask } from "../../task.ts";
import type { Clock } from "./scenario.ts";

/** A sender's items and when it closes. */
export type ChanSender = { items: [number, string][]; close_at?: number | null };
/** A receiver: when it subscribes, how long it pauses, how many items it takes. */
export type ChanReceiver = {
  at: number;
  delay?: number;
  take?: number | null;
  /** Read through `Stream.from(rx)` (tokio-stream's wrappers) instead of `recv()`/`changed()`. */
  stream?: boolean;
};
/** A channel scenario. */
export type ChanScenario = {
  scenario: "broadcast" | "watch";
  capacity?: number;
  init?: string;
  end_ms?: number;
  senders: ChanSender[];
  receivers: ChanReceiver[];
};

/** Whether `scenario` is a channel scenario. */
export function isChanScenario(scenario: { scenario?: unknown }): boolean {
  return scenario.scenario === "broadcast" || scenario.scenario === "watch";
}

/** The first instant ending in 5 at or after `t`. */
export function ceil5(t: number): number {
  return t + (15 - (t % 10)) % 10;
}

/** What one run logs. */
class Log {
  readonly lines: [number, string][] = [];
  constructor(readonly clock: Clock) {}
  push(actor: number, event: string): void {
    this.lines.push([actor, `${this.clock.elapsed}\t${event}`]);
  }
  timeline(): string {
    // A stable sort: each actor's lines keep their order.
    const sorted = [...this.lines].sort((a, b) => a[0] - b[0]);
    return sorted.map(([, line]) => `${line}\n`).join("");
  }
}

/**
 * tokio's `sleep_until`: a time already reached is ready at once, without
 * yielding (an `await` of weft's `sleep(0)` would let other tasks run first).
 */
function sleepUntil(clock: Clock, t: number): Promise<void> | undefined {
  return t > clock.elapsed ? sleep(t - clock.elapsed) : undefined;
}

async function pause(clock: Clock, delay: number | undefined): Promise<void> {
  if (delay === undefined || delay <= 0) return;
  await sleep(ceil5(clock.elapsed + delay) - clock.elapsed);
}

function spawnSender(
  log: Log,
  j: number,
  spec: ChanSender,
  send: (text: string) => string,
  close: () => void,
): void {
  spawnTask(async () => {
    for (const [t, text] of spec.items) {
      const wait = sleepUntil(log.clock, t);
      if (wait !== undefined) await wait;
      log.push(j, `s${j} ${text} -> ${send(text)}`);
    }
    const closeAt = spec.close_at;
    if (closeAt === undefined || closeAt === null) return;
    const wait = sleepUntil(log.clock, closeAt);
    if (wait !== undefined) await wait;
    close();
  });
}

/** A receiver reading through a stream: one line per item, `closed` at its end. */
async function streamReceiver<T>(
  log: Log,
  actor: number,
  i: number,
  r: ChanReceiver,
  stream: Stream<T>,
  text: (item: T) => string,
): Promise<void> {
  let seen = 0;
  for (;;) {
    const item = await stream.next();
    if (item === undefined) return log.push(actor, `r${i} closed`);
    log.push(actor, `r${i} ${text(item)}`);
    if (++seen === r.take) {
      log.push(actor, `r${i} done`);
      return await stream.close();
    }
    await pause(log.clock, r.delay);
  }
}

function broadcastScenario(s: ChanScenario, log: Log): void {
  const [tx, base] = broadcast<string>(s.capacity!);
  for (const [j, spec] of s.senders.entries()) {
    const own = tx.clone();
    spawnSender(log, j, spec, (text) => {
      try {
        return String(own.send(text));
      } catch {
        return "err";
      }
    }, () => own.close());
  }
  tx.close();
  const first = s.senders.length;
  spawnTask(async () => {
    for (const [i, r] of s.receivers.entries()) {
      const wait = sleepUntil(log.clock, r.at);
      if (wait !== undefined) await wait;
      const rx = base.resubscribe();
      const actor = first + i;
      if (r.stream) {
        spawnTask(() =>
          streamReceiver(
            log,
            actor,
            i,
            r,
            Stream.from(rx),
            (item) => item.ok ? item.value : `lagged ${item.error.skipped}`,
          )
        );
        continue;
      }
      spawnTask(async () => {
        let seen = 0;
        for (;;) {
          try {
            const value = await rx.recv();
            if (value === undefined) return log.push(actor, `r${i} closed`);
            log.push(actor, `r${i} ${value}`);
          } catch (error) {
            if (!(error instanceof Lagged)) throw error;
            log.push(actor, `r${i} lagged ${error.skipped}`);
          }
          if (++seen === r.take) {
            log.push(actor, `r${i} done`);
            return rx.close();
          }
          await pause(log.clock, r.delay);
        }
      });
    }
    base.close();
  });
}

function watchScenario(s: ChanScenario, log: Log): void {
  const [tx, base] = watch<string>(s.init!);
  spawnSender(log, 0, s.senders[0]!, (text) => {
    try {
      tx.send(text);
      return "ok";
    } catch {
      return "err";
    }
  }, () => tx.close());
  spawnTask(async () => {
    for (const [i, r] of s.receivers.entries()) {
      const wait = sleepUntil(log.clock, r.at);
      if (wait !== undefined) await wait;
      const rx = base.clone();
      const actor = 1 + i;
      if (r.stream) {
        spawnTask(() => streamReceiver(log, actor, i, r, Stream.from(rx), (item) => item));
        continue;
      }
      spawnTask(async () => {
        let seen = 0;
        for (;;) {
          try {
            await rx.changed();
          } catch (error) {
            if (!(error instanceof RecvError)) throw error;
            return log.push(actor, `r${i} closed`);
          }
          log.push(actor, `r${i} ${rx.borrowAndUpdate()}`);
          if (++seen === r.take) {
            log.push(actor, `r${i} done`);
            return rx.close();
          }
          await pause(log.clock, r.delay);
        }
      });
    }
    base.close();
  });
}

/** Runs `scenario` under `clock` (installed, at virtual 0) and returns its timeline. */
export async function runChanScenario(scenario: ChanScenario, clock: Clock): Promise<string> {
  const endMs = scenario.end_ms ?? 120_000;
  const log = new Log(clock);
  const done = run(async () => {
    if (scenario.scenario === "broadcast") broadcastScenario(scenario, log);
    else watchScenario(scenario, log);
    await sleep(endMs);
  });
  await clock.tick(endMs);
  await done;
  return log.timeline();
}
