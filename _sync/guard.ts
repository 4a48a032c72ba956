/**
 * Internal: what every lock guard does (`MutexGuard`, `RwLockReadGuard`,
 * `RwLockWriteGuard`): hold permits of the lock's semaphore and reach its
 * value until released, once. Each guard keeps a {@linkcode Hold} in a
 * `#private` field and forwards to it, so the guards add no public member.
 *
 * @module
 */
import type { SemaphoreState } from "./batch_semaphore.ts";

/** The value a lock protects. */
export interface Cell<T> {
  value: T;
}

function released(action: string): TypeError {
  return new TypeError(`Cannot ${action}: the guard was released`);
}

/** A guard's permits and its access to the value, until released or downgraded. */
export class Hold<T> {
  /** The lock's permits. */
  readonly #state: SemaphoreState;
  /** The value. */
  readonly #cell: Cell<T>;
  /** Permits held: 1 for a read or a mutex, every reader permit for a write. */
  readonly #permits: number;
  /** Until released or downgraded. */
  #held = true;

  constructor(state: SemaphoreState, cell: Cell<T>, permits: number) {
    this.#state = state;
    this.#cell = cell;
    this.#permits = permits;
  }

  /** The value; throws once released. */
  get value(): T {
    if (!this.#held) throw released("read the value");
    return this.#cell.value;
  }

  set value(value: T) {
    if (!this.#held) throw released("write the value");
    this.#cell.value = value;
  }

  /** Gives every permit back; harmless when released. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#state.release(this.#permits);
  }

  /**
   * Ends this hold but one of its permits, which the guard `make` builds
   * keeps: nobody can take the lock in between.
   */
  downgrade<G>(make: (state: SemaphoreState, cell: Cell<T>) => G): G {
    if (!this.#held) throw released("downgrade the guard");
    this.#held = false;
    const guard = make(this.#state, this.#cell);
    this.#state.release(this.#permits - 1);
    return guard;
  }
}
