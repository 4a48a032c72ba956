/**
 * Internal: the `run()` a pool's job is spawned in. A job spawned under a
 * run belongs to it: when the run ends, the scheduler (`scheduler.ts`)
 * cancels its jobs and terminates their workers. The pool registers its
 * end-of-run cleanup once per run.
 *
 * @module
 */
import type { Scope } from "../_runtime/task_state.ts";
import { currentTask, onRunEnd } from "../_runtime/task_state.ts";
import type { Job } from "./job.ts";

/** The runs one pool has registered an end-of-run cleanup with. */
export class Runs {
  /** The runs registered with. */
  readonly #scopes = new WeakSet<Scope>();
  /** The cleanup at a run's end. */
  readonly #ended: (scope: Scope) => void;

  /** Calls `ended` at the end of each run a job joins. */
  constructor(ended: (scope: Scope) => void) {
    this.#ended = ended;
  }

  /**
   * Under a run(): remembers it, and registers (once per run) the cleanup at
   * its end. False if the run is shutting down.
   */
  join(job: Job): boolean {
    const scope = currentTask()?.scope ?? null;
    if (scope === null) return true;
    if (scope.closed) return false;
    job.scope = scope;
    if (this.#scopes.has(scope)) return true;
    this.#scopes.add(scope);
    onRunEnd(() => this.#ended(scope));
    return true;
  }

  /** The run has ended: a new job of it registers again. */
  forget(scope: Scope): void {
    this.#scopes.delete(scope);
  }
}
