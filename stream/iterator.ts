/**
 * Internal: the async iterator of a stream (`for await`), one pull per
 * `next()`. Leaving the loop early closes the pipeline; the loop's `return()`
 * (and the end of the stream) settle once the pipeline's cleanups have.
 *
 * @module
 */
import type { Consumer } from "../_runtime/consumer.ts";
import { DONE, PENDING } from "../_runtime/poll.ts";

const END: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** The async iterator of a stream: one pull per `next()`. */
export class StreamIterator<T> implements AsyncIterator<T> {
  /** The stream's cursor. */
  readonly #cursor: Consumer<T>;

  constructor(cursor: Consumer<T>) {
    this.#cursor = cursor;
  }

  next(): Promise<IteratorResult<T>> {
    let result;
    try {
      result = this.#cursor.pull();
    } catch (error) {
      return Promise.reject(error);
    }
    if (result === PENDING) {
      return this.#cursor.wait().then((result) =>
        result === DONE ? this.#end() : { value: result, done: false }
      );
    }
    return result === DONE ? this.#end() : Promise.resolve({ value: result, done: false });
  }

  /** Leaving the loop early: the pipeline closes; resolves once its cleanups have. */
  return(): Promise<IteratorResult<T>> {
    this.#cursor.close();
    return this.#end();
  }

  #end(): Promise<IteratorResult<T>> {
    const cleanup = this.#cursor.cleanedUp();
    return cleanup === undefined ? Promise.resolve(END) : cleanup.then(() => END);
  }
}
