/**
 * The LZ4 "legacy" frame, the only LZ4 container the kernel unpacks an initramfs from (lib/decompress_unlz4.c;
 * what `lz4 -l` and Ubuntu 19.10–21.10's initramfs-tools write): the magic 0x184C2102, then blocks of a 32-bit
 * little-endian compressed size and an LZ4 block (lz4 Block_format.md) that expands to at most 8 MiB. Blocks are
 * independent, so they are decoded one at a time and memory stays at one block.
 */
export const LZ4_LEGACY_MAGIC = 0x184c2102;
const BLOCK_MAX = 8 * 1024 * 1024;
/** LZ4_compressBound(8 MiB): a larger "size" is not a block (trailing data, padding, another segment). */
const COMPRESSED_MAX = BLOCK_MAX + Math.floor(BLOCK_MAX / 255) + 16;

export class Lz4Error extends Error {}

/** Yields the decompressed blocks of the legacy frame(s) starting at `offset`. */
export function* lz4LegacyBlocks(bytes: Uint8Array, offset: number): Generator<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = offset;
  if (at + 4 > bytes.length || view.getUint32(at, true) !== LZ4_LEGACY_MAGIC) throw new Lz4Error('not an LZ4 legacy frame');
  at += 4;
  while (at + 4 <= bytes.length) {
    const size = view.getUint32(at, true);
    if (size === LZ4_LEGACY_MAGIC) {
      at += 4; // frames concatenated
      continue;
    }
    if (size === 0 || size > COMPRESSED_MAX) return;
    at += 4;
    if (at + size > bytes.length) throw new Lz4Error(`an LZ4 block of ${size} bytes runs past the end of the data`);
    yield decodeLz4Block(bytes.subarray(at, at + size), BLOCK_MAX);
    at += size;
  }
}

/** Decodes one LZ4 block: sequences of (token, literals, 16-bit offset, match length); the last has literals only. */
export function decodeLz4Block(src: Uint8Array, capacity: number): Uint8Array {
  const out = new Uint8Array(capacity);
  let ip = 0;
  let op = 0;
  const length = (initial: number): number => {
    let n = initial;
    if (initial === 15) {
      for (;;) {
        if (ip >= src.length) throw new Lz4Error('an LZ4 length runs past the end of its block');
        const byte = src[ip++]!;
        n += byte;
        if (byte !== 255) break;
      }
    }
    return n;
  };
  while (ip < src.length) {
    const token = src[ip++]!;
    const literals = length(token >> 4);
    if (ip + literals > src.length || op + literals > capacity) throw new Lz4Error('LZ4 literals run past the end of a block');
    out.set(src.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip >= src.length) break; // the last sequence ends after its literals
    if (ip + 2 > src.length) throw new Lz4Error('an LZ4 match offset is cut off');
    const distance = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (distance === 0 || distance > op) throw new Lz4Error('an LZ4 match points before the start of the block');
    const match = length(token & 15) + 4;
    if (op + match > capacity) throw new Lz4Error('an LZ4 match runs past the block size');
    // Overlapping copies repeat the recent bytes, so copy forward one byte at a time where they overlap.
    if (distance >= match) out.copyWithin(op, op - distance, op - distance + match);
    else for (let i = 0; i < match; i++) out[op + i] = out[op - distance + i]!;
    op += match;
  }
  return out.subarray(0, op);
}
