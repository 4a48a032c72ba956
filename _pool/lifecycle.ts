/**
 * Internal: the end of a pool's workers. A worker with no job goes idle: it
 * does not hold the process open (`worker.ts`), and is terminated after
 * `idleTimeout` ms without a job; the timer that does it is read from
 * `globalThis` when armed (`idle_timer.ts`), so a fake clock drives it. A
 * released worker is terminated at once, and tracked until it has exited
 * (shutdown waits for it).
 *
 * @module
 */
import { IdleTimer } from "./idle_timer.ts";
import type { PoolSettings } from "./settings.ts";
import type { Slot } from "./slot.ts";
import type { PoolWorker } from "./worker.ts";

/** Why a job its worker had started behind a cancelled one failed when that worker was ended. */
const TERMINATED = new Error(
  "its worker was terminated to end the cancelled job before it, after it had started this one",
);

/** Takes back the jobs posted ahead to `slot`'s `worker`, which is ending. */
export type Recall = (slot: Slot, worker: PoolWorker, code: number, error: unknown) => void;

/** Idles and releases the workers of a pool's slots; see the module doc. */
export class WorkerReaper {
  /** The pool's slots. */
  readonly #slots: readonly Slot[];
  /** The pool's settings (`idleTimeout`: ms an idle worker lives). */
  readonly #settings: PoolSettings;
  /** What a released worker's posted jobs go through. */
  readonly #recall: Recall;
  /** Releases idle workers. */
  readonly #timer = new IdleTimer(() => this.#releaseIdle());
  /** Released workers that have not yet exited. */
  readonly #exiting = new Set<Promise<void>>();
  /** Set by shutdown. */
  #closed = false;

  /** Reaps the workers of `slots`. */
  constructor(slots: readonly Slot[], settings: PoolSettings, recall: Recall) {
    this.#slots = slots;
    this.#settings = settings;
    this.#recall = recall;
  }

  /** Workers alive. */
  get workers(): number {
    let n = 0;
    for (const slot of this.#slots) if (slot.worker !== null) n++;
    return n;
  }

  /** Shutdown: no more idle timer. */
  close(): void {
    this.#closed = true;
    this.#timer.disarm();
  }

  /** Stops the idle timer (no worker is left). */
  disarm(): void {
    this.#timer.disarm();
  }

  /** Resolves once every released worker has exited. */
  exited(): Promise<void> {
    return Promise.all(this.#exiting).then(() => {});
  }

  /** `slot` has no job: its worker, if any, goes idle. */
  idle(slot: Slot): void {
    slot.job = null;
    if (slot.worker === null) return;
    slot.worker.idle();
    slot.idleSince = Date.now();
    this.#arm(this.#settings.idleTimeout);
  }

  /** Terminates the slot's worker, if any (shutdown waits for it to exit). */
  release(slot: Slot): void {
    const worker = slot.worker;
    if (worker === null) return;
    slot.worker = null;
    this.#recall(slot, worker, 1, TERMINATED);
    const exit = worker.terminate();
    this.#exiting.add(exit);
    exit.then(() => this.#exiting.delete(exit));
  }

  /** Arms the idle timer to fire in `ms`, unless it is armed already. */
  #arm(ms: number): void {
    if (ms === Infinity || this.#closed) return;
    this.#timer.arm(ms);
  }

  /** Releases the workers idle for `idleTimeout`; re-arms for the next one due. */
  #releaseIdle(): void {
    this.#timer.fired();
    const timeout = this.#settings.idleTimeout;
    const now = Date.now();
    let next = Infinity;
    for (const slot of this.#slots) {
      if (slot.worker === null || slot.job !== null) continue;
      const left = slot.idleSince + timeout - now;
      if (left <= 0) this.release(slot);
      else next = Math.min(next, left);
    }
    if (next !== Infinity) this.#arm(next);
  }
}
