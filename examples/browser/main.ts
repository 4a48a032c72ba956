/**
 * The page of `examples/browser/index.html`: chapter 17.6's scenario in a
 * browser. Frames are encoded on threads (`spawnThread`, one Worker each;
 * the blocking pool runs on `node:worker_threads`, which a browser has not),
 * each thread sending its encoded frames into a weft channel, and a task on
 * the page reads the channel and moves a progress bar. The frames are
 * encoded on one thread, then on one thread per core; the summary gives the
 * speed-up.
 *
 * Served, bundled, by `examples/browser/serve.ts` (`deno task serve:example`)
 * with the headers shared memory needs. When the run ends, `<body>` gets
 * `data-state="done"` (or `"failed"`) and `globalThis.weftSummary` holds the
 * numbers, for `tests/browser/chromium.ts`.
 *
 * @module
 */
/// <reference lib="dom" />
import { channel, type Sender } from "../../channel.ts";
import { run, spawnTask } from "../../task.ts";
import { spawnThread, type ThreadSender } from "../../worker_producer.ts";
import { type EncodedFrame, encodeFrame, FRAMES, makeFrame, QUALITY, WIDTH } from "../encoder.ts";

/** What the page reports when the run ends. */
export interface Summary {
  /** Frames per run. */
  frames: number;
  /** Threads of the parallel run (`navigator.hardwareConcurrency`). */
  threads: number;
  /** Seconds on one thread. */
  single: number;
  /** Seconds on `threads` threads. */
  parallel: number;
  /** `single / parallel`. */
  speedUp: number;
  /** Progress shown at the end of each run, in percent. */
  progress: number[];
  /** Whether both runs encoded every frame to the same bytes. */
  sameOutput: boolean;
}

/**
 * A thread's work: encodes every `step`-th frame from `first` with the
 * encoder whose source it is given (a thread function cannot see the page's
 * modules), sending each frame as it is done.
 */
function encodeShare(
  tx: ThreadSender<EncodedFrame>,
  _thread: unknown,
  encoderSource: string,
  frames: Uint8Array[],
  first: number,
  step: number,
  width: number,
  quality: number,
): void {
  const encode = new Function(`return (${encoderSource});`)() as typeof encodeFrame;
  const ctx = { throwIfCancelled() {}, transfer() {} };
  for (let i = 0; i < frames.length; i++) {
    tx.send(encode(ctx, first + i * step, frames[i]!, width, quality));
  }
}

/** A progress bar on the page; returns the function that moves it. */
function progressBar(label: string): (done: number, total: number) => void {
  const row = document.createElement("div");
  row.className = "run";
  row.innerHTML = `<div class="label"></div><div class="bar"><div class="fill"></div></div>`;
  document.getElementById("runs")!.append(row);
  const text = row.querySelector<HTMLElement>(".label")!;
  const fill = row.querySelector<HTMLElement>(".fill")!;
  const started = performance.now();
  return (done, total) => {
    const percent = Math.round((done / total) * 100);
    const fps = done / Math.max(1e-3, (performance.now() - started) / 1000);
    text.textContent = `${label}: ${done}/${total} frames, ${percent}%, ${fps.toFixed(1)} fps`;
    fill.style.width = `${percent}%`;
    row.dataset.percent = String(percent);
  };
}

/** Encodes `frames` on `threads` threads; a task feeds the progress bar from the channel. */
function encodeOn(
  frames: Uint8Array[],
  threads: number,
): Promise<{ seconds: number; encoded: EncodedFrame[]; percent: number }> {
  return run(async () => {
    const draw = progressBar(`${threads} thread${threads === 1 ? "" : "s"}`);
    const [tx, rx] = channel<EncodedFrame>();
    const encoded: EncodedFrame[] = [];
    const ui = spawnTask(async () => {
      draw(0, frames.length);
      for await (const frame of rx) {
        encoded.push(frame);
        draw(encoded.length, frames.length);
      }
    });
    const started = performance.now();
    const source = encodeFrame.toString();
    const senders: Sender<EncodedFrame>[] = [tx];
    for (let k = 1; k < threads; k++) senders.push(tx.clone());
    const handles = senders.map((sender, k) => {
      const share = frames.filter((_, i) => i % threads === k);
      return spawnThread(encodeShare, sender, {
        args: [source, share, k, threads, WIDTH, QUALITY],
      });
    });
    await Promise.all(handles.map((handle) => handle.join()));
    await ui;
    const seconds = (performance.now() - started) / 1000;
    encoded.sort((a, b) => a.index - b.index);
    return { seconds, encoded, percent: Math.round((encoded.length / frames.length) * 100) };
  });
}

/** Runs both encodings and shows the summary. */
async function main(): Promise<Summary> {
  const summary = document.getElementById("summary")!;
  if (!crossOriginIsolated) {
    throw new Error(
      "Cannot share memory with the threads: the page is not cross-origin isolated (serve it with `deno task serve:example`)",
    );
  }
  const threads = Math.max(1, navigator.hardwareConcurrency || 1);
  const frames = Array.from({ length: FRAMES }, (_, i) => makeFrame(i));
  const single = await encodeOn(frames, 1);
  const parallel = await encodeOn(frames, threads);
  const checksums = (run: { encoded: EncodedFrame[] }) => run.encoded.map((f) => f.checksum).join();
  const result: Summary = {
    frames: FRAMES,
    threads,
    single: single.seconds,
    parallel: parallel.seconds,
    speedUp: single.seconds / parallel.seconds,
    progress: [single.percent, parallel.percent],
    sameOutput: checksums(single) === checksums(parallel),
  };
  summary.textContent = `${FRAMES} frames encoded, ${result.progress.join("% and ")}%\n` +
    `1 thread: ${single.seconds.toFixed(2)} s\n` +
    `${threads} threads: ${parallel.seconds.toFixed(2)} s, ` +
    `speed-up ${result.speedUp.toFixed(2)}x on ${threads} cores\n` +
    `both runs give the same output: ${result.sameOutput}`;
  return result;
}

main().then(
  (result) => {
    (globalThis as { weftSummary?: Summary }).weftSummary = result;
    document.body.dataset.state = "done";
  },
  (error: unknown) => {
    const summary = document.getElementById("summary")!;
    summary.className = "error";
    summary.textContent = String(error instanceof Error ? error.stack ?? error : error);
    document.body.dataset.state = "failed";
  },
);
