/**
 * Internal: a real macrotask, captured when weft loads so that fake clocks
 * (which replace `globalThis.setImmediate`/`setTimeout`) never delay it.
 *
 * weft uses it to run work "after every ready task has had its turn": the
 * deferred re-poll of woken stream consumers and `yieldNow()`. A macrotask runs
 * only once the microtask queue is empty, and unlike a nested `setTimeout(0)` it
 * is not clamped to 4 ms.
 *
 * @module
 */
import { setImmediate as nodeSetImmediate } from "node:timers";

/** Runs `callback` in a fresh macrotask, unaffected by fake clocks. */
export const macrotask: (callback: () => void) => void = nodeSetImmediate;
