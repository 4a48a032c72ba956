/**
 * Model-based test of the semaphore: random acquires (some with a signal),
 * releases, aborts, `tryAcquire`, `addPermits`, `forgetPermits`, `split` and
 * `close`, checked after every step against what tokio's semaphore promises:
 *
 * - permits are never over-granted: held + free <= the semaphore's total, and
 *   equal once nobody waits;
 * - strict FIFO: no acquire is granted while an earlier one still waits, and
 *   grants arrive in request order;
 * - no stall: the oldest waiter always needs more than what nobody holds;
 * - abort safety: an aborted acquire never resolves, and what it had been
 *   assigned goes on to the others (no stall after it);
 * - after `close()`, every waiter has been refused with `AcquireError`.
 *
 * `WEFT_SEED` and `WEFT_RUNS` (with env permission, `deno task fuzz`) explore more.
 *
 * @module
 */
import fc from "fast-check";
import { AcquireError, Semaphore, type SemaphorePermit } from "../../sync.ts";
import { assert, assertEquals } from "../_assert.ts";
import { drain, watch, type Watched } from "../_helpers.ts";

const SEED = envInteger("WEFT_SEED") ?? 42;
const RUNS = envInteger("WEFT_RUNS") ?? 200;

/** An integer from the environment, read only when env access was granted. */
function envInteger(name: string): number | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: name });
  if (state !== "granted") return undefined;
  const text = Deno.env.get(name);
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Cannot read ${name}: expected an integer, got ${text}`);
  }
  return value;
}

/** One step; `pick` chooses among held permits or waiting acquires. */
type Op =
  | { kind: "acquire"; n: number; abortable: boolean }
  | { kind: "tryAcquire"; n: number }
  | { kind: "release"; pick: number }
  | { kind: "split"; pick: number; n: number }
  | { kind: "abort"; pick: number }
  | { kind: "add"; n: number }
  | { kind: "forget"; n: number }
  | { kind: "close" };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant("acquire" as const),
        n: fc.integer({ min: 1, max: 4 }),
        abortable: fc.boolean(),
      }),
      weight: 6,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant("tryAcquire" as const),
        n: fc.integer({ min: 0, max: 3 }),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant("release" as const), pick: fc.nat(7) }), weight: 5 },
    {
      arbitrary: fc.record({
        kind: fc.constant("split" as const),
        pick: fc.nat(7),
        n: fc.integer({ min: 0, max: 3 }),
      }),
      weight: 1,
    },
    { arbitrary: fc.record({ kind: fc.constant("abort" as const), pick: fc.nat(7) }), weight: 3 },
    {
      arbitrary: fc.record({
        kind: fc.constant("add" as const),
        n: fc.integer({ min: 0, max: 3 }),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant("forget" as const),
        n: fc.integer({ min: 0, max: 2 }),
      }),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: "close" as const }), weight: 1 },
  ),
  { maxLength: 50 },
);

/** One `acquire` call and what became of it. */
interface Request {
  readonly id: number;
  readonly n: number;
  readonly result: Watched<SemaphorePermit>;
  readonly controller: AbortController | undefined;
  aborted: boolean;
}

class Scenario {
  readonly sem: Semaphore;
  /** Permits that exist: free, held, or assigned to a waiter. */
  total: number;
  /** Permits handed out and not yet released (or forgotten). */
  readonly held: SemaphorePermit[] = [];
  readonly requests: Request[] = [];
  /** Ids of granted requests, in the order their promises resolved. */
  readonly granted: number[] = [];
  /** Requests granted and already moved into `held`. */
  readonly collected = new Set<number>();

  constructor(permits: number) {
    this.sem = new Semaphore(permits);
    this.total = permits;
  }

  step(op: Op): void {
    const sem = this.sem;
    switch (op.kind) {
      case "acquire": {
        const controller = op.abortable ? new AbortController() : undefined;
        const id = this.requests.length;
        const promise = sem.acquire(op.n, controller ? { signal: controller.signal } : undefined);
        promise.then(() => this.granted.push(id), () => {});
        this.requests.push({ id, n: op.n, result: watch(promise), controller, aborted: false });
        return;
      }
      case "tryAcquire": {
        if (sem.isClosed) return;
        const waiting = this.#waiting().filter((r) => r.n > 0).length > 0;
        const permit = sem.tryAcquire(op.n);
        if (permit === undefined) {
          assert(op.n > sem.availablePermits, "tryAcquire refused with enough free permits");
          return;
        }
        assert(!waiting || op.n === 0, "tryAcquire took permits while others wait");
        this.held.push(permit);
        return;
      }
      case "release": {
        const permit = this.held.splice(op.pick % Math.max(this.held.length, 1), 1)[0];
        permit?.release();
        return;
      }
      case "split": {
        const permit = this.held[op.pick % Math.max(this.held.length, 1)];
        if (permit === undefined) return;
        const part = permit.split(op.n);
        if (part === undefined) assert(op.n > permit.count);
        else this.held.push(part);
        return;
      }
      case "abort": {
        const waiting = this.#waiting().filter((r) => r.controller !== undefined);
        const request = waiting[op.pick % Math.max(waiting.length, 1)];
        if (request === undefined) return;
        request.aborted = true;
        request.controller!.abort("aborted");
        return;
      }
      case "add":
        sem.addPermits(op.n);
        this.total += op.n;
        return;
      case "forget":
        this.total -= sem.forgetPermits(op.n);
        return;
      case "close":
        sem.close();
        return;
    }
  }

  /** Checks the invariants once the microtasks of the step have run. */
  check(): void {
    this.#collect();
    const sem = this.sem;
    const held = this.held.reduce((sum, p) => sum + p.count, 0);
    const waiting = this.#waiting();
    assert(held + sem.availablePermits <= this.total, "permits over-granted");
    if (waiting.length === 0) {
      assertEquals(held + sem.availablePermits, this.total, "permits lost");
    } else {
      assertEquals(sem.availablePermits, 0, "permits free while an acquire waits");
      assert(!sem.isClosed, "an acquire still waits after close()");
      const head = waiting[0]!;
      assert(head.n > this.total - held, `stalled: the head needs ${head.n}`);
    }
    const firstWaiting = waiting[0]?.id ?? Infinity;
    for (const id of this.granted) assert(id < firstWaiting, "granted past a waiting acquire");
    for (let i = 1; i < this.granted.length; i++) {
      assert(this.granted[i - 1]! < this.granted[i]!, "grants out of request order");
    }
    for (const request of this.requests) {
      if (request.aborted) {
        assertEquals(request.result.status, "rejected", "an aborted acquire resolved");
        assertEquals(request.result.reason, "aborted");
      } else if (request.result.status === "rejected") {
        assert(request.result.reason instanceof AcquireError, "refused for another reason");
        assert(sem.isClosed, "refused while open");
      }
    }
  }

  #waiting(): Request[] {
    return this.requests.filter((r) => r.result.status === "pending" && !r.aborted);
  }

  #collect(): void {
    for (const request of this.requests) {
      if (request.result.status !== "fulfilled" || this.collected.has(request.id)) continue;
      this.collected.add(request.id);
      const permit = request.result.value!;
      assertEquals(permit.count, request.n, "granted a different count");
      this.held.push(permit);
    }
  }
}

async function runScenario(permits: number, steps: Op[]): Promise<void> {
  const scenario = new Scenario(permits);
  for (const op of steps) {
    scenario.step(op);
    await drain();
    scenario.check();
  }
}

Deno.test("Semaphore: random operations never over-grant, keep FIFO order and survive aborts", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 5 }), ops, runScenario),
    { seed: SEED, numRuns: RUNS },
  );
});
