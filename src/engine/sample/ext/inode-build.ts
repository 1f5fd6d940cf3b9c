import { INODE_SIZE } from './ext-geometry';

/**
 * `struct ext2_inode`, 128 bytes (KDOC `inodes.rst`; offsets as there). Times are one value (a fresh filesystem),
 * owner root, no flags, no extended attributes.
 */
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

export interface InodeFields {
  /** Type and permission bits. */
  mode: number;
  size: number;
  linksCount: number;
  /** i_blocks: 512-byte units of every block the inode owns, data and indirect (KDOC `inodes.rst`). */
  sectors: number;
  /** i_block: block pointers, or a fast symlink's target. */
  iBlock: Uint8Array;
  time: number;
}

export function buildInode(fields: InodeFields): Uint8Array {
  const inode = new Uint8Array(INODE_SIZE);
  const view = new DataView(inode.buffer);
  view.setUint16(0x00, fields.mode, true);
  view.setUint32(0x04, fields.size % 2 ** 32, true); // i_size_lo
  view.setUint32(0x08, fields.time, true); // i_atime
  view.setUint32(0x0c, fields.time, true); // i_ctime
  view.setUint32(0x10, fields.time, true); // i_mtime
  view.setUint16(0x1a, fields.linksCount, true);
  view.setUint32(0x1c, fields.sectors, true);
  inode.set(fields.iBlock.subarray(0, 60), 0x28);
  view.setUint32(0x6c, Math.floor(fields.size / 2 ** 32), true); // i_size_high
  return inode;
}

/** Block pointers as the 60 bytes of i_block. */
export function blockPointers(pointers: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(60);
  const view = new DataView(bytes.buffer);
  pointers.forEach((pointer, i) => view.setUint32(i * 4, pointer, true));
  return bytes;
}
