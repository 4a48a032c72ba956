/**
 * Internal: the scheduler behind `BlockingPool`, run on the main thread.
 *
 * - Each worker slot has a deque of jobs kept here. A new job goes straight to
 *   an idle worker, else starts a worker in an unused slot (lazily, up to the
 *   pool's size), else is queued at the back of the shortest deque.
 * - A worker that finishes a job takes the front of its own deque; when that
 *   is empty it steals from the back of the longest other deque. So a job
 *   queued behind a long one runs on the first worker that is free.
 * - The front of a busy worker's deque (up to PREFETCH jobs, refilled by
 *   halves) is posted to it ahead of time, so that a worker with tiny jobs
 *   never waits for a round trip to the main thread. Such a job stays in
 *   its deque until its turn: a steal or a cancel takes it back through its
 *   claim word, unless the worker has started it (then it is that worker's,
 *   and a cancelled one waits in the deque, settled, for its turn; see
 *   `slot.ts`). A job that moves something is not posted ahead.
 * - `maxQueued` bounds the jobs in deques; jobs beyond it wait in a FIFO and
 *   are admitted as room appears (the facade throws instead when told to).
 * - A cancelled job that has not started leaves its deque; a running one is
 *   told through shared memory and its worker stays busy until it returns,
 *   unless the cancel terminates the worker (shutdown, the end of a run).
 * - A worker that exits on its own fails its job and is replaced on demand.
 * - Idle workers do not hold the process open (`worker.ts`) and are
 *   terminated after `idleTimeout` ms without a job; the timer that does it
 *   is read from `globalThis` when armed, so a fake clock drives it.
 *
 * @module
 */
import { withResolvers } from "../_runtime/promise.ts";
import { hold, letGo, PoolWorker, type WorkerEvents } from "./worker.ts";
import type { ResourceLimits } from "../_worker/limits.ts";
import type { Scope } from "../_runtime/task_state.ts";
import { currentTask, onRunEnd } from "../_runtime/task_state.ts";
import { rebuildError } from "../_worker/errors.ts";
import { Cancelled } from "../task.ts";
import { IdleTimer } from "./idle_timer.ts";
import { PREFETCH, Slot } from "./slot.ts";
import { settleHandle } from "./handle.ts";
import { ENDED, type Job, QUEUED, RUNNING, snapshot, WAITING } from "./job.ts";

/** The errors the scheduler makes, supplied by `errors.ts` (they are public classes). */
export interface PoolErrors {
  /** The reason a job of a `run()` that has finished is cancelled with. */
  runEnded(): unknown;
  /** The error of a job whose worker exited under it. */
  workerExited(code: number, cause: unknown): Error;
}

/** The scheduler's settings, already checked. */
export interface PoolSettings {
  /** Workers at most. */
  size: number;
  /** Ms an idle worker lives (Infinity: until shutdown). */
  idleTimeout: number;
  /** Jobs in deques at most. */
  maxQueued: number;
  /** Each worker's resource limits, if any. */
  resourceLimits: ResourceLimits | undefined;
}

/** Counters of a pool's life. */
export interface PoolCounters {
  /** Jobs that returned or threw on a worker. */
  completed: number;
  /** Jobs a worker took from another worker's deque. */
  stolen: number;
  /** Workers started. */
  started: number;
}

const EMPTY: never[] = [];

/** Why a job its worker had started behind a cancelled one failed when that worker was ended. */
const TERMINATED = new Error(
  "its worker was terminated to end the cancelled job before it, after it had started this one",
);

/** The scheduler; see the module doc. */
export class PoolCore implements WorkerEvents {
  /** The settings. */
  readonly #settings: PoolSettings;
  /** The error factories. */
  readonly #errors: PoolErrors;
  /** One per possible worker. */
  readonly #slots: Slot[];
  /** Jobs waiting for room in the deques. */
  readonly #waiting: Job[] = [];
  /** Callers of `ready()` waiting for room. */
  readonly #readers = new Set<PromiseWithResolvers<void>>();
  /** The runs this pool has registered an end-of-run cleanup with. */
  readonly #scopes = new WeakSet<Scope>();
  /** Jobs in deques. */
  #queued = 0;
  /** Slots running a job. */
  #running = 0;
  /** Releases idle workers. */
  readonly #timer = new IdleTimer(() => this.#releaseIdle());
  /** Set by shutdown. */
  #closed = false;
  /** Whether jobs not started hold the process open (see `#holdForQueue`). */
  #queueHeld = false;
  /** Settled when shutdown is complete. */
  #shutdown: Promise<void> | null = null;
  /** Released workers that have not yet exited. */
  readonly #exiting = new Set<Promise<void>>();
  /** Counters. */
  readonly counters: PoolCounters = { completed: 0, stolen: 0, started: 0 };

