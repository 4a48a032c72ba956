/**
 * Internal: a deterministic order for what threads under a test clock send.
 *
 * Real threads run at once and their messages race. Under virtual time, the
 * threads due at one instant take turns instead: what each one sent is
 * handed to the main side in the order they were woken (spawned threads in
 * spawn order), a thread's messages only once every thread before it has
 * finished its part of the instant (is sleeping, or has ended, with nothing
 * in flight). The timer driver wakes threads in a fixed order, so timelines
 * with several threads are the same on every run.
 *
 * @module
 */

/** A thread under virtual time, as the turn order sees it. */
export interface Turn {
  /** Whether the thread is running or has messages in flight. */
  busy(): boolean;
  /** Hands the thread's arrived messages to the main side. */
  process(): void;
}

/** Threads by turn: the order they were spawned or last woken. */
const turns: Turn[] = [];
/** Whether `runTurns` is on the stack. */
let running = false;
/** Whether something changed while it was. */
let again = false;

/** Puts `turn` last: it was just spawned or woken. */
export function takeTurn(turn: Turn): void {
  const index = turns.indexOf(turn);
  if (index >= 0) turns.splice(index, 1);
  turns.push(turn);
}

/** Removes `turn` (its thread ended) and lets the threads after it go on. */
export function leaveTurns(turn: Turn): void {
  const index = turns.indexOf(turn);
  if (index < 0) return;
  turns.splice(index, 1);
  runTurns();
}

/** Processes arrived messages in turn order, stopping at the first busy thread. */
export function runTurns(): void {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      for (const turn of [...turns]) {
        turn.process();
        if (turn.busy()) break;
      }
    } while (again);
  } finally {
    running = false;
  }
}
