/**
 * Row 5's idle Worker: it says it is up, then does nothing.
 *
 * @module
 */
(globalThis as unknown as { postMessage(message: unknown): void }).postMessage("ready");
