/**
 * Internal: the scheduler behind `BlockingPool`, run on the main thread.
 *
 * - Each worker slot has a deque of jobs kept here. A new job goes straight to
 *   a free slot, else is queued at the back of the shortest deque; a free
 *   worker takes the front of its own deque, else steals (`placement.ts`).
 *   So a job queued behind a long one runs on the first worker that is free.
 * - The front of a busy worker's deque (up to PREFETCH jobs, refilled by
 *   halves) is posted to it ahead of time (`slot.ts`); a cancelled job its
 *   worker had started waits in the deque, settled, for its turn. A job
 *   that moves something is not posted ahead.
 * - `maxQueued` bounds the jobs in deques; jobs beyond it wait
 *   (`admission.ts`).
 * - A cancelled job that has not started leaves its deque; a running one is
 *   told through shared memory and its worker stays busy until it returns,
 *   unless the cancel terminates the worker (shutdown, the end of a run).
 * - A worker that exits on its own fails its job and is replaced on demand.
 *   Idle workers are terminated after `idleTimeout` (`lifecycle.ts`).
 * - A job spawned under a `run()` is cancelled when the run ends (`runs.ts`).
 *
 * @module
 */
import { hold, letGo, PoolWorker, type WorkerEvents } from "./worker.ts";
import type { Scope } from "../_runtime/task_state.ts";
import { rebuildError } from "../_worker/errors.ts";
import { Cancelled } from "../task.ts";
import { PREFETCH, Slot } from "./slot.ts";
import { ENDED, type Job, QUEUED, RUNNING, snapshot, WAITING } from "./job.ts";
import { Admission } from "./admission.ts";
import { Runs } from "./runs.ts";
import { WorkerReaper } from "./lifecycle.ts";
import { freeSlot, settle, shortestDeque, steal, take } from "./placement.ts";
import type { PoolCounters, PoolErrors, PoolSettings } from "./settings.ts";

/** The scheduler; see the module doc. */
export class PoolCore implements WorkerEvents {
  /** The settings. */
  readonly #settings: PoolSettings;
  /** The error factories. */
  readonly #errors: PoolErrors;
  /** One per possible worker. */
  readonly #slots: Slot[];
  /** Jobs waiting for room in the deques, and `ready()` callers. */
  readonly #waiting = new Admission();
  /** The runs this pool has registered an end-of-run cleanup with. */
  readonly #runs = new Runs((scope) => this.#runEnded(scope));
  /** Jobs in deques. */
  #queued = 0;
  /** Slots running a job. */
  #running = 0;
  /** Idles and releases the workers. */
  readonly #reaper: WorkerReaper;
  /** Set by shutdown. */
  #closed = false;
  /** Whether jobs not started hold the process open (see `#holdForQueue`). */
  #queueHeld = false;
  /** Settled when shutdown is complete. */
  #shutdown: Promise<void> | null = null;
  /** Counters. */
  readonly counters: PoolCounters = { completed: 0, stolen: 0, started: 0 };

