/**
 * Internal: the main-thread side of one weft thread (a `node:worker_threads`
 * Worker running `runtime.ts`) feeding one channel.
 *
 * - Every message comes on a port private to weft's runtime; the worker's
 *   own channel (what the thread's code posts) is not listened to, and a
 *   message that does not have the runtime's shape fails the thread.
 * - Values arrive through the shared ring (`ring.ts`): numbers in
 *   its slots, other values in batch messages whose places the ring marks;
 *   `reader.ts` reads it into the channel, in send order, whenever a
 *   message arrives and while reads find values. When the receiver closes,
 *   what the thread has handed over by then (published in the ring, or
 *   arrived in a batch) is pushed at once, so `close()` keeps it for the
 *   reader; what comes later is dropped, as the channel drops it.
 * - Closing the receiver sets the shared stop flag and wakes the thread, so
 *   its `send` throws and its `sleepSync` returns at once.
 * - The thread's end (return, throw, failed load, worker error) settles the
 *   handle and drops the sender exactly once: normally, or with the error.
 *   A worker that exits while the thread runs (`Deno.exit()`, its heap
 *   limit) fails it with the exit, once the messages it posted before have
 *   arrived and the ring is read. A ring in an impossible state (its indices
 *   are untrusted) fails it too, and the worker is ended.
 * - Under a test clock, a sleeping thread is a timer entry of weft's timer
 *   driver (a task's sleep, in effect) that wakes it at its virtual deadline,
 *   and a busy check holds the clock while the thread runs or its messages
 *   are in flight. Its messages are handled in turn order (`turns.ts`)
 *   so that several threads give the same timeline on every run.
 * - The worker itself is started, and live threads counted, by `worker.ts`.
 *
 * @module
 */
import { Outcome } from "../_runtime/outcome.ts";
import { type ChannelState, moveSender } from "../_channel/state.ts";
import { fakeTime, holdIfBusy, macrotask } from "../_runtime/host.ts";
import type { Worker as NodeWorker } from "node:worker_threads";
import { rebuildError } from "../_worker/errors.ts";
import { isMessage, LAYOUT, type Message, MSG } from "./protocol.ts";
import { ThreadReader } from "./reader.ts";
import { countLive, outOfMemory, startMessage, startWorker, type ThreadStart } from "./worker.ts";
import { leaveTurns, runTurns, takeTurn, type Turn } from "./turns.ts";
import { insert, remove, type TimerEntry } from "../_runtime/timer.ts";
import { SendError } from "../channel.ts";
import { onRunEnd } from "../_runtime/task_state.ts";
import { addBusyCheck } from "../_runtime/virtual_time.ts";

/** The message a later read of the ring is queued as under virtual time (not counted). */
const READ_AGAIN: Message = [MSG.VALUES, []];
/** Macrotasks an exited worker's last messages get to arrive in. */
const EXIT_GRACE = 64;

/** A virtual-time wake-up, fired by the timer driver like a task's sleep. */
class WakeEntry implements TimerEntry {
  deadline: number;
  slot = -1;
  readonly wakesConsumer = false;
  readonly fire: () => void;

  constructor(deadline: number, fire: () => void) {
    this.deadline = deadline;
    this.fire = fire;
  }
}

/** What the report of a failure nobody awaited says. */
const UNOBSERVED = "a thread failed and nothing awaited its handle";

const RUNNING = 0;
const RETURNED = 1;
const FAILED = 2;

/** The main-thread side of one thread. */
export class Thread {
  /** The worker. */
  readonly #worker: NodeWorker;
  /** The port private to weft's runtime in the worker: every message comes on it. */
  readonly #port: MessagePort;
  /** The error the worker reported before it exited, if any. */
  #workerError: unknown = undefined;
  /** The control block as words. */
  readonly #control: Int32Array;
  /** The control block as doubles (virtual now). */
  readonly #clock: Float64Array;
  /** The ring's reader. */
  readonly #reader: ThreadReader;
  /** The channel, until the thread's sender is dropped. */
  #state: ChannelState<unknown> | null = null;
  /** Messages received from the thread. */
  #received = 0;
  /** Whether the closed receiver waits for this thread's values still crossing. */
  #flushing = false;
  /** RUNNING, RETURNED or FAILED. */
  #status = RUNNING;
  /** The result or the error, settled once when the thread ends. */
  readonly #outcome: Outcome<unknown> = new Outcome();
  /** The pending virtual-time wake-up. */
  #wake: WakeEntry | null = null;
  /** Under virtual time: messages arrived but not yet handled (see `_thread_turns.ts`). */
  readonly #queue: Message[] | null;
  /** Under virtual time: this thread's place in the turn order. */
  readonly #turn: Turn | null;
  /** Undo functions for hooks registered elsewhere. */
  #cleanups: (() => void)[] = [];
  /** Makes the error of a terminated thread. */
  readonly #terminated: (why: string) => Error;
  /** Where the thread was spawned. */
  readonly #site: Error;
  /** Makes the error of an exited thread. */
  readonly #exited: ThreadStart["exited"];