  /** Makes a scheduler with no worker started. */
  constructor(settings: PoolSettings, errors: PoolErrors) {
    this.#settings = settings;
    this.#errors = errors;
    this.#slots = Array.from({ length: settings.size }, (_, index) => new Slot(index));
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
    let n = 0;
    for (const slot of this.#slots) if (slot.worker !== null) n++;
    return n;
  }

  /** Whether a job spawned now would start or be queued without waiting. */
  hasRoom(): boolean {
    if (this.#waiting.length > 0) return false;
    return this.#queued < this.#settings.maxQueued || this.#freeSlot() !== null;
  }

  /**
   * Takes a new job: runs it, queues it, or (no room) makes it wait.
   *
   * @throws {DOMException} A `DataCloneError` if its arguments cannot be cloned; the job is not taken.
   */
  submit(job: Job): void {
    if (!this.#joinRun(job)) {
      // Spawned while its run() shuts down: it would outlive the run.
      return this.#settle(job, false, new Cancelled(this.#errors.runEnded()), false);
    }
    if (this.#waiting.length === 0) {
      const slot = this.#freeSlot();
      if (slot !== null) return this.#start(slot, job);
      if (this.#queued < this.#settings.maxQueued) this.#enqueue(snapshot(job));
      else this.#waiting.push(snapshot(job));
    } else this.#waiting.push(snapshot(job));
    this.#holdForQueue();
  }

  /** Resolves when a job spawned now would not wait; rejects with `signal.reason` on abort. */
  ready(signal: AbortSignal | undefined): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    const reader = withResolvers<void>();
    this.#readers.add(reader);
    if (signal === undefined) return reader.promise;
    const abort = () => {
      this.#readers.delete(reader);
      reader.reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
    return reader.promise.finally(() => signal.removeEventListener("abort", abort));
  }

  /**
   * Cancels `job` with `reason`: a job not yet started is dropped; a running
   * one is told, and its worker terminated when `terminate` is set.
   */
  cancel(job: Job, reason: unknown, terminate: boolean): void {
    switch (job.state) {
      case WAITING: {
        // A job cancelled before it was submitted is in no list.
        const index = this.#waiting.indexOf(job);
        if (index >= 0) this.#waiting.splice(index, 1);
        this.#settle(job, false, new Cancelled(reason), false);
        return this.#holdForQueue();
      }
      case QUEUED:
        if (!this.#unqueue(job)) return this.#cancelStarted(job, reason, terminate);
        this.#settle(job, false, new Cancelled(reason), false);
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
    this.#timer.disarm();
    for (const reader of this.#readers) reader.reject(reason);
    this.#readers.clear();
    this.#cancelWhere(() => true, reason);
    for (const slot of this.#slots) this.#release(slot);
    this.#holdForQueue();
    this.#shutdown = Promise.all(this.#exiting).then(() => {});
    return this.#shutdown;
  }

  /** From a worker: job `id`'s result (`ok`), or its error's description. */
  message(worker: PoolWorker, id: number, ok: boolean, message: unknown): void {
    const slot = this.#slots[worker.index]!;
    const job = slot.job;
    if (slot.worker !== worker || job === null || job.id !== id) return;
    worker.release(job);
    if (worker.exiting) return this.#lastAnswer(slot, job, ok, message);
    this.counters.completed++;
    this.#running--;
    slot.job = null;
    job.slot = null;
    this.#next(slot);
    this.#holdForQueue();
    if (ok) this.#settle(job, true, message, false);
    else this.#settle(job, false, rebuildError(message, job.site), true);
  }

  /**
   * An answer the worker posted before it exited: `job` settles, and the job
   * posted after it, if any, is what the worker ran next (its exit fails it,
   * unless its answer comes too).
   */
  #lastAnswer(slot: Slot, job: Job, ok: boolean, message: unknown): void {
    this.counters.completed++;
    this.#running--;
    slot.job = null;
    job.slot = null;
    const posted = slot.posted > 0;
    const next = posted ? slot.shift() : undefined;
    if (next !== undefined) {
      this.#running++;
      if (next.state === ENDED) slot.job = next;
      else {
        this.#queued--;
        this.#take(slot, next);
      }
    }
    if (ok) this.#settle(job, true, message, false);
    else this.#settle(job, false, rebuildError(message, job.site), true);
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
      this.#settle(job, false, this.#errors.workerExited(code, error), true);
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
      this.#settle(job, false, this.#errors.workerExited(code, error), true);
    }
  }

  /**
   * Under a run(): remembers it, and registers (once per run) the cleanup at
   * its end. False if the run is shutting down.
   */
  #joinRun(job: Job): boolean {
    const scope = currentTask()?.scope ?? null;
    if (scope === null) return true;
    if (scope.closed) return false;
    job.scope = scope;
    if (this.#scopes.has(scope)) return true;
    this.#scopes.add(scope);
    onRunEnd(() => this.#runEnded(scope));
    return true;
  }

  /** The run ended: its jobs are cancelled (running ones terminated), idle workers released. */
  #runEnded(scope: Scope): void {
    this.#scopes.delete(scope);
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
    for (const slot of this.#slots) if (slot.job === null) this.#release(slot);
    if (this.workers === 0) this.#timer.disarm();
    this.#holdForQueue();
  }

  /** Stops waiting for `slot`'s running `job`: its worker goes, and the slot serves on. */
  #abandon(slot: Slot, job: Job): void {
    this.#running--;
    slot.job = null;
    job.slot = null;
    this.#release(slot);
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
    this.#settle(job, false, new Cancelled(reason), false);
    job.slot = slot;
    this.#admitWaiting();
    this.#holdForQueue();
  }

  #cancelRunning(job: Job, reason: unknown, terminate: boolean): void {
    const slot = job.slot!;
    slot.worker?.cancel(job.id);
    this.#settle(job, false, new Cancelled(reason), false);
    // The job is not waited for: either its worker goes now, or it runs on
    // without holding the process open (the end of its run() or the pool's
    // shutdown terminates it).
    if (terminate) this.#abandon(slot, job);
    else slot.worker?.idle();
  }

  /** A free slot: an idle worker first, else one not started; null if none. */
  #freeSlot(): Slot | null {
    let unstarted: Slot | null = null;
    for (const slot of this.#slots) {
      if (slot.job !== null) continue;
      if (slot.worker !== null) return slot;
      unstarted ??= slot;
    }
    return unstarted;
  }

  /** Runs a new job on a free slot; a job whose arguments cannot be cloned leaves it free. */
  #start(slot: Slot, job: Job): void {
    try {
      this.#dispatch(slot, job);
    } catch (error) {
      this.#idle(slot);
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
    this.#take(slot, job);
  }

  /** `job` is `slot`'s running job now (its worker has it). */
  #take(slot: Slot, job: Job): void {
    job.args = EMPTY;
    job.transfer = EMPTY;
    job.state = RUNNING;
    job.slot = slot;
    slot.job = job;
  }

  /** Puts `job` at the back of the shortest deque. */
  #enqueue(job: Job): void {
    let target = this.#slots[0]!;
    for (const slot of this.#slots) if (slot.deque.length < target.deque.length) target = slot;
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
      this.#take(slot, job);
      slot.worker!.busy();
      // Refilled by halves, so that the posts carry many jobs each.
      if (slot.posted <= PREFETCH / 2) slot.prefetch();
      return this.#admitWaiting();
    }
    job ??= this.#steal(slot);
    if (job === undefined) {
      this.#idle(slot);
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

  /**
   * The back of the longest other deque, unless its worker has started it
   * (then the next longest); undefined when there is none.
   */
  #steal(thief: Slot): Job | undefined {
    let skipped: Slot[] | null = null;
    for (;;) {
      let victim: Slot | null = null;
      for (const slot of this.#slots) {
        if (slot === thief || slot.deque.length === 0 || skipped?.includes(slot)) continue;
        if (victim === null || slot.deque.length > victim.deque.length) victim = slot;
      }
      if (victim === null) return undefined;
      const job = victim.steal();
      if (job !== null) {
        this.counters.stolen++;
        return job;
      }
      // Its worker has started every job of that deque: the next longest.
      (skipped ??= []).push(victim);
    }
  }

  /** Moves waiting jobs into the deques while there is room, then wakes `ready()` callers. */
  #admitWaiting(): void {
    const waiting = this.#waiting;
    while (waiting.length > 0) {
      const slot = this.#freeSlot();
      if (slot === null && this.#queued >= this.#settings.maxQueued) return;
      const job = waiting.shift()!;
      if (slot !== null) this.#dispatch(slot, job);
      else this.#enqueue(job);
    }
    if (this.#readers.size === 0 || !this.hasRoom()) return;
    for (const reader of this.#readers) reader.resolve();
    this.#readers.clear();
  }

  #idle(slot: Slot): void {
    slot.job = null;
    if (slot.worker === null) return;
    slot.worker.idle();
    slot.idleSince = Date.now();
    this.#arm(this.#settings.idleTimeout);
  }

  /** Terminates the slot's worker, if any (shutdown waits for it to exit). */
  #release(slot: Slot): void {
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
      if (left <= 0) this.#release(slot);
      else next = Math.min(next, left);
    }
    if (next !== Infinity) this.#arm(next);
  }

  #settle(job: Job, ok: boolean, outcome: unknown, report: boolean): void {
    job.state = ENDED;
    job.args = EMPTY;
    job.transfer = EMPTY;
    const listener = job.listener;
    job.listener = null;
    if (listener !== null) settleHandle(listener, ok, outcome, report);
  }
}
