import type { ExtGeometry, GroupLayout } from './ext-geometry';

/**
 * Block and inode bitmaps (KDOC `bitmaps.rst`): one block each per group, bit i (least significant first) for
 * the group's i-th block or inode. Bits past the end of a short last group, and past the group's inodes in the
 * inode bitmap block, are set: e2fsck pass 5 reports unset padding ("Padding at end of ... bitmap is not set").
 */
export function buildBlockBitmap(geometry: ExtGeometry, group: GroupLayout, used: Uint8Array): Uint8Array {
  const bitmap = new Uint8Array(geometry.blockSize);
  for (let i = 0; i < geometry.blockSize * 8; i++) {
    if (i >= group.blocks || used[group.start + i]) setBit(bitmap, i);
  }
  return bitmap;
}

/** `usedInodes` holds inode numbers (1-based, as ext2 counts them). */
export function buildInodeBitmap(geometry: ExtGeometry, group: GroupLayout, usedInodes: ReadonlySet<number>): Uint8Array {
  const bitmap = new Uint8Array(geometry.blockSize);
  const first = group.index * geometry.inodesPerGroup + 1;
  for (let i = 0; i < geometry.blockSize * 8; i++) {
    if (i >= geometry.inodesPerGroup || usedInodes.has(first + i)) setBit(bitmap, i);
  }
  return bitmap;
}

function setBit(bitmap: Uint8Array, bit: number): void {
  bitmap[bit >> 3]! |= 1 << (bit & 7);
}
