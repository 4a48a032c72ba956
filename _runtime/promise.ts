/**
 * Internal: `Promise.withResolvers()`, native where the runtime has it, and a
 * small equivalent for those that do not (Node 20).
 *
 * @module
 */

function polyfill<T>(): PromiseWithResolvers<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A promise together with its resolve and reject functions. */
export const withResolvers: <T>() => PromiseWithResolvers<T> =
  typeof Promise.withResolvers === "function" ? () => Promise.withResolvers() : polyfill;
