/**
 * Internal: the one way weft's files reach the insides of its public objects.
 *
 * - A public class keeps its state in `#private` fields and has a private
 *   constructor: its own file makes instances through a factory that the
 *   class's `static {}` block assigns to a module-scoped variable (`spawnTask`
 *   makes a `JoinHandle`, `channel()` its halves). Nothing else can settle,
 *   forge or rewire them.
 * - When another file must reach an object's state (a stream taking a
 *   channel's receiver, a thread taking a sender), the public object is the
 *   key of a `Friends` registry, filled when the object is made and exported
 *   only by the internal file that owns the state.
 *
 * No public member exists for weft's own use, and no entry point exports a
 * hook.
 *
 * @module
 */

/** Maps public objects to their internal state, for the files that own that state. */
export class Friends<S> {
  /** Public object -> its state; weak, so it keeps nothing alive. */
  readonly #states = new WeakMap<object, S>();

  /** Records `state` as the state of `handle`. */
  link(handle: object, state: S): void {
    this.#states.set(handle, state);
  }

  /** The state of `handle`, or undefined for anything that is not such an object. */
  stateOf(handle: unknown): S | undefined {
    if (typeof handle !== "object" || handle === null) return undefined;
    return this.#states.get(handle);
  }
}
