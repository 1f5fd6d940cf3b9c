import { crc32cRaw } from '../../io/crc32c';
import type { Superblock } from './superblock';

/**
 * Block and inode bitmaps: one bit per block (cluster) or inode of a group, least significant bit first.
 * Under metadata_csum each has a crc32c(seed, bitmap[0 .. per-group/8)) in its group descriptor
 * (E2FS csum.c `ext2fs_block_bitmap_csum_set`; KDOC `checksums.rst`).
 */
export function blockBitmapChecksum(sb: Superblock, seed: number, bitmap: Uint8Array): number {
  return crc32cRaw(seed, bitmap.subarray(0, sb.clustersPerGroup / 8));
}

/** Compares with the stored value, which is 16 bits wide when the descriptor has no `_hi` half. */
export function blockBitmapChecksumMatches(sb: Superblock, computed: number, stored: number): boolean {
  return sb.descSize >= 0x3a ? computed === stored : (computed & 0xffff) === stored;
}

export function testBit(bitmap: Uint8Array, bit: number): boolean {
  return (bitmap[bit >>> 3]! & (1 << (bit & 7))) !== 0;
}

export function setBit(bitmap: Uint8Array, bit: number): void {
  bitmap[bit >>> 3]! |= 1 << (bit & 7);
}

export function clearBit(bitmap: Uint8Array, bit: number): void {
  bitmap[bit >>> 3]! &= ~(1 << (bit & 7));
}

/** The first clear bit in [from, to), or -1. Skips full bytes eight bits at a time. */
export function findClearBit(bitmap: Uint8Array, from: number, to: number): number {
  let bit = from;
  while (bit < to) {
    if ((bit & 7) === 0 && bit + 8 <= to && bitmap[bit >>> 3] === 0xff) {
      bit += 8;
      continue;
    }
    if (!testBit(bitmap, bit)) return bit;
    bit++;
  }
  return -1;
}
