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
import { type BlockingContext, BlockingPool } from "../blocking.ts";
import { channel } from "../channel.ts";
import { run, spawnTask } from "../task.ts";

/** Frame size and count: about two seconds of work for one idle core. */
const WIDTH = 640;
const HEIGHT = 384;
const FRAMES = 32;
const QUALITY = 50;

/** What a worker sends back for one frame. */
export interface EncodedFrame {
  /** The frame's index. */
  index: number;
  /** The quantised coefficients, run-length coded. */
  data: Uint8Array;
  /** FNV-1a of the quantised coefficients, to compare runs. */
  checksum: number;
}

/** A grey frame: moving waves, a moving disc and some grain. */
export function makeFrame(index: number, width = WIDTH, height = HEIGHT): Uint8Array {
  const pixels = new Uint8Array(width * height);
  const across = Float64Array.from({ length: width }, (_, x) => Math.sin((x + index * 4) / 23));
  const down = Float64Array.from({ length: height }, (_, y) => 60 * Math.cos((y - index * 3) / 17));
  const [cx, cy] = [(index * 9) % width, height / 2 + Math.sin(index / 5) * height / 4];
  let seed = (index + 1) * 0x9e3779b1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const disc = (x - cx) ** 2 + (y - cy) ** 2 < 1600 ? 50 : 0;
      pixels[y * width + x] = 120 + across[x]! * down[y]! + disc + (seed & 7);
    }
  }
  return pixels;
}

/**
 * The encoder, run on a worker: self-contained (it is sent as source), so
 * its tables live inside it. It checks for cancellation after each row of
 * blocks and moves its output back instead of copying it.
 */
export function encodeFrame(
  ctx: BlockingContext,
  index: number,
  pixels: Uint8Array,
  width: number,
  quality: number,
): EncodedFrame {
  const LUMA = [
    16,
    11,
    10,
    16,
    24,
    40,
    51,
    61,
    12,
    12,
    14,
    19,
    26,
    58,
    60,
    55,
    14,
    13,
    16,
    24,
    40,
    57,
    69,
    56,
    14,
    17,
    22,
    29,
    51,
    87,
    80,
    62,
    18,
    22,
    37,
    56,
    68,
    109,
    103,
    77,
    24,
    35,
    55,
    64,
    81,
    104,
    113,
    92,
    49,
    64,
    78,
    87,
    103,
    121,
    120,
    101,
    72,
    92,
    95,
    98,
    112,
    100,
    103,
    99,
  ];
  const scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
  const steps = LUMA.map((q) => Math.max(1, Math.floor((q * scale + 50) / 100)));
  const cos = new Float64Array(64);
  for (let u = 0; u < 8; u++) {
    for (let x = 0; x < 8; x++) {
      cos[u * 8 + x] = Math.cos(((2 * x + 1) * u * Math.PI) / 16) * (u === 0 ? Math.SQRT1_2 : 1);
    }
  }
  const height = pixels.length / width;
  const out = new Int8Array(pixels.length);
  const block = new Float64Array(64);
  let n = 0;
  for (let by = 0; by < height; by += 8) {
    ctx.throwIfCancelled();
    for (let bx = 0; bx < width; bx += 8) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) block[y * 8 + x] = pixels[(by + y) * width + bx + x]! - 128;
      }
      // The naive 2-D DCT: 4096 multiply-adds per block, the CPU-bound part.
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          let sum = 0;
          for (let y = 0; y < 8; y++) {
            for (let x = 0; x < 8; x++) {
              sum += block[y * 8 + x]! * cos[u * 8 + x]! * cos[v * 8 + y]!;
            }
          }
          const q = Math.round(sum / 4 / steps[v * 8 + u]!);
          out[n++] = Math.max(-128, Math.min(127, q));
        }
      }
    }
  }
  // Entropy coding, JPEG's way in spirit: each non-zero coefficient as
  // (zeros before it, value), runs capped at 255.
  const coded = new Uint8Array(2 * n + 2);
  let [length, zeros, checksum] = [0, 0, 0x811c9dc5];
  for (let i = 0; i < n; i++) {
    const value = out[i]!;
    checksum = Math.imul(checksum ^ (value & 0xff), 0x01000193);
    if (value === 0 && zeros < 255) {
      zeros++;
      continue;
    }
    coded[length++] = zeros;
    coded[length++] = value & 0xff;
    zeros = 0;
  }
  coded[length++] = zeros;
  const data = coded.slice(0, length);
  ctx.transfer(data);
  return { index, data, checksum: checksum >>> 0 };
}

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
