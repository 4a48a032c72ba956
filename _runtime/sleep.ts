/**
 * Internal: the two kinds of task sleep behind `sleep()`: a timed one (a wait
 * on the shared timer driver) and a zero-length one (no timer; tokio's coop
 * budget decides when it yields).
 *
 * @module
 */
import { macrotask } from "./host.ts";
import { BUDGET } from "./poll.ts";
import { resumeAfterYield } from "./scheduler.ts";
import { type Budget, currentTask, type WaitOptions } from "./task_state.ts";
import { insert, remove, type TimerEntry } from "./timer.ts";
import { SignalWait } from "./wait.ts";

/** A sleep: a timer entry whose firing resolves it. */
class SleepWait extends SignalWait<void> implements TimerEntry {
  /** When it is due (absolute ms). */
  deadline: number;
  /** Its place in the timer driver, -1 when not scheduled. */
  slot = -1;

  constructor(deadline: number) {
    super();
    this.deadline = deadline;
  }

  /** Sleeps are task wake-ups: the driver fires them after consumer deadlines. */
  get wakesConsumer(): boolean {
    return false;
  }

  /** Called by the driver at the deadline. */
  fire(): void {
    this.resolve();
  }

  protected detach(): void {
    remove(this);
  }
}

/**
 * Sleeps until `deadline` (whole ms, `Date.now()` scale) under the running
 * task and `options.signal` (checked not aborted by the caller).
 */
export function sleepUntilDeadline(
  deadline: number,
  options: WaitOptions | undefined,
): Promise<void> {
  const wait = new SleepWait(deadline);
  const promise = wait.begin(options);
  if (!wait.done) insert(wait);
  return promise;
}

/** Counts macrotasks (epochs), for the budget of zero-length sleeps. */
let epoch = 0;
/** Whether a macrotask will start the next epoch. */
let epochQueued = false;
/** Stands for code outside any task. */
const outside: Budget = { epoch: -1, used: 0 };

/**
 * `sleep(0)` completes at once, but, like tokio's (which spends the task's
 * coop budget), not forever: a task that does it 128 times within one
 * macrotask is resumed in the scheduler's next flush, before woken
 * consumers are polled (tokio puts it at the back of the run queue), and a
 * task looping on `sleep(0)` cannot starve stream consumers: they are polled
 * after at most 61 such rounds (tokio's `event_interval`).
 */
export function immediateSleep(): Promise<void> {
  const current = currentTask();
  if (current?.aborted) return Promise.reject(current.reason);
  const budget = current === undefined ? outside : (current.budget ??= { epoch: -1, used: 0 });
  if (!epochQueued) {
    epochQueued = true;
    macrotask(nextEpoch);
  }
  if (budget.epoch !== epoch) {
    budget.epoch = epoch;
    budget.used = 0;
  }
  if (++budget.used <= BUDGET) return Promise.resolve();
  return new Promise((resolve) =>
    resumeAfterYield(() => {
      // Polled again: a fresh budget.
      budget.epoch = epoch;
      budget.used = 0;
      resolve();
    })
  );
}

function nextEpoch(): void {
  epochQueued = false;
  epoch++;
}
