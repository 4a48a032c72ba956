/**
 * The worker side of row 3's hand-written baselines. It posts "ready" once
 * loaded, then waits for one start message and produces 0..n-1 (or the
 * objects `{ i, s }`) in the requested way.
 *
 * @module
 */
import { makeObject, RING, type WorkerStart } from "./_baselines.ts";

/** The worker global as this module uses it (checked with the window types). */
interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerStart>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;

function produce(start: WorkerStart): void {
  const { n, batch } = start;
  switch (start.mode) {
    case "per-item":
      for (let i = 0; i < n; i++) scope.postMessage(i);
      break;
    case "array":
      for (let i = 0; i < n; i += batch) {
        const end = Math.min(n, i + batch);
        const values: number[] = [];
        for (let k = i; k < end; k++) values.push(k);
        scope.postMessage(values);
      }
      break;
    case "float64":
      for (let i = 0; i < n; i += batch) {
        const end = Math.min(n, i + batch);
        const values = new Float64Array(end - i);
        for (let k = i; k < end; k++) values[k - i] = k;
        scope.postMessage(values, [values.buffer]);
      }
      break;
    case "objects":
      for (let i = 0; i < n; i += batch) {
        const end = Math.min(n, i + batch);
        const values: { i: number; s: string }[] = [];
        for (let k = i; k < end; k++) values.push(makeObject(k));
        scope.postMessage(values);
      }
      break;
    case "ring": {
      const capacity = start.capacity!;
      const control = new Int32Array(start.ring!, 0, 4);
      const data = new Float64Array(start.ring!, RING.DATA_OFFSET, capacity);
      const mask = capacity - 1;
      let head = 0;
      let i = 0;
      while (i < n) {
        let tail = Atomics.load(control, RING.TAIL);
        while (head - tail === capacity) {
          Atomics.wait(control, RING.TAIL, tail);
          tail = Atomics.load(control, RING.TAIL);
        }
        // Write what fits, at most 4096 at a time, then publish and wake.
        const end = Math.min(n, i + capacity - (head - tail), i + 4096);
        for (; i < end; i++, head++) data[head & mask] = i;
        Atomics.store(control, RING.HEAD, head);
        Atomics.notify(control, RING.HEAD);
      }
      Atomics.store(control, RING.CLOSED, 1);
      Atomics.notify(control, RING.HEAD);
      return;
    }
  }
  scope.postMessage(null);
}

scope.onmessage = (event: MessageEvent<WorkerStart>) => {
  scope.onmessage = null;
  produce(event.data);
};
scope.postMessage("ready");
