/**
 * `node:timers` for the browser page: `setImmediate`/`clearImmediate` as
 * macrotasks posted through a `MessageChannel` (not clamped as a nested
 * `setTimeout(0)` is), and the page's own interval functions.
 *
 * @module
 */
/// <reference lib="dom" />

/** What `setImmediate` returns: a handle for `clearImmediate`. */
export interface Immediate {
  /** The callback, or null once it ran or was cleared. */
  callback: (() => void) | null;
}

const queue: Immediate[] = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => queue.shift()?.callback?.();

/** Runs `callback(...args)` in a fresh macrotask. */
export function setImmediate<A extends unknown[]>(
  callback: (...args: A) => void,
  ...args: A
): Immediate {
  const immediate: Immediate = {
    callback: () => {
      immediate.callback = null;
      callback(...args);
    },
  };
  queue.push(immediate);
  channel.port2.postMessage(null);
  return immediate;
}

/** Cancels an immediate that has not run yet. */
export function clearImmediate(immediate: Immediate | undefined): void {
  if (immediate !== undefined) immediate.callback = null;
}

/** `globalThis.setInterval`, captured at load. */
export const setInterval: typeof globalThis.setInterval = globalThis.setInterval.bind(globalThis);
/** `globalThis.clearInterval`, captured at load. */
export const clearInterval: typeof globalThis.clearInterval = globalThis.clearInterval.bind(
  globalThis,
);
