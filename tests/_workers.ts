/**
 * Helpers for tests that run real Workers (threads, the pool): they run in
 * real time, so every wait on one is bounded (a failure, never a sleep), and
 * every test ends with no worker left.
 */
import { liveThreads } from "../_thread/worker.ts";
import { liveWorkers, workersExited } from "../_pool/worker.ts";
import { assertEquals } from "./_assert.ts";

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

/** How long any one wait on a real worker may take before the test fails. */
export const LIMIT_MS = 30_000;

/** Settles like `promise`, or rejects once `ms` of real time have passed. */
export function within<T>(promise: PromiseLike<T>, ms = LIMIT_MS): Promise<T> {
  let id: ReturnType<typeof realSetTimeout> | undefined;
  const timer = new Promise<never>((_, reject) => {
    id = realSetTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timer]).finally(() => realClearTimeout(id));
}

/**
 * What a job or thread that must spin "forever" (never return, never look at
 * cancellation) spins on: it spins until `release()`, which disposal calls at
 * the end of the test, after every assertion. Deno 2.9's `terminate()` leaves
 * a worker spinning in synchronous code running (its OS thread keeps a core
 * busy until the process exits; it ends only once the code returns), so a
 * spinner left spinning would slow every later test file of `deno test`.
 *
 * The spinner gets `flag` as an argument and spins with
 * `while (Atomics.load(flag, 0) === 0);`.
 */
export class SpinLatch implements Disposable {
  /** Word 0 is 0 while spinners must spin, 1 once released. */
  readonly flag: Int32Array = new Int32Array(new SharedArrayBuffer(4));

  /** Lets every spinner on this latch return. */
  release(): void {
    Atomics.store(this.flag, 0, 1);
  }

  /** Releases the spinners (`using latch = new SpinLatch()`). */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** A test that must leave no thread running. */
export function threadTest(name: string, fn: () => Promise<void>): void {
  Deno.test(name, async () => {
    await fn();
    assertEquals(liveThreads(), 0, "a thread was left running");
  });
}

/** A test that must leave no pool worker running. */
export function poolTest(name: string, fn: () => Promise<void>): void {
  Deno.test(name, async () => {
    await fn();
    await within(workersExited());
    assertEquals(liveWorkers(), 0, "a pool worker was left running");
  });
}
