/**
 * `node:timers` for the browser page: `setImmediate` as a macrotask posted
 * through a `MessageChannel` (not clamped as a nested `setTimeout(0)` is),
 * and the page's own interval functions.
 *
 * @module
 */
/// <reference lib="dom" />

/** A pending macrotask: its callback, or null once cleared. */
interface Immediate {
  callback: (() => void) | null;
}

const queue: Immediate[] = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  const callback = queue.shift()?.callback;
  if (callback) callback();
};

/** Runs `callback` in a fresh macrotask; the handle cancels it. */
export function setImmediate(callback: () => void): Immediate {
  const immediate: Immediate = { callback };
  queue.push(immediate);
  channel.port2.postMessage(null);
  return immediate;
}

/** Cancels a macrotask that `setImmediate` queued and that has not run. */
export function clearImmediate(immediate: Immediate | undefined): void {
  if (immediate) immediate.callback = null;
}

/** `globalThis.setInterval`, captured at load. */
export const setInterval: typeof globalThis.setInterval = globalThis.setInterval.bind(globalThis);
/** `globalThis.clearInterval`, captured at load. */
export const clearInterval: typeof globalThis.clearInterval = globalThis.clearInterval.bind(
  globalThis,
);
