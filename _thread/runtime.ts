/**
 * Internal: the worker side of a weft thread.
 *
 * {@linkcode threadRuntime} is never called on the main thread: its source
 * (`Function.prototype.toString`, which Deno gives as JavaScript) becomes,
 * after the shared helpers and the ring's writer (`ring.ts`), the source of a
 * `node:worker_threads` Worker (`eval: true`), so a thread needs no
 * permission and no file of weft's. It must therefore use nothing from this
 * module's scope but those; what it shares with the main side (the control
 * block's layout, the message kinds) arrives in the start message, on a port
 * private to the runtime (taken out of `workerData` before the thread's code
 * runs).
 *
 * What it does, in order:
 * - compiles the inline function (or imports the module and takes its default
 *   export) and calls it with a sender and the thread context;
 * - `send` checks the stop flag (shared memory, no round trip; a plain read
 *   on the fast path of numbers, an atomic one at least every 64 sends) and
 *   writes the value into the shared ring (`protocol.ts`): a number into its
 *   slot, anything else as a marker, the value itself snapshotted by
 *   structured clone (plain data by a JS copy, primitives need none) into the
 *   batch. Numbers are published every 64 writes and at the next microtask,
 *   markers at once; a write that finds the main side parked (it has read
 *   everything) publishes and posts the batch, which wakes it. A batch is
 *   otherwise posted when it is full, when it is older than ~1 ms, at the
 *   next microtask, before every `sleepSync`, before waiting for room in a
 *   full ring, and when the function ends (every message publishes first);
 * - a full ring makes `send` wait (`Atomics.wait`, polling TAIL from 50 µs
 *   up to 0.5 ms) until the main side has read some, or throw `SendError` as
 *   soon as the receiver closes (the stop wakes it);
 * - `sleepSync` blocks on `Atomics.wait`, woken early by the main side's stop;
 *   under a test clock it asks the main side to wake it at a virtual time;
 * - when the function returns or throws, the last batch goes with the result
 *   or the described error; the main side then ends the worker;
 * - `Deno.exit()` and `process.exit()` hand over everything sent so far
 *   before the worker exits (the main side reports the exit after it);
 * - the thread starts from `setImmediate`, not inside the port's message
 *   callback: in Deno 2.9 a worker that reaches its heap limit there hangs.
 *
 * @module
 */
import type { StartMessage } from "./protocol.ts";
import { describeError } from "../_worker/errors.ts";
import { compileFunction, workerHelpersSource } from "../_worker/helpers.ts";
import { ringWriter, ringWriterSource } from "./ring.ts";
import { checkDuration } from "../_runtime/checks.ts";

/** What the runtime receives as its `workerData`. */
export interface ThreadWorkerData {
  /**
   * The port private to weft's runtime: the start message arrives on it and
   * every message to the main side goes out on it. The runtime removes it
   * from `workerData` before the thread's code runs.
   */
  port?: MessagePort;
}

/** `node:timers`' setImmediate, a global in Deno's, Node's and Bun's workers. */
declare const setImmediate: ((fn: () => void) => void) | undefined;

/** The thread's function as the runtime calls it. */
type ThreadFunction = (tx: unknown, thread: unknown, ...args: unknown[]) => unknown;

