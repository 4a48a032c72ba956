/**
 * Internal: what the test clock (`testing.ts`) and the runtime tell each
 * other, so that neither imports the other: whether a clock is installed, and
 * the checks by which parts of weft (threads) hold it while they have work in
 * flight at the current instant.
 *
 * @module
 */

/** What the runtime needs of an installed test clock. */
export interface VirtualClock {
  /** Virtual ms since the clock was installed. */
  readonly elapsed: number;
  /** Advances virtual time by `ms`, letting weft settle at each instant. */
  tick(ms: number): Promise<void>;
  /** Lets weft settle at the current instant. */
  settle(): Promise<void>;
}

/** The installed test clock, if any. */
let installed: VirtualClock | null = null;

/** Checks that are true while some part of weft has work in flight. */
const busyChecks = new Set<() => boolean>();

/** The installed test clock, or null under real time. */
export function installedClock(): VirtualClock | null {
  return installed;
}

/** Records the test clock being installed (a clock) or removed (null). */
export function setInstalledClock(clock: VirtualClock | null): void {
  installed = clock;
}

/** Registers a check that is true while work is in flight; returns its remover. */
export function addBusyCheck(check: () => boolean): () => void {
  busyChecks.add(check);
  return () => busyChecks.delete(check);
}

/** Whether a registered check says work is in flight. */
export function busyElsewhere(): boolean {
  for (const check of busyChecks) if (check()) return true;
  return false;
}
