/**
 * XXH64 (Yann Collet, "xxHash fast digest algorithm", doc/xxhash_spec.md §XXH64), seed 0, as XenServer 8.1+
 * writes it into `Ref:N/00000000.xxhash` files: `Printf.sprintf "%016LX"` of the 64-bit value (xapi
 * stream_vdi.ml), i.e. 16 upper-case hex digits, most significant first.
 *
 * 64-bit arithmetic is done on two 32-bit halves (BigInt per lane would be far too slow for 1 MiB chunks):
 * multiplication splits each operand into 16-bit limbs so every partial product stays exact in a double.
 */
const PRIME1 = [0x9e3779b1, 0x85ebca87] as const;
const PRIME2 = [0xc2b2ae3d, 0x27d4eb4f] as const;
const PRIME3 = [0x165667b1, 0x9e3779f9] as const;
const PRIME4 = [0x85ebca77, 0xc2b2ae63] as const;
const PRIME5 = [0x27d4eb2f, 0x165667c5] as const;

/** A 64-bit value as [high 32 bits, low 32 bits], both unsigned. */
type U64 = [number, number];

function add(a: readonly number[], b: readonly number[]): U64 {
  const lo = a[1]! + b[1]!;
  return [(a[0]! + b[0]! + (lo > 0xffffffff ? 1 : 0)) >>> 0, lo >>> 0];
}

function multiply(a: readonly number[], b: readonly number[]): U64 {
  const a0 = a[1]! & 0xffff, a1 = a[1]! >>> 16, a2 = a[0]! & 0xffff, a3 = a[0]! >>> 16;
  const b0 = b[1]! & 0xffff, b1 = b[1]! >>> 16, b2 = b[0]! & 0xffff, b3 = b[0]! >>> 16;
  let c0 = a0 * b0;
  let c1 = (c0 >>> 16) + a0 * b1;
  let c2 = c1 >>> 16;
  c1 = (c1 & 0xffff) + a1 * b0;
  c2 += c1 >>> 16;
  c2 += a0 * b2;
  let c3 = c2 >>> 16;
  c2 = (c2 & 0xffff) + a1 * b1;
  c3 += c2 >>> 16;
  c2 = (c2 & 0xffff) + a2 * b0;
  c3 += c2 >>> 16;
  c3 += a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  c0 &= 0xffff;
  c1 &= 0xffff;
  c2 &= 0xffff;
  c3 &= 0xffff;
  return [((c3 << 16) | c2) >>> 0, ((c1 << 16) | c0) >>> 0];
}

function rotateLeft(a: readonly number[], bits: number): U64 {
  const [hi, lo] = bits >= 32 ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const n = bits % 32;
  if (n === 0) return [hi, lo];
  return [((hi << n) | (lo >>> (32 - n))) >>> 0, ((lo << n) | (hi >>> (32 - n))) >>> 0];
}

function xor(a: readonly number[], b: readonly number[]): U64 {
  return [(a[0]! ^ b[0]!) >>> 0, (a[1]! ^ b[1]!) >>> 0];
}

function shiftRight(a: readonly number[], bits: number): U64 {
  if (bits >= 32) return [0, a[0]! >>> (bits - 32)];
  return [a[0]! >>> bits, ((a[1]! >>> bits) | (a[0]! << (32 - bits))) >>> 0];
}

function lane64(view: DataView, at: number): U64 {
  return [view.getUint32(at + 4, true), view.getUint32(at, true)];
}

/** Spec "round": acc + lane × PRIME2, rotated left 31, × PRIME1. */
function round(acc: readonly number[], lane: readonly number[]): U64 {
  return multiply(rotateLeft(add(acc, multiply(lane, PRIME2)), 31), PRIME1);
}

function mergeAccumulator(acc: readonly number[], value: readonly number[]): U64 {
  return add(multiply(xor(acc, round([0, 0], value)), PRIME1), PRIME4);
}

/** XXH64 of `data` with seed 0, as [high, low]. */
export function xxhash64(data: Uint8Array): U64 {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = data.length;
  let at = 0;
  let acc: U64;
  if (length >= 32) {
    let v1 = add(PRIME1, PRIME2);
    let v2: U64 = [PRIME2[0], PRIME2[1]];
    let v3: U64 = [0, 0];
    let v4 = add([0, 0], negate(PRIME1));
    for (const limit = length - 32; at <= limit; at += 32) {
      v1 = round(v1, lane64(view, at));
      v2 = round(v2, lane64(view, at + 8));
      v3 = round(v3, lane64(view, at + 16));
      v4 = round(v4, lane64(view, at + 24));
    }
    acc = add(add(rotateLeft(v1, 1), rotateLeft(v2, 7)), add(rotateLeft(v3, 12), rotateLeft(v4, 18)));
    for (const v of [v1, v2, v3, v4]) acc = mergeAccumulator(acc, v);
  } else {
    acc = [PRIME5[0], PRIME5[1]];
  }
  acc = add(acc, [Math.floor(length / 0x100000000), length >>> 0]);
  for (; at + 8 <= length; at += 8) {
    acc = add(multiply(rotateLeft(xor(acc, round([0, 0], lane64(view, at))), 27), PRIME1), PRIME4);
  }
  if (at + 4 <= length) {
    acc = add(multiply(rotateLeft(xor(acc, multiply([0, view.getUint32(at, true)], PRIME1)), 23), PRIME2), PRIME3);
    at += 4;
  }
  for (; at < length; at++) {
    acc = multiply(rotateLeft(xor(acc, multiply([0, data[at]!], PRIME5)), 11), PRIME1);
  }
  // Avalanche.
  acc = multiply(xor(acc, shiftRight(acc, 33)), PRIME2);
  acc = multiply(xor(acc, shiftRight(acc, 29)), PRIME3);
  return xor(acc, shiftRight(acc, 32));
}

function negate(a: readonly number[]): U64 {
  return add([~a[0]! >>> 0, ~a[1]! >>> 0], [0, 1]);
}

/** The form XenServer writes into `.xxhash` files: 16 upper-case hex digits. */
export function xxhash64Hex(data: Uint8Array): string {
  const [hi, lo] = xxhash64(data);
  return (hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')).toUpperCase();
}
