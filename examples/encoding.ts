/**
 * The case chapter 17.6 ends on: "video encoding" on threads, with async code
 * told through a channel as each piece is done. Generated frames are encoded
 * (an 8x8 DCT, quantisation, then run-length coding of the zeros, JPEG's
 * steps) on a {@linkcode BlockingPool}, while a task on the main thread draws
 * a live progress bar fed by a weft channel. The frames are encoded twice, on
 * one worker and then on every core, and the summary gives the speed-up
 * measured in the same run, and how many cores the process actually had.
 *
 * The coding is by hand rather than with the platform's `CompressionStream`:
 * in Deno 2.9, compression streams in several workers do not run in
 * parallel (measured: two workers deflate no faster than one, with web or
 * `node:worker_threads` workers alike), which would hide the pool's speed-up.
 *
 * Run it with `deno run examples/encoding.ts` (no permission is needed: the
 * encoder is an inline function); it exits by itself.
 *
 * @module
 */
import process from "node:process";
import { BlockingPool } from "../blocking.ts";
import { channel } from "../channel.ts";
import { run, spawnTask } from "../task.ts";
import {
  type EncodedFrame,
  encodeFrame,
  FRAMES,
  HEIGHT,
  makeFrame,
  QUALITY,
  WIDTH,
} from "./encoder.ts";

export { type EncodedFrame, encodeFrame, makeFrame };
/** What one encoding run measured. */
export interface RunReport {
  /** Workers used. */
  threads: number;
  /** Wall time, in seconds. */
  seconds: number;
  /** Cores this process had: its CPU time (every thread) over the wall time. */
  cores: number;
  /** The encoded frames, in order. */
  frames: EncodedFrame[];
}

/** Draws progress: called with the frames done so far, and once more at the end. */
export type Progress = (done: number, total: number, final: boolean) => void;

/**
 * Encodes `frames` on a pool of `threads` workers. Each job's handle sends
 * its frame into a channel as it finishes; a task on the main thread reads
 * the channel, keeps the frames and draws the progress.
 */
export function encodeAll(
  frames: Uint8Array[],
  threads: number,
  draw: Progress,
): Promise<RunReport> {
  return run(async () => {
    await using pool = new BlockingPool({ size: threads });
    const [tx, rx] = channel<EncodedFrame>();
    const encoded: EncodedFrame[] = [];
    const ui = spawnTask(async () => {
      draw(0, frames.length, false);
      for await (const frame of rx) {
        encoded.push(frame);
        draw(encoded.length, frames.length, encoded.length === frames.length);
      }
    });
    const [started, cpu] = [performance.now(), process.cpuUsage()];
    const jobs = frames.map((frame, index) =>
      pool.spawn({ fn: encodeFrame, transfer: [frame] }, index, frame, WIDTH, QUALITY)
        .then((result) => tx.send(result))
    );
    await Promise.all(jobs);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    tx.close();
    await ui;
    encoded.sort((a, b) => a.index - b.index);
    return { threads, seconds, cores: (used.user + used.system) / 1e6 / seconds, frames: encoded };
  });
}

/** A progress bar redrawn in place on a terminal; a line per quarter elsewhere. */
function progressBar(label: string, print: (text: string) => void, live: boolean): Progress {
  const started = performance.now();
  let shownQuarter = -1;
  return (done, total, final) => {
    const quarter = Math.floor((done / total) * 4);
    if (!live && !final && quarter === shownQuarter) return;
    shownQuarter = quarter;
    const filled = Math.round((done / total) * 30);
    const fps = done / Math.max(1e-3, (performance.now() - started) / 1000);
    const line = `${label} [${"#".repeat(filled)}${".".repeat(30 - filled)}] ` +
      `${String(done).padStart(String(total).length)}/${total} frames, ${fps.toFixed(1)} fps`;
    print(live ? `\r${line}${final ? "\n" : ""}` : `${line}\n`);
  };
}

/** Encodes the frames on one thread, then on every core, and prints a summary. */
export async function main(
  print: (text: string) => void = (text) => Deno.stdout.writeSync(new TextEncoder().encode(text)),
  live: boolean = Deno.stdout.isTerminal(),
): Promise<[RunReport, RunReport]> {
  const cores = navigator.hardwareConcurrency;
  print(`Encoding ${FRAMES} frames of ${WIDTH}x${HEIGHT} on a pool of worker threads\n`);
  const frames = Array.from({ length: FRAMES }, (_, i) => makeFrame(i));
  const reports: RunReport[] = [];
  for (const threads of [1, cores]) {
    // Each run moves its frames into the workers: it gets its own copies.
    const copies = frames.map((frame) => frame.slice());
    const label = `${threads} thread${threads === 1 ? " " : "s"}`;
    reports.push(await encodeAll(copies, threads, progressBar(label, print, live)));
  }
  const [single, parallel] = reports as [RunReport, RunReport];
  const checksums = (report: RunReport) => report.frames.map((frame) => frame.checksum).join();
  const out = parallel.frames.reduce((sum, frame) => sum + frame.data.byteLength, 0);
  const raw = FRAMES * WIDTH * HEIGHT;
  const fps = (report: RunReport) =>
    `${(FRAMES / report.seconds).toFixed(1)} fps, ${report.cores.toFixed(2)} cores busy`;
  print(
    `\n${FRAMES} frames: ${(raw / 1e6).toFixed(1)} MB in, ${(out / 1e6).toFixed(2)} MB out ` +
      `(${(raw / out).toFixed(1)}:1); both runs give the same output: ` +
      `${checksums(single) === checksums(parallel)}\n` +
      `1 thread:  ${single.seconds.toFixed(2)} s (${fps(single)})\n` +
      `${cores} threads: ${parallel.seconds.toFixed(2)} s (${fps(parallel)}), ` +
      `speed-up ${(single.seconds / parallel.seconds).toFixed(2)}x on ${cores} cores\n` +
      (parallel.cores < 0.9 * cores
        ? `(other processes held part of the cores: this one had ${
          parallel.cores.toFixed(2)
        } of ${cores})\n`
        : ""),
  );
  return [single, parallel];
}

if (import.meta.main) await main();
