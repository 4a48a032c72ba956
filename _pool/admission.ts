/**
 * Internal: the jobs of a pool waiting for room in its deques, and the
 * callers of `ready()` waiting for room. `maxQueued` bounds the jobs in
 * deques; jobs beyond it wait here in FIFO order and are admitted by the
 * scheduler (`scheduler.ts`) as room appears (the facade throws instead
 * when told to).
 *
 * @module
 */
import { withResolvers } from "../_runtime/promise.ts";
import type { Job } from "./job.ts";

/** A pool's waiting jobs and `ready()` callers; see the module doc. */
export class Admission {
  /** Jobs waiting for room in the deques. */
  readonly #waiting: Job[] = [];
  /** Callers of `ready()` waiting for room. */
  readonly #readers = new Set<PromiseWithResolvers<void>>();

  /** Jobs waiting. */
  get length(): number {
    return this.#waiting.length;
  }

  /** `job` waits, last. */
  push(job: Job): void {
    this.#waiting.push(job);
  }

  /** The first job waiting, which stops waiting (there is one). */
  shift(): Job {
    return this.#waiting.shift()!;
  }

  /** `job` stops waiting, if it waits (a job cancelled before it was submitted does not). */
  remove(job: Job): void {
    const index = this.#waiting.indexOf(job);
    if (index >= 0) this.#waiting.splice(index, 1);
  }

  /** The waiting jobs that `match`, in order. */
  filter(match: (job: Job) => boolean): Job[] {
    return this.#waiting.filter(match);
  }

  /** Resolves when woken; rejects with `signal.reason` on abort. */
  ready(signal: AbortSignal | undefined): Promise<void> {
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

  /** Wakes the `ready()` callers, if there is room (`hasRoom`, asked only when one waits). */
  wake(hasRoom: () => boolean): void {
    if (this.#readers.size === 0 || !hasRoom()) return;
    for (const reader of this.#readers) reader.resolve();
    this.#readers.clear();
  }

  /** Rejects every `ready()` caller with `reason` (shutdown). */
  rejectAll(reason: unknown): void {
    for (const reader of this.#readers) reader.reject(reason);
    this.#readers.clear();
  }
}
