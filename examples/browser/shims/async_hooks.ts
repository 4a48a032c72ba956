/**
 * `node:async_hooks` for the browser page: an `AsyncLocalStorage` whose store
 * lasts for the synchronous part of `run` only. Browsers have no way to carry
 * a context across `await` (the TC39 AsyncContext proposal would), so in a
 * page weft ties a `sleep`, `recv` or `spawnThread` to its task or `run()`
 * only when it is called before the task's first `await`. The page calls
 * `spawnThread` and `spawnTask` first thing in `run()`, so it is unaffected.
 *
 * @module
 */

/** The synchronous part of Node's `AsyncLocalStorage`. */
export class AsyncLocalStorage<T> {
  #store: T | undefined = undefined;

  /** The store of the `run` being executed, synchronously. */
  getStore(): T | undefined {
    return this.#store;
  }

  /** Calls `fn(...args)` with `store` as the store. */
  run<R, A extends unknown[]>(store: T, fn: (...args: A) => R, ...args: A): R {
    const previous = this.#store;
    this.#store = store;
    try {
      return fn(...args);
    } finally {
      this.#store = previous;
    }
  }

  /** Calls `fn(...args)` with no store. */
  exit<R, A extends unknown[]>(fn: (...args: A) => R, ...args: A): R {
    const previous = this.#store;
    this.#store = undefined;
    try {
      return fn(...args);
    } finally {
      this.#store = previous;
    }
  }
}