  /** Starts the worker and moves `tx` into it. */
  constructor(start: ThreadStart, tx: unknown) {
    this.#terminated = start.terminated;
    this.#site = start.site;
    this.#exited = start.exited;
    const control = new SharedArrayBuffer(LAYOUT.BYTES);
    this.#control = new Int32Array(control);
    this.#clock = new Float64Array(control);
    const ring = ThreadReader.buffer();
    const virtual = fakeTime();
    this.#reader = new ThreadReader(this.#control, ring, {
      channel: () => this.#state,
      fail: (why) => this.#fail(why),
      again: () => this.#readAgain(),
    }, virtual);
    this.#queue = virtual ? [] : null;
    this.#turn = virtual ? { busy: () => this.#running(), process: () => this.#drain() } : null;
    this.#clock[LAYOUT.NOW] = Date.now();
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = startWorker(start, port2);
    try {
      port1.postMessage(startMessage(start, control, ring, virtual));
    } catch (error) {
      this.#abandon();
      throw new TypeError("Cannot spawn the thread: its arguments cannot be cloned", {
        cause: error,
      });
    }
    try {
      this.#state = moveSender(tx);
    } catch (error) {
      this.#abandon();
      throw error;
    }
    countLive(1);
    if (this.#turn !== null) takeTurn(this.#turn);
    this.#listen();
    this.#hook(virtual);
  }

  /** Whether the thread has ended (returned, failed or been terminated). */
  get isFinished(): boolean {
    return this.#status !== RUNNING;
  }

  /** Settles like the thread: its result, or its error. */
  join(): Promise<unknown> {
    return this.#outcome.observe();
  }

  /** Resolves when the thread has ended, however it ended. */
  ended(): Promise<void> {
    return this.#outcome.whenSettled();
  }

  /**
   * The receiver was closed: the thread is stopped, then what it has handed
   * over so far joins the buffer (a closed receiver still reads what is
   * buffered). Values it accepted before it saw the stop may still be
   * crossing: unless the receiver was dropped, the receiver waits for them
   * (the thread says when it has seen the stop, or ends).
   */
  #receiverClosed(): void {
    const state = this.#state;
    // Stop first: a thread waiting for room must not take the room this read makes.
    this.stop();
    if (this.#status !== RUNNING || state === null) return;
    if (!state.dropped && !this.#flushing) {
      this.#flushing = true;
      state.beginFlush();
    }
    this.#reader.readClosed(state.dropped ? null : state);
  }

  /** Everything the thread accepted has been read: the closed receiver may end. */
  #flushed(): void {
    if (!this.#flushing) return;
    this.#flushing = false;
    this.#state?.endFlush();
  }

  /** Asks the thread to stop: its `send` throws, its `sleepSync` returns at once. */
  stop(): void {
    const control = this.#control;
    if (this.#status !== RUNNING || Atomics.load(control, LAYOUT.STOP) !== 0) return;
    Atomics.store(control, LAYOUT.STOP, 1);
    this.#clock[LAYOUT.NOW] = Date.now();
    // A sleeping thread counts as running again until it has wound down.
    Atomics.compareExchange(control, LAYOUT.STATE, LAYOUT.SLEEPING, LAYOUT.RUNNING);
    this.#cancelWake();
    this.#signal();
  }

  /**
   * Stops the thread: the handle and receiver fail with `why` at once and
   * the worker is terminated (in Deno 2.9 code spinning synchronously runs
   * on until it yields or the process exits, which no longer waits for it).
   */
  terminate(why: string): void {
    if (this.#status !== RUNNING) return;
    this.stop();
    this.#finish(FAILED, this.#terminated(why), false);
  }

  /** Ends a worker that never became a thread. */
  #abandon(): void {
    this.#port.close();
    this.#worker.terminate().catch(() => {});
  }

  #listen(): void {
    const worker = this.#worker;
    // Only the runtime's private port is listened to: what the thread's own
    // code posts (`self.postMessage`, `parentPort.postMessage`) is dropped.
    this.#port.onmessage = (event: MessageEvent<unknown>) => this.#onMessage(event.data);
    this.#port.onmessageerror = () => {
      this.#fail("Cannot receive from the thread: a message could not be read");
    };
    worker.on("error", (error: unknown) => {
      this.#workerError ??= error;
      // At its heap limit the worker exits next: the exit reports it.
      if (outOfMemory(error)) return;
      if (this.#status === RUNNING) this.#reader.read(true);
      this.#finish(FAILED, error, true);
    });
    worker.on("exit", (code: number) => this.#onExit(code, 0));
  }

  /**
   * The worker exited while the thread ran (`Deno.exit()`, `process.exit()`,
   * its heap limit): once the messages it posted before have arrived (a few
   * macrotasks at most), everything it handed over is read, then the thread
   * fails with the exit.
   */
  #onExit(code: number, waited: number): void {
    if (this.#status !== RUNNING) return;
    const posted = Atomics.load(this.#control, LAYOUT.POSTED);
    if (posted !== this.#received && waited < EXIT_GRACE) {
      macrotask(() => this.#onExit(code, waited + 1));
      return;
    }
    if (this.#queue !== null) this.#drain();
    if (this.#status !== RUNNING) return;
    this.#reader.read(true);
    const cause = this.#workerError;
    this.#finish(FAILED, this.#exited(code, cause, outOfMemory(cause)), true);
  }

  /** Fails the thread with a protocol error (`why`) and ends its worker. */
  #fail(why: string): void {
    if (this.#status !== RUNNING) return;
    this.stop();
    this.#finish(FAILED, new Error(why), true);
  }

  #hook(virtual: boolean): void {
    this.#cleanups.push(this.#state!.onReceiverClose(() => this.#receiverClosed()));
    if (virtual) {
      this.#cleanups.push(addBusyCheck(() => this.#busy()));
      // A fake clock that does not wait for weft waits for this thread.
      holdIfBusy();
    }
    const unregister = onRunEnd(() => {
      this.terminate("Cannot join: the thread was stopped, as the run() it belonged to finished");
    });
    if (unregister !== undefined) this.#cleanups.push(unregister);
  }

  #onMessage(message: unknown): void {
    if (this.#status !== RUNNING) return;
    if (!isMessage(message)) {
      return this.#fail("Cannot receive from the thread: a message that is not weft's arrived");
    }
    this.#received++;
    if (this.#queue === null) return this.#handle(message);
    this.#queue.push(message);
    runTurns();
  }

  /** Handles the messages that arrived, when it is this thread's turn. */
  #drain(): void {
    const queue = this.#queue!;
    while (queue.length > 0 && this.#status === RUNNING) this.#handle(queue.shift()!);
  }

  #handle([kind, values, extra]: Message): void {
    this.#reader.addBatch(values);
    // A thread that sleeps (virtual time) or ends has written its last values.
    this.#reader.read(kind !== MSG.VALUES);
    switch (kind) {
      case MSG.SLEEP:
        return this.#sleep(extra as number);
      case MSG.CLOSE:
        return this.#dropSender();
      case MSG.DONE:
        return this.#finish(RETURNED, extra, false);
      case MSG.FAIL:
        return this.#finish(FAILED, rebuildError(extra, this.#site), true);
      case MSG.STOPPED:
        return this.#flushed();
    }
  }

  /** A read of the ring a macrotask after one: under virtual time, in turn like a message. */
  #readAgain(): void {
    if (this.#status !== RUNNING) return;
    if (this.#queue === null) return this.#reader.read();
    // Not counted as received.
    this.#queue.push(READ_AGAIN);
    runTurns();
  }

  #sleep(ms: number): void {
    this.#cancelWake();
    this.#wake = new WakeEntry(Date.now() + ms, () => this.#wakeUp());
    insert(this.#wake);
  }

  #wakeUp(): void {
    this.#wake = null;
    if (this.#status !== RUNNING) return;
    this.#clock[LAYOUT.NOW] = Date.now();
    takeTurn(this.#turn!);
    Atomics.store(this.#control, LAYOUT.STATE, LAYOUT.RUNNING);
    this.#signal();
  }

  #signal(): void {
    Atomics.add(this.#control, LAYOUT.SIGNAL, 1);
    Atomics.notify(this.#control, LAYOUT.SIGNAL);
  }

  #cancelWake(): void {
    if (this.#wake === null) return;
    remove(this.#wake);
    this.#wake = null;
  }

  /** Whether the thread is running or has messages in flight. */
  #running(): boolean {
    if (this.#status !== RUNNING) return false;
    const control = this.#control;
    if (Atomics.load(control, LAYOUT.STATE) === LAYOUT.RUNNING) return true;
    return Atomics.load(control, LAYOUT.POSTED) !== this.#received;
  }

  /** For the test clock: running, messages in flight, or messages not yet handled. */
  #busy(): boolean {
    return this.#running() || (this.#status === RUNNING && this.#queue!.length > 0);
  }

  #dropSender(): void {
    this.#flushed();
    const state = this.#state;
    this.#state = null;
    state?.dropSender();
  }

  #finish(status: typeof RETURNED | typeof FAILED, outcome: unknown, report: boolean): void {
    if (this.#status !== RUNNING) return;
    this.#flushed();
    this.#status = status;
    const state = this.#state;
    this.#state = null;
    const seen = state !== null && !state.receiverClosed;
    if (state !== null) {
      if (status === RETURNED) state.dropSender();
      else state.failSender(outcome);
    }
    this.#release();
    const unseen = report && !seen && !(outcome instanceof SendError);
    this.#outcome.settle(status === RETURNED, outcome, unseen ? UNOBSERVED : undefined);
  }

  #release(): void {
    this.#cancelWake();
    this.#port.onmessage = null;
    this.#port.close();
    this.#worker.terminate().catch(() => {});
    for (const cleanup of this.#cleanups) cleanup();
    this.#cleanups = [];
    countLive(-1);
    if (this.#queue !== null) this.#queue.length = 0;
    if (this.#turn !== null) leaveTurns(this.#turn);
  }
}
