import { GROUP_DESCRIPTOR_SIZE, type ExtGeometry } from './ext-geometry';

/**
 * `struct ext2_group_desc`, 32 bytes per group (KDOC `group_descr.rst`, the fields before the 64bit half):
 * where the group's bitmaps and inode table are, and its free block, free inode and directory counts. No
 * `bg_flags` and no checksum: the filesystem has neither uninit_bg nor metadata_csum.
 */
export interface GroupCounts {
  freeBlocks: number;
  freeInodes: number;
  directories: number;
}

/** The whole descriptor table, padded to its blocks (the same bytes go into every backup group). */
export function buildDescriptorTable(geometry: ExtGeometry, counts: readonly GroupCounts[]): Uint8Array {
  const table = new Uint8Array(geometry.descriptorBlocks * geometry.blockSize);
  const view = new DataView(table.buffer);
  for (const group of geometry.groups) {
    const at = group.index * GROUP_DESCRIPTOR_SIZE;
    const count = counts[group.index]!;
    view.setUint32(at + 0x00, group.blockBitmap, true);
    view.setUint32(at + 0x04, group.inodeBitmap, true);
    view.setUint32(at + 0x08, group.inodeTable, true);
    view.setUint16(at + 0x0c, count.freeBlocks, true);
    view.setUint16(at + 0x0e, count.freeInodes, true);
    view.setUint16(at + 0x10, count.directories, true);
  }
  return table;
}