/** The worker-side runtime; see the module doc. Self-contained by design. */
export function threadRuntime(workerData: ThreadWorkerData): void {
  const port = workerData.port!;
  delete workerData.port;
  const realNow = Date.now;

  const NOT_PLAIN = Symbol("not plain");

  // No field declarations or other syntax a downlevel build would turn into
  // helpers outside this function: the function must stay self-contained.
  class SendError extends Error {
    declare value: unknown;
    constructor(value: unknown, message = "Cannot send: the receiver is closed") {
      super(message);
      this.name = "SendError";
      this.value = value;
    }
  }

  port.onmessage = (event: MessageEvent<StartMessage>) => {
    port.onmessage = null;
    // Not inside the message callback: in Deno 2.9 a worker that reaches
    // its heap limit there hangs instead of exiting.
    const later = typeof setImmediate === "function" ? setImmediate : (fn: () => void) => {
      setTimeout(fn, 0);
    };
    later(() => start(event.data));
  };

  function start(init: StartMessage): void {
    const L = init.layout;
    const M = init.msg;
    const control = new Int32Array(init.control);
    const clock = new Float64Array(init.control);
    const capacity = init.capacity;
    const ring = ringWriter(control, init.ring, capacity, L);
    const PARKED = L.PARKED;
    /** Ring slots free for writing, as of the last look at TAIL, less the budget. */
    let room = capacity;
    /** Numbers `send` may write on its fast path before the next publishing point. */
    let budget = 0;
    let batch: unknown[] = [];
    let batchStart = 0;
    let lastFlush = -Infinity;
    let deliverQueued = false;
    let senderClosed = false;
    let ended = false;

    const STOP = L.STOP;
    const limit = init.batch;

    let stopSeen = false;

    /**
     * Whether the main side asked the thread to stop. The first time it has,
     * everything accepted so far is sent, and the main side is told that
     * nothing more will come (a closed receiver waits for that).
     */
    function stopped(): boolean {
      if (Atomics.load(control, STOP) === 0) return false;
      if (!stopSeen) {
        stopSeen = true;
        if (!ended) post(M.STOPPED);
      }
      return true;
    }

    /** Posts a message: the ring is published first, so the message finds it. */
    function post(kind: number, extra?: unknown): void {
      const values = batch;
      ring.publish();
      // The message wakes a parked main side; it parks again only after reading.
      Atomics.store(control, PARKED, 0);
      Atomics.add(control, L.POSTED, 1);
      try {
        port.postMessage(extra === undefined ? [kind, values] : [kind, values, extra]);
      } catch (error) {
        Atomics.sub(control, L.POSTED, 1);
        throw error;
      }
      batch = [];
      lastFlush = realNow();
    }

    function flush(): void {
      if (batch.length > 0 && !ended) post(M.VALUES);
    }

    /** Wakes the main side if it is parked: posts the batch, possibly empty. */
    function wake(): void {
      if (!ended && Atomics.load(control, PARKED) !== 0) post(M.VALUES);
    }

    /** Everything sent so far reaches the main side: ring published, batch posted. */
    function deliver(): void {
      if (ended) return;
      if (batch.length > 0) return post(M.VALUES);
      ring.publish();
      wake();
    }

    function deliverLater(): void {
      deliverQueued = false;
      deliver();
    }

    /** Copies `value` as structured clone would; plain data is copied in JS (much cheaper). */
    function snapshot(value: unknown): unknown {
      const copy = plainCopy(value, null, 0);
      if (copy !== NOT_PLAIN) return copy;
      try {
        return structuredClone(value);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new DOMException(`Cannot send: ${why}`, "DataCloneError");
      }
    }

    /**
     * A copy of plain objects, short dense arrays and primitives, keeping
     * shared references and cycles; NOT_PLAIN for anything else (which
     * structured clone then copies or refuses).
     */
    function plainCopy(value: unknown, seen: Map<object, unknown> | null, depth: number): unknown {
      const kind = typeof value;
      if (kind !== "object" || value === null) {
        return kind === "function" || kind === "symbol" ? NOT_PLAIN : value;
      }
      const known = seen?.get(value as object);
      if (known !== undefined) return known;
      if (depth > 64) return NOT_PLAIN;
      const proto = Object.getPrototypeOf(value);
      if (proto === Array.prototype) return copyArray(value as unknown[], seen, depth);
      if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      seen?.set(source, out);
      for (const key of Object.keys(source)) {
        const item = source[key];
        let copied = item;
        if (typeof item === "object" && item !== null) {
          seen ??= new Map<object, unknown>([[source, out]]);
          copied = plainCopy(item, seen, depth + 1);
        } else if (typeof item === "function" || typeof item === "symbol") return NOT_PLAIN;
        if (copied === NOT_PLAIN) return NOT_PLAIN;
        out[key] = copied;
      }
      return out;
    }

    function copyArray(source: unknown[], seen: Map<object, unknown> | null, depth: number) {
      const n = source.length;
      // Holes and named properties are left to structured clone; finding
      // them costs a key list, so only short arrays take this path.
      if (n > 32 || Object.keys(source).length !== n) return NOT_PLAIN;
      const out: unknown[] = [];
      seen?.set(source, out);
      for (let i = 0; i < n; i++) {
        const item = source[i];
        let copied = item;
        if (typeof item === "object" && item !== null) {
          seen ??= new Map<object, unknown>([[source, out]]);
          copied = plainCopy(item, seen, depth + 1);
        } else if (typeof item === "function" || typeof item === "symbol") return NOT_PLAIN;
        if (copied === NOT_PLAIN) return NOT_PLAIN;
        out.push(copied);
      }
      return out;
    }

    /**
     * Writes a number's slot. Atomics cost more than the write itself, so the
     * ring is published every 64 slots, at once when the main side is parked
     * (a plain read of the flag), and at the next microtask.
     */
    function writeNumber(value: number): void {
      ring.number(value);
      room--;
      if ((ring.head & 63) === 0 || control[PARKED] !== 0) return published();
      if (!deliverQueued) {
        deliverQueued = true;
        queueMicrotask(deliverLater);
      }
    }

    /**
     * Writes a marker for the value just added to the batch, published at
     * once: a polling main side sees it and waits for the batch rather than
     * park. A parked main side gets the batch now.
     */
    function writeMarker(): void {
      ring.marker();
      room--;
      ring.publish();
      if (control[PARKED] !== 0) wake();
    }

    /** A publishing point of numbers: a batch older than ~1 ms goes too. */
    function published(): void {
      if (batch.length > 0 && realNow() - batchStart >= 1) return post(M.VALUES);
      ring.publish();
      wake();
    }

    /** Makes room for one slot: waits while the ring is full; throws once stopped. */
    function reserve(value: unknown): void {
      if (room > 0) return;
      room = ring.free();
      // The stop is read after the room, as in the loop below: room that the
      // main side's read after a stop made is never taken.
      if (stopped()) throw new SendError(value);
      if (room > 0) return;
      // The main side may need the batch to read past a marker.
      deliver();
      // Polled, not notified: a notify from the main side costs it more than
      // the thread's wake-ups cost the thread. A stop still wakes it at once.
      for (let wait = 0.05;; wait = Math.min(wait * 2, 0.5)) {
        const seen = Atomics.load(control, L.SIGNAL);
        room = ring.free();
        // Read after the room: the main side stops the thread before it reads
        // the ring, so room made by that read is never taken after a stop.
        if (stopped()) throw new SendError(value);
        if (room > 0) return;
        wake();
        Atomics.wait(control, L.SIGNAL, seen, wait);
      }
    }

    function accepted(): void {
      const n = batch.length;
      if (n === 1) {
        const now = realNow();
        // A sender that has been quiet for a while: deliver at once.
        if (now - lastFlush >= 1) return flush();
        batchStart = now;
        if (!deliverQueued) {
          deliverQueued = true;
          queueMicrotask(deliverLater);
        }
      } else if (n >= limit || (n > 0 && (n & 63) === 0 && realNow() - batchStart >= 1)) {
        flush();
      }
    }

    /**
     * Every send but the fast path's: the checks (the stop flag read
     * atomically), the write, then a new budget for the fast path: numbers
     * up to the next publishing point, within the room.
     */
    function sendSlow(value: unknown): void {
      room += budget;
      budget = 0;
      if (senderClosed || ended) {
        throw new SendError(value, "Cannot send: this sender is closed");
      }
      if (stopped()) throw new SendError(value);
      const kind = typeof value;
      if (kind === "number") {
        reserve(value);
        writeNumber(value as number);
      } else {
        const primitive = value === null ||
          (kind !== "object" && kind !== "function" && kind !== "symbol");
        const copy = primitive ? value : snapshot(value);
        reserve(value);
        batch.push(copy);
        writeMarker();
        accepted();
      }
      if (senderClosed || ended) return;
      budget = Math.min(room, 63 - (ring.head & 63));
      room -= budget;
    }

    // A class, not an object literal: a getter in a literal gives the object
    // slow (dictionary) properties, and `tx.send` a lookup on every call.
    class ThreadSender {
      send(value: unknown): void {
        // The fast path: a number, within the budget, the main side neither
        // stopping the thread nor parked (plain reads; sendSlow's are atomic).
        if (
          typeof value === "number" && budget > 0 && control[STOP] === 0 &&
          control[PARKED] === 0
        ) {
          budget--;
          ring.number(value);
          if (!deliverQueued) {
            deliverQueued = true;
            queueMicrotask(deliverLater);
          }
          return;
        }
        sendSlow(value);
      }
      get isClosed(): boolean {
        return senderClosed || ended || stopped();
      }
      close(): void {
        if (senderClosed || ended) return;
        senderClosed = true;
        room += budget;
        budget = 0;
        post(M.CLOSE);
      }
      [Symbol.dispose](): void {
        sender.close();
      }
    }
    const sender = new ThreadSender();

    function sleepReal(ms: number): void {
      const deadline = performance.now() + ms;
      for (;;) {
        const seen = Atomics.load(control, L.SIGNAL);
        if (stopped()) return;
        const left = deadline - performance.now();
        if (left <= 0) return;
        Atomics.wait(control, L.SIGNAL, seen, left);
      }
    }

    function sleepVirtual(ms: number): void {
      if (ms === 0 || stopped()) return deliver();
      ring.publish();
      Atomics.store(control, PARKED, 0);
      // Counted as posted before the state says sleeping: the test clock
      // never sees a sleeping thread whose request is not yet handled.
      Atomics.add(control, L.POSTED, 1);
      Atomics.store(control, L.STATE, L.SLEEPING);
      const values = batch;
      batch = [];
      port.postMessage([M.SLEEP, values, ms]);
      for (;;) {
        const seen = Atomics.load(control, L.SIGNAL);
        if (Atomics.load(control, L.STATE) !== L.SLEEPING || stopped()) break;
        Atomics.wait(control, L.SIGNAL, seen);
      }
      Atomics.store(control, L.STATE, L.RUNNING);
    }

    const context = {
      sleepSync(ms: number): void {
        checkDuration(ms, "sleep");
        if (init.virtual) return sleepVirtual(Math.ceil(ms));
        deliver();
        sleepReal(ms);
      },
      get stopped(): boolean {
        return stopped();
      },
      SendError,
    };

    function end(kind: number, extra: unknown): void {
      if (ended) return;
      post(kind, extra);
      ended = true;
      budget = 0;
      Atomics.store(control, L.STATE, L.DONE);
      // The main side ends the worker once it has the message.
    }

    function fail(error: unknown): void {
      end(M.FAIL, describeError(error));
    }

    function finish(result: unknown): void {
      try {
        end(M.DONE, result);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        fail(new DOMException(`Cannot return from the thread: ${why}`, "DataCloneError"));
      }
    }

    async function load(url: string): Promise<ThreadFunction> {
      const module = await import(url);
      const fn = module.default;
      if (typeof fn !== "function") {
        throw new TypeError(
          `Cannot start the thread: ${url} has no default export that is a function`,
        );
      }
      return fn;
    }

    /**
     * An exit (`Deno.exit`, `process.exit`) first hands over everything sent
     * so far; the main side then reads it all and fails the thread with the
     * exit's code.
     */
    function hookExit(holder: Record<string, unknown> | undefined, key: string): void {
      const real = holder?.[key];
      if (holder === undefined || typeof real !== "function") return;
      try {
        holder[key] = function (this: unknown, ...args: unknown[]): unknown {
          try {
            if (!ended) post(M.VALUES);
          } catch {
            // Exiting regardless.
          }
          return real.apply(this, args);
        };
      } catch {
        // A read-only exit: values not yet handed over are reported lost.
      }
    }

    async function main(): Promise<void> {
      if (init.virtual) Date.now = () => clock[L.NOW]!;
      const global = globalThis as unknown as Record<string, unknown> & {
        Deno?: Record<string, unknown>;
        process?: Record<string, unknown> & { on(event: string, f: (e: unknown) => void): void };
      };
      // Errors outside the function's own promise (a floating rejection, a
      // throwing timer callback) end the thread as its own throw would.
      if (typeof globalThis.addEventListener === "function") {
        globalThis.addEventListener("unhandledrejection", (event) => {
          event.preventDefault();
          fail(event.reason);
        });
        globalThis.addEventListener("error", (event) => {
          event.preventDefault();
          fail(event.error ?? new Error(event.message));
        });
      } else if (global.process !== undefined) {
        global.process.on("unhandledRejection", fail);
        global.process.on("uncaughtException", fail);
      }
      global.close = () => {
        fail(new Error("Cannot finish the thread: it called self.close() before returning"));
      };
      hookExit(global.Deno, "exit");
      hookExit(global.process, "exit");
      let fn: ThreadFunction;
      try {
        fn = init.url === undefined
          ? compileFunction<ThreadFunction>(init.source!, "weft-thread.js")
          : await load(init.url);
      } catch (error) {
        return fail(error);
      }
      let result: unknown;
      try {
        result = fn(sender, context, ...init.args);
        if (typeof (result as PromiseLike<unknown> | null)?.then === "function") {
          result = await result;
        }
      } catch (error) {
        return fail(error);
      }
      finish(result);
    }

    main();
  }
}

/**
 * The worker's source (a `node:worker_threads` eval script): the helpers,
 * the ring's writer, then the runtime, called with `workerData`.
 */
export function runtimeSource(): string {
  return `const { workerData } = require("node:worker_threads");\n${workerHelpersSource()}${ringWriterSource()}(${threadRuntime.toString()})(workerData);\n//# sourceURL=weft-thread-runtime.js\n`;
}
