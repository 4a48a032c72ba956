/**
 * Internal: a worker's place in a pool: its deque, its worker (once
 * started), its running job, and how much of the deque its worker has
 * been sent ahead of time.
 *
 * The front of a busy worker's deque (up to {@linkcode PREFETCH} jobs) is
 * posted to it before its turn, so that a worker with tiny jobs never waits
 * for a round trip to the main thread. Such a job stays in the deque until
 * its turn: taking it out (a steal, a cancel) goes through its claim word,
 * and fails once the worker has started it. The posted jobs are always a
 * prefix of the deque, in the order the worker runs them.
 *
 * @module
 */
import { Deque } from "./deque.ts";
import { ENDED, type Job } from "./job.ts";
import type { PoolWorker } from "./worker.ts";

/** Jobs posted ahead of time to a worker, besides the one it runs. */
export const PREFETCH = 64;

/** One worker's place: see the module doc. */
export class Slot {
  /** Its index (the worker's `ctx.worker`). */
  readonly index: number;
  /** Jobs waiting for this worker; others steal from the back. */
  readonly deque: Deque<Job> = new Deque<Job>();
  /** The worker, or null before it starts or after it is released. */
  worker: PoolWorker | null = null;
  /** The running job, or null when idle. */
  job: Job | null = null;
  /** When it went idle (Date.now()). */
  idleSince = 0;
  /** How many jobs at the front of the deque are posted to the worker already. */
  posted = 0;

  /** Makes the slot of index `index`, with no worker. */
  constructor(index: number) {
    this.index = index;
  }

  /** Queues `job` at the back; it is posted ahead at once if all before it are. */
  push(job: Job): void {
    this.deque.push(job);
    if (this.posted === this.deque.length - 1) this.prefetch();
  }

  /**
   * Posts the front of the deque to the busy worker, up to PREFETCH jobs. A
   * job that moves something is not posted ahead (nor those behind it): its
   * transfer would detach it now.
   */
  prefetch(): void {
    const worker = this.worker;
    if (worker === null || this.job === null) return;
    const deque = this.deque;
    while (this.posted < deque.length && this.posted < PREFETCH && worker.hasRoom) {
      const job = deque.at(this.posted)!;
      if (job.transfer.length > 0) return;
      worker.prefetch(job);
      this.posted++;
    }
  }

  /**
   * Takes the front of the deque. When `posted` was above 0 before, the
   * worker has that job already (it runs it now, or has run it).
   */
  shift(): Job | undefined {
    const job = this.deque.shift();
    if (job !== undefined && this.posted > 0) this.posted--;
    return job;
  }

  /** Takes `job` out of the deque; false if the worker has started it (it stays). */
  remove(job: Job): boolean {
    if (job.claim >= 0) {
      if (!this.worker!.revoke(job)) return false;
      this.posted--;
    }
    this.deque.remove(job);
    return true;
  }

  /**
   * Takes the back of the deque for another worker; null if this worker has
   * started it (then it has started every job of the deque) or the deque is
   * empty.
   */
  steal(): Job | null {
    const deque = this.deque;
    const job = deque.at(deque.length - 1);
    if (job === undefined || job.state === ENDED) return null;
    if (job.claim >= 0) {
      if (!this.worker!.revoke(job)) return null;
      this.posted--;
    }
    deque.pop();
    return job;
  }

  /**
   * Takes back what was posted ahead to `worker`, which has exited or is
   * being terminated: the jobs it had not started go back to being plain
   * queued jobs; those it had started (their answers lost with it) are
   * taken out and returned, and cancelled ones (settled already) dropped.
   */
  recall(worker: PoolWorker): Job[] {
    if (this.posted === 0) return [];
    const front = this.deque.takeFront(this.posted);
    this.posted = 0;
    const kept: Job[] = [];
    const lost: Job[] = [];
    for (const job of front) {
      if (job.state === ENDED) continue;
      if (job.claim < 0 || worker.revoke(job)) kept.push(job);
      else lost.push(job);
    }
    this.deque.putFront(kept);
    return lost;
  }
}
