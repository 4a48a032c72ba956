/**
 * `node:timers` for the browser page: `setImmediate` as a macrotask posted
 * through a `MessageChannel` (not clamped as a nested `setTimeout(0)` is),
 * and the page's own interval functions.
 *
 * @module
 */
/// <reference lib="dom" />

const queue: (() => void)[] = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => queue.shift()?.();

/** Runs `callback` in a fresh macrotask. */
export function setImmediate(callback: () => void): void {
  queue.push(callback);
  channel.port2.postMessage(null);
}

/** `globalThis.setInterval`, captured at load. */
export const setInterval: typeof globalThis.setInterval = globalThis.setInterval.bind(globalThis);
/** `globalThis.clearInterval`, captured at load. */
export const clearInterval: typeof globalThis.clearInterval = globalThis.clearInterval.bind(
  globalThis,
);
