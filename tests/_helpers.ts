/**
 * Shared test helpers: watching a promise's state under a fake clock, and
 * capturing `console.error`.
 *
 * @module
 */
import { setImmediate } from "node:timers";

/** Where a watched promise stands. */
export type Status = "pending" | "fulfilled" | "rejected";

/** A promise being watched: its status, value or reason, read synchronously. */
export interface Watched<T> {
  /** "pending" until the promise settles. */
  readonly status: Status;
  /** The value, once fulfilled. */
  readonly value: T | undefined;
  /** The reason, once rejected. */
  readonly reason: unknown;
}

/**
 * Watches `promise` so a test can assert "still pending" and "settled"
 * without awaiting it. The rejection is handled, so it is never reported as
 * unhandled.
 */
export function watch<T>(promise: PromiseLike<T>): Watched<T> {
  const watched = {
    status: "pending" as Status,
    value: undefined as T | undefined,
    reason: undefined as unknown,
  };
  promise.then(
    (value) => {
      watched.status = "fulfilled";
      watched.value = value;
    },
    (reason) => {
      watched.status = "rejected";
      watched.reason = reason;
    },
  );
  return watched;
}

/** Resolves with what `promise` rejects with; fails if it fulfils. */
export async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (reason) {
    return reason;
  }
  throw new Error("expected the promise to reject");
}

/** Lets every pending microtask and one macrotask run; no fake clock holds it. */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `console.error` replaced by a recorder until disposed. */
export interface CapturedErrors extends Disposable {
  /** The argument lists of every call so far. */
  readonly calls: unknown[][];
}

/** Replaces `console.error` with a recorder; `using` restores it. */
export function captureConsoleError(): CapturedErrors {
  const original = console.error;
  const calls: unknown[][] = [];
  console.error = (...args: unknown[]) => {
    calls.push(args);
  };
  return {
    calls,
    [Symbol.dispose]() {
      console.error = original;
    },
  };
}

/** Records `[ms, value]` pairs against a clock's elapsed time. */
export class Timeline<T> {
  /** The pairs recorded so far. */
  readonly entries: [number, T][] = [];
  /** The clock read for each entry. */
  readonly #clock: { readonly elapsed: number };

  /** Records against `clock.elapsed`. */
  constructor(clock: { readonly elapsed: number }) {
    this.#clock = clock;
  }

  /** Appends `[now, value]`. */
  push(value: T): void {
    this.entries.push([this.#clock.elapsed, value]);
  }
}