  /** Makes a scheduler with no worker started. */
  constructor(settings: PoolSettings, errors: PoolErrors) {
    this.#settings = settings;
    this.#errors = errors;
    this.#slots = Array.from({ length: settings.size }, (_, index) => new Slot(index));
    this.#reaper = new WorkerReaper(
      this.#slots,
      settings,
      (slot, worker, code, error) => this.#recall(slot, worker, code, error),
    );
  }

  /** Whether shutdown has begun. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Jobs in deques (not started). */
  get queued(): number {
    return this.#queued;
  }

  /** Jobs running (including cancelled ones that have not yet returned). */
  get running(): number {
    return this.#running;
  }

  /** Jobs waiting for room in the queue. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Workers alive. */
  get workers(): number {
    return this.#reaper.workers;
  }

  /** Whether a job spawned now would start or be queued without waiting. */
  hasRoom(): boolean {
    if (this.#waiting.length > 0) return false;
    return this.#queued < this.#settings.maxQueued || freeSlot(this.#slots) !== null;
  }

  /**
   * Takes a new job: runs it, queues it, or (no room) makes it wait.
   *
   * @throws {DOMException} A `DataCloneError` if its arguments cannot be cloned; the job is not taken.
   */
  submit(job: Job): void {
    if (!this.#runs.join(job)) {
      // Spawned while its run() shuts down: it would outlive the run.
      return settle(job, false, new Cancelled(this.#errors.runEnded()), false);
    }
    if (this.#waiting.length === 0) {
      const slot = freeSlot(this.#slots);
      if (slot !== null) return this.#start(slot, job);
      if (this.#queued < this.#settings.maxQueued) this.#enqueue(snapshot(job));
      else this.#waiting.push(snapshot(job));
    } else this.#waiting.push(snapshot(job));
    this.#holdForQueue();
  }

  /** Resolves when a job spawned now would not wait; rejects with `signal.reason` on abort. */
  ready(signal: AbortSignal | undefined): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return this.#waiting.ready(signal);
  }

  /**
   * Cancels `job` with `reason`: a job not yet started is dropped; a running
   * one is told, and its worker terminated when `terminate` is set.
   */
  cancel(job: Job, reason: unknown, terminate: boolean): void {
    switch (job.state) {
      case WAITING: {
        // A job cancelled before it was submitted is in no list.
        this.#waiting.remove(job);
        settle(job, false, new Cancelled(reason), false);
        return this.#holdForQueue();
      }
      case QUEUED:
        if (!this.#unqueue(job)) return this.#cancelStarted(job, reason, terminate);
        settle(job, false, new Cancelled(reason), false);
        this.#admitWaiting();
        return this.#holdForQueue();
      case RUNNING:
        return this.#cancelRunning(job, reason, terminate);
    }
  }

  /** Cancels every job and terminates every worker; resolves once all have exited. */
  shutdown(reason: unknown): Promise<void> {
    if (this.#shutdown !== null) return this.#shutdown;
    this.#closed = true;
    this.#reaper.close();
    this.#waiting.rejectAll(reason);
    this.#cancelWhere(() => true, reason);
    for (const slot of this.#slots) this.#reaper.release(slot);
    this.#holdForQueue();
    this.#shutdown = this.#reaper.exited();
    return this.#shutdown;
  }

  /** From a worker: job `id`'s result (`ok`), or its error's description. */
  message(worker: PoolWorker, id: number, ok: boolean, message: unknown): void {
    const slot = this.#slots[worker.index]!;
    const job = slot.job;
    if (slot.worker !== worker || job === null || job.id !== id) return;
    worker.release(job);
    this.counters.completed++;
    this.#running--;
    slot.job = null;
    job.slot = null;
    if (worker.exiting) this.#lastAnswer(slot);
    else {
      this.#next(slot);
      this.#holdForQueue();
    }
    if (ok) settle(job, true, message, false);
    else settle(job, false, rebuildError(message, job.site), true);
  }

  /**
   * After an answer the worker posted before it exited: the job posted after
   * the answered one, if any, is what the worker ran next (its exit fails it,
   * unless its answer comes too).
   */
  #lastAnswer(slot: Slot): void {
    const posted = slot.posted > 0;
    const next = posted ? slot.shift() : undefined;
    if (next !== undefined) {
      this.#running++;
      if (next.state === ENDED) slot.job = next;
      else {
        this.#queued--;
        take(slot, next);
      }
    }
  }

  /** From a worker: it exited. If it was not released, its job fails and it is replaced. */
  exit(worker: PoolWorker, code: number, error: unknown): void {
    const slot = this.#slots[worker.index]!;
    if (slot.worker !== worker) return;
    slot.worker = null;
    const job = slot.job;
    if (job !== null) {
      this.#running--;
      slot.job = null;
      job.slot = null;
      settle(job, false, this.#errors.workerExited(code, error), true);
    }
    this.#recall(slot, worker, code, error);
    if (!this.#closed) this.#next(slot);
    this.#holdForQueue();
  }

  /**
   * Takes back the jobs posted ahead to `slot`'s `worker`, which has exited
   * or is being terminated: one it had started (its answer lost with it)
   * fails with WorkerExited; the others stay queued.
   */
  #recall(slot: Slot, worker: PoolWorker, code: number, error: unknown): void {
    for (const job of slot.recall(worker)) {
      this.#queued--;
      job.slot = null;
      settle(job, false, this.#errors.workerExited(code, error), true);
    }
  }

  /** The run ended: its jobs are cancelled (running ones terminated), idle workers released. */
  #runEnded(scope: Scope): void {
    this.#runs.forget(scope);
    if (this.#closed) return;
    this.#cancelWhere((job) => job.scope === scope, this.#errors.runEnded());
    for (const slot of this.#slots) {
      // A started job of the run, cancelled before its turn came in the
      // main side's view: its worker goes when its turn comes.
      for (const job of slot.deque) {
        if (job.state === ENDED && job.scope === scope) job.abandon = true;
      }
      const job = slot.job;
      // A job of the run cancelled earlier (aborted, timed out) that still runs.
      if (job !== null && job.scope === scope) this.#abandon(slot, job);
    }
    for (const slot of this.#slots) if (slot.job === null) this.#reaper.release(slot);
    if (this.workers === 0) this.#reaper.disarm();
    this.#holdForQueue();
  }

  /** Stops waiting for `slot`'s running `job`: its worker goes, and the slot serves on. */
  #abandon(slot: Slot, job: Job): void {
    this.#running--;
    slot.job = null;
    job.slot = null;
    this.#reaper.release(slot);
    if (!this.#closed) this.#next(slot);
  }

  /**
   * Jobs not yet started hold the process open while every worker that
   * could take them runs a cancelled job (which does not hold it: an
   * abandoned job must not keep a script alive).
   */
  #holdForQueue(): void {
    const want = !this.#closed && this.#queued + this.#waiting.length > 0;
    if (want === this.#queueHeld) return;
    this.#queueHeld = want;
    if (want) hold();
    else letGo();
  }

  #cancelWhere(match: (job: Job) => boolean, reason: unknown): void {
    for (const job of this.#waiting.filter(match)) this.cancel(job, reason, true);
    for (const slot of this.#slots) {
      for (const job of slot.deque.filter(match)) this.cancel(job, reason, true);
    }
    for (const slot of this.#slots) {
      if (slot.job !== null && match(slot.job)) this.cancel(slot.job, reason, true);
    }
  }

  /**
   * Cancels a prefetched `job` that its worker started before the main side
   * saw the jobs ahead of it end: it stays in its deque (a zombie, settled)
   * until its turn, when it is treated as a cancelled running job.
   */
  #cancelStarted(job: Job, reason: unknown, terminate: boolean): void {
    const slot = job.slot!;
    slot.worker?.cancel(job.id);
    this.#queued--;
    job.abandon = terminate;
    settle(job, false, new Cancelled(reason), false);
    job.slot = slot;
    this.#admitWaiting();
    this.#holdForQueue();
  }

  #cancelRunning(job: Job, reason: unknown, terminate: boolean): void {
    const slot = job.slot!;
    slot.worker?.cancel(job.id);
    settle(job, false, new Cancelled(reason), false);
    // The job is not waited for: either its worker goes now, or it runs on
    // without holding the process open (the end of its run() or the pool's
    // shutdown terminates it).
    if (terminate) this.#abandon(slot, job);
    else slot.worker?.idle();
  }

  /** Runs a new job on a free slot; a job whose arguments cannot be cloned leaves it free. */
  #start(slot: Slot, job: Job): void {
    try {
      this.#dispatch(slot, job);
    } catch (error) {
      this.#reaper.idle(slot);
      throw error;
    }
  }

  /** Runs `job` on `slot`, starting its worker if needed. */
  #dispatch(slot: Slot, job: Job): void {
    if (slot.worker === null) {
      slot.worker = new PoolWorker(slot.index, this, this.#settings.resourceLimits);
      this.counters.started++;
    }
    slot.worker.run(job);
    this.#running++;
    take(slot, job);
  }

  /** Puts `job` at the back of the shortest deque. */
  #enqueue(job: Job): void {
    const target = shortestDeque(this.#slots);
    job.state = QUEUED;
    job.slot = target;
    this.#queued++;
    target.push(job);
  }

  /** Takes `job` out of its deque; false if its worker has started it (it stays). */
  #unqueue(job: Job): boolean {
    if (!job.slot!.remove(job)) return false;
    job.slot = null;
    this.#queued--;
    return true;
  }

  /** `slot` is free: it takes its own deque's front, else steals, else goes idle. */
  #next(slot: Slot): void {
    const posted = slot.posted > 0;
    let job = slot.shift();
    if (job !== undefined && posted) {
      // Posted already: the worker runs it now, or has run it.
      this.#running++;
      if (job.state === ENDED) return this.#reachZombie(slot, job);
      this.#queued--;
      take(slot, job);
      slot.worker!.busy();
      // Refilled by halves, so that the posts carry many jobs each.
      if (slot.posted <= PREFETCH / 2) slot.prefetch();
      return this.#admitWaiting();
    }
    job ??= steal(this.#slots, slot, this.counters);
    if (job === undefined) {
      this.#reaper.idle(slot);
      // With maxQueued: 0, jobs wait for a free worker rather than a place in a deque.
      return this.#admitWaiting();
    }
    this.#queued--;
    this.#dispatch(slot, job);
    slot.prefetch();
    this.#admitWaiting();
  }

  /** A cancelled job that its worker had started is `slot`'s running job now. */
  #reachZombie(slot: Slot, job: Job): void {
    slot.job = job;
    if (job.abandon) this.#abandon(slot, job);
    else slot.worker!.idle();
  }

  /** Moves waiting jobs into the deques while there is room, then wakes `ready()` callers. */
  #admitWaiting(): void {
    const waiting = this.#waiting;
    while (waiting.length > 0) {
      const slot = freeSlot(this.#slots);
      if (slot === null && this.#queued >= this.#settings.maxQueued) return;
      const job = waiting.shift();
      if (slot !== null) this.#dispatch(slot, job);
      else this.#enqueue(job);
    }
    waiting.wake(() => this.hasRoom());
  }
}
