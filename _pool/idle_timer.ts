/**
 * Internal: the timer that ends a pool's idle workers. It is set with the
 * `setTimeout` of the moment (so a fake clock drives it), set again when the
 * clock has been replaced since, and unref'd when real (an idle worker must
 * not keep a script alive).
 *
 * @module
 */

/** The host's setTimeout, to tell a real timer (which may be unref'd) from a fake one. */
const hostSetTimeout = globalThis.setTimeout;

/** One pool's idle-release timer. */
export class IdleTimer {
  /** What it calls when it fires. */
  readonly #fire: () => void;
  /** The pending timer, if armed. */
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The setTimeout that armed it. */
  #armedWith: typeof setTimeout = setTimeout;
  /** The clearTimeout matching it. */
  #clearTimer: typeof clearTimeout = clearTimeout;

  /** Makes a timer, not armed, that calls `fire`. */
  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** Arms it to fire in `ms`, unless it is armed already on the clock of now. */
  arm(ms: number): void {
    // A timer set under a clock since replaced (a fake clock installed or
    // uninstalled) may never fire: it is set again on the clock of now.
    if (this.#timer !== undefined && this.#armedWith === globalThis.setTimeout) return;
    this.disarm();
    // Looked up at call time, so a fake clock controls idle release.
    this.#armedWith = globalThis.setTimeout;
    this.#clearTimer = globalThis.clearTimeout;
    const timer = globalThis.setTimeout(this.#fire, ms);
    this.#timer = timer;
    unrefTimer(timer);
  }

  /** Clears it, if armed. */
  disarm(): void {
    if (this.#timer === undefined) return;
    this.#clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** Marks it fired (no longer armed); called first by its `fire`. */
  fired(): void {
    this.#timer = undefined;
  }
}

/** Lets the process exit while a real idle timer is pending; a fake timer is left alone. */
function unrefTimer(timer: unknown): void {
  if (globalThis.setTimeout !== hostSetTimeout) return;
  if (typeof timer === "number") {
    const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
    deno?.unrefTimer?.(timer);
  } else if (typeof (timer as { unref?: unknown })?.unref === "function") {
    (timer as { unref(): void }).unref();
  }
}
