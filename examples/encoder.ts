/**
 * The chapter's "video encoding" work, shared by `examples/encoding.ts` (on
 * the blocking pool, in a terminal) and `examples/browser/` (on threads, in
 * a page): generated frames, and an encoder (an 8x8 DCT, quantisation, then
 * run-length coding of the zeros, JPEG's steps) that is self-contained, so
 * it can be sent to a worker as source.
 *
 * @module
 */

/** What the encoder needs from its worker: a cancellation check and a way to move its output. */
export interface EncoderContext {
  /** Throws if the work has been cancelled. */
  throwIfCancelled(): void;
  /** Moves `items` back with the result instead of copying them. */
  transfer(...items: ArrayBufferView[]): void;
}

/** Frame size and count: about two seconds of work for one idle core. */
export const WIDTH = 640;
/** Frame height. */
export const HEIGHT = 384;
/** Frames per run. */
export const FRAMES = 32;
/** JPEG's quality factor (1-100). */
export const QUALITY = 50;

/** What a worker sends back for one frame. */
export interface EncodedFrame {
  /** The frame's index. */
  index: number;
  /** The quantised coefficients, run-length coded. */
  data: Uint8Array;
  /** FNV-1a of the quantised coefficients, to compare runs. */
  checksum: number;
}

/** A grey frame: moving waves, a moving disc and some grain. */
export function makeFrame(index: number, width = WIDTH, height = HEIGHT): Uint8Array {
  const pixels = new Uint8Array(width * height);
  const across = Float64Array.from({ length: width }, (_, x) => Math.sin((x + index * 4) / 23));
  const down = Float64Array.from({ length: height }, (_, y) => 60 * Math.cos((y - index * 3) / 17));
  const [cx, cy] = [(index * 9) % width, height / 2 + Math.sin(index / 5) * height / 4];
  let seed = (index + 1) * 0x9e3779b1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const disc = (x - cx) ** 2 + (y - cy) ** 2 < 1600 ? 50 : 0;
      pixels[y * width + x] = 120 + across[x]! * down[y]! + disc + (seed & 7);
    }
  }
  return pixels;
}

/**
 * The encoder, run on a worker: self-contained (it is sent as source), so
 * its tables live inside it. It checks for cancellation after each row of
 * blocks and moves its output back instead of copying it.
 */
export function encodeFrame(
  ctx: EncoderContext,
  index: number,
  pixels: Uint8Array,
  width: number,
  quality: number,
): EncodedFrame {
  const LUMA = [
    16,
    11,
    10,
    16,
    24,
    40,
    51,
    61,
    12,
    12,
    14,
    19,
    26,
    58,
    60,
    55,
    14,
    13,
    16,
    24,
    40,
    57,
    69,
    56,
    14,
    17,
    22,
    29,
    51,
    87,
    80,
    62,
    18,
    22,
    37,
    56,
    68,
    109,
    103,
    77,
    24,
    35,
    55,
    64,
    81,
    104,
    113,
    92,
    49,
    64,
    78,
    87,
    103,
    121,
    120,
    101,
    72,
    92,
    95,
    98,
    112,
    100,
    103,
    99,
  ];
  const scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
  const steps = LUMA.map((q) => Math.max(1, Math.floor((q * scale + 50) / 100)));
  const cos = new Float64Array(64);
  for (let u = 0; u < 8; u++) {
    for (let x = 0; x < 8; x++) {
      cos[u * 8 + x] = Math.cos(((2 * x + 1) * u * Math.PI) / 16) * (u === 0 ? Math.SQRT1_2 : 1);
    }
  }
  const height = pixels.length / width;
  const out = new Int8Array(pixels.length);
  const block = new Float64Array(64);
  let n = 0;
  for (let by = 0; by < height; by += 8) {
    ctx.throwIfCancelled();
    for (let bx = 0; bx < width; bx += 8) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) block[y * 8 + x] = pixels[(by + y) * width + bx + x]! - 128;
      }
      // The naive 2-D DCT: 4096 multiply-adds per block, the CPU-bound part.
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          let sum = 0;
          for (let y = 0; y < 8; y++) {
            for (let x = 0; x < 8; x++) {
              sum += block[y * 8 + x]! * cos[u * 8 + x]! * cos[v * 8 + y]!;
            }
          }
          const q = Math.round(sum / 4 / steps[v * 8 + u]!);
          out[n++] = Math.max(-128, Math.min(127, q));
        }
      }
    }
  }
  // Entropy coding, JPEG's way in spirit: each non-zero coefficient as
  // (zeros before it, value), runs capped at 255.
  const coded = new Uint8Array(2 * n + 2);
  let [length, zeros, checksum] = [0, 0, 0x811c9dc5];
  for (let i = 0; i < n; i++) {
    const value = out[i]!;
    checksum = Math.imul(checksum ^ (value & 0xff), 0x01000193);
    if (value === 0 && zeros < 255) {
      zeros++;
      continue;
    }
    coded[length++] = zeros;
    coded[length++] = value & 0xff;
    zeros = 0;
  }
  coded[length++] = zeros;
  const data = coded.slice(0, length);
  ctx.transfer(data);
  return { index, data, checksum: checksum >>> 0 };
}
