/**
 * Both ends of a thread's ring (`_thread/ring.ts`) on one SharedArrayBuffer,
 * without a Worker: what the writer writes, the reader reads in order; an
 * index the writer's side moved where no writer would is CORRUPT, never a
 * spin or a made-up value.
 */
import fc from "fast-check";
import { LAYOUT } from "../_thread/protocol.ts";
import {
  BLOCKED,
  CORRUPT,
  EMPTY,
  PARKED,
  READ,
  RingReader,
  type RingSink,
  ringWriter,
} from "../_thread/ring.ts";
import { assert, assertEquals } from "./_assert.ts";

/** A ring of `capacity` slots, its writer, its reader and what was read. */
function ring(capacity = 8) {
  const control = new Int32Array(new SharedArrayBuffer(LAYOUT.BYTES));
  const buffer = RingReader.buffer(capacity);
  const writer = ringWriter(control, buffer, capacity, LAYOUT);
  const reader = new RingReader(control, buffer, capacity);
  const got: unknown[] = [];
  const sink: RingSink = {
    push: (value) => got.push(value),
    pushAll: (values, start = 0, count = values.length - start) => {
      for (let i = 0; i < count; i++) got.push(values[start + i]);
    },
  };
  return { control, writer, reader, got, sink };
}

// -- Reading what was written --

Deno.test("numbers and marked values are read in send order", () => {
  const { writer, reader, got, sink } = ring();
  writer.number(1);
  writer.marker();
  writer.number(3);
  writer.publish();
  assertEquals(reader.read(sink, false, 100), BLOCKED);
  assertEquals(got, [1]);
  reader.addBatch(["two"]);
  assertEquals(reader.read(sink, false, 100), READ);
  assertEquals(got, [1, "two", 3]);
  assertEquals(reader.read(sink, false, 100), EMPTY);
  assertEquals(reader.read(sink, true, 100), PARKED);
});

Deno.test("unpublished slots are not read; read slots are released", () => {
  const { control, writer, reader, got, sink } = ring(4);
  writer.number(1);
  assertEquals(reader.read(sink, false, 100), EMPTY);
  writer.publish();
  assertEquals(writer.free(), 3);
  assertEquals(reader.read(sink, false, 100), READ);
  assertEquals([got, Atomics.load(control, LAYOUT.TAIL), writer.free()], [[1], 1, 4]);
});

Deno.test("property: any sequence, any read sizes, wrapping the ring: the same sequence", () => {
  fc.assert(fc.property(
    fc.array(fc.oneof(fc.double({ noNaN: true }), fc.string()), { maxLength: 60 }),
    fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }),
    (values, reads) => {
      const { writer, reader, got, sink } = ring(8);
      let next = 0;
      let r = 0;
      while (got.length < values.length) {
        while (next < values.length && writer.free() > 0) {
          const value = values[next++]!;
          if (typeof value === "number") writer.number(value);
          else {
            reader.addBatch([value]);
            writer.marker();
          }
        }
        writer.publish();
        assert(reader.read(sink, false, reads[r++ % reads.length]!) !== CORRUPT);
      }
      assertEquals(got, values);
    },
  ));
});

// -- Untrusted indices (issue 12, fault 4) --

Deno.test("HEAD behind TAIL is CORRUPT at once, without a spin", () => {
  const { control, writer, reader, got, sink } = ring();
  writer.number(1);
  writer.publish();
  reader.read(sink, false, 100);
  Atomics.store(control, LAYOUT.HEAD, -5);
  assertEquals(reader.read(sink, false, 100), CORRUPT);
  assert(reader.corruption!.includes("head -5"), reader.corruption!);
  assertEquals(got, [1]);
  assertEquals(reader.read(sink, true, 100), CORRUPT);
});

Deno.test("HEAD more than the ring ahead is CORRUPT; nothing is read", () => {
  const { control, reader, got, sink } = ring();
  Atomics.store(control, LAYOUT.HEAD, 1_000_000);
  assertEquals(reader.read(sink, false, 100), CORRUPT);
  assertEquals(got, []);
});

Deno.test("HEAD ahead over slots never written is CORRUPT after the written ones", () => {
  const { control, writer, reader, got, sink } = ring();
  writer.number(1);
  writer.number(2);
  Atomics.store(control, LAYOUT.HEAD, 6);
  assertEquals(reader.read(sink, false, 100), CORRUPT);
  assertEquals(got, [1, 2]);
});

Deno.test("a slot read once is EMPTY: moving HEAD back over it again is CORRUPT", () => {
  const { control, writer, reader, got, sink } = ring();
  writer.number(1);
  writer.publish();
  reader.read(sink, false, 100);
  Atomics.store(control, LAYOUT.HEAD, 9); // a lap later, over the same slot
  assertEquals(reader.read(sink, false, 100), CORRUPT);
  assertEquals(got, [1]);
});
