/**
 * The jobs of `bench/blocking.ts`, as the peers' workers load them: piscina
 * and tinypool import this module and call the named export with the task;
 * workerpool's and poolifier's worker modules register them. weft sends the
 * same code inline (`hashRounds` is self-contained).
 *
 * @module
 */

/** The tiny job: one number in, one out. */
export function tiny(x: number): number {
  return x + 1;
}

/** The CPU-bound job: xorshift and FNV-1a, `rounds` times; self-contained. */
export function hashRounds(seed: number, rounds: number): number {
  let x = seed | 1;
  let h = 0x811c9dc5;
  for (let i = 0; i < rounds; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    h = Math.imul(h ^ (x & 0xff), 0x01000193);
  }
  return h >>> 0;
}

/** The CPU-bound job as the peers take it: one task object. */
export function hash(task: { seed: number; rounds: number }): number {
  return hashRounds(task.seed, task.rounds);
}
