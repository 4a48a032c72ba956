import { assertEquals } from "./_assert.ts";
import { Queue } from "../_channel/queue.ts";

function filled(n: number): Queue<number> {
  const queue = new Queue<number>();
  for (let i = 0; i < n; i++) queue.push(i);
  return queue;
}

Deno.test("drainTo() hands items in order, up to max, across segments", () => {
  const queue = filled(20);
  for (let i = 0; i < 10; i++) queue.shift();
  for (let i = 20; i < 30; i++) queue.push(i); // spans the first segments
  const seen: number[] = [];
  assertEquals(queue.drainTo((n) => seen.push(n) > 0, 15), 15);
  assertEquals(seen, Array.from({ length: 15 }, (_, i) => i + 10));
  assertEquals(queue.length, 5);
  assertEquals(queue.shift(), 25);
});

Deno.test("drainTo() stops when the sink says so, keeping the rest, and reports it", () => {
  const queue = filled(5);
  const seen: number[] = [];
  const result = queue.drainTo((n) => {
    seen.push(n);
    return n < 2;
  }, 10);
  assertEquals(result, ~3);
  assertEquals(seen, [0, 1, 2]);
  assertEquals(queue.length, 2);
  assertEquals(queue.shift(), 3);
});

Deno.test("pushAll() appends a slice in order, growing across segments", () => {
  const queue = filled(10);
  for (let i = 0; i < 8; i++) queue.shift();
  const values = Array.from({ length: 40 }, (_, i) => 100 + i);
  queue.pushAll(values, 5, 30); // 2 left + 30 > 16 slots: chains segments
  const out: number[] = [];
  while (queue.length > 0) out.push(queue.shift());
  assertEquals(out, [8, 9, ...values.slice(5, 35)]);
});
