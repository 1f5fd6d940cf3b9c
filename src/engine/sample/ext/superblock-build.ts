import type { ExtGeometry } from './ext-geometry';
import { FIRST_INODE, INODE_SIZE } from './ext-geometry';

/**
 * `struct ext2_super_block` (KDOC `super.rst`; offsets as there), 1024 bytes: at byte 1024 of the filesystem,
 * and a copy at the start of every backup group with `s_block_group_nr` set to the group.
 */
export const SUPERBLOCK_SIZE = 1024;
const EXT2_MAGIC = 0xef53;

export const COMPAT_HAS_JOURNAL = 0x4;
export const INCOMPAT_FILETYPE = 0x2;
export const RO_COMPAT_SPARSE_SUPER = 0x1;
/** s_jnl_backup_type: s_jnl_blocks holds a copy of the journal inode's i_block, i_size_high and i_size. */
export const JNL_BACKUP_BLOCKS = 1;
/** s_def_hash_version half_md4 and s_flags "signed directory hash", what mke2fs writes on x86. */
const HASH_HALF_MD4 = 1;
const FLAGS_SIGNED_HASH = 0x1;

export interface SuperblockFields {
  geometry: ExtGeometry;
  reservedBlocks: number;
  freeBlocks: number;
  freeInodes: number;
  /** Seconds since 1970: creation, last write and last check. */
  time: number;
  features: { compat: number; incompat: number; roCompat: number };
  uuid: Uint8Array;
  hashSeed: Uint8Array;
  volumeName: string;
  lastMounted: string;
  /** The journal inode (8) for ext3, with its i_block and size for the backup; null for ext2. */
  journal: { inode: number; iBlock: Uint32Array; size: number } | null;
}

export function buildSuperblock(fields: SuperblockFields, groupNumber: number): Uint8Array {
  const { geometry: g } = fields;
  const sb = new Uint8Array(SUPERBLOCK_SIZE);
  const view = new DataView(sb.buffer);
  const u32 = (offset: number, value: number) => view.setUint32(offset, value, true);
  const u16 = (offset: number, value: number) => view.setUint16(offset, value, true);
  u32(0x00, g.inodesCount);
  u32(0x04, g.blocksCount);
  u32(0x08, fields.reservedBlocks);
  u32(0x0c, fields.freeBlocks);
  u32(0x10, fields.freeInodes);
  u32(0x14, g.firstDataBlock);
  u32(0x18, Math.log2(g.blockSize) - 10); // s_log_block_size: block size = 1024 << n
  u32(0x1c, Math.log2(g.blockSize) - 10); // s_log_cluster_size (fragment size), equal without bigalloc
  u32(0x20, g.blocksPerGroup);
  u32(0x24, g.blocksPerGroup); // s_clusters_per_group
  u32(0x28, g.inodesPerGroup);
  u32(0x30, fields.time); // s_wtime (s_mtime 0: never mounted)
  u16(0x36, 0xffff); // s_max_mnt_count -1: no mount-count check (mke2fs with enable_periodic_fsck = 0)
  u16(0x38, EXT2_MAGIC);
  u16(0x3a, 1); // s_state: cleanly unmounted
  u16(0x3c, 1); // s_errors: continue
  u32(0x40, fields.time); // s_lastcheck
  u32(0x48, 0); // s_creator_os: Linux
  u32(0x4c, 1); // s_rev_level: dynamic (inode size and first inode are fields)
  u32(0x54, FIRST_INODE);
  u16(0x58, INODE_SIZE);
  u16(0x5a, groupNumber);
  u32(0x5c, fields.features.compat);
  u32(0x60, fields.features.incompat);
  u32(0x64, fields.features.roCompat);
  sb.set(fields.uuid.subarray(0, 16), 0x68);
  putString(sb, 0x78, 16, fields.volumeName);
  putString(sb, 0x88, 64, fields.lastMounted);
  if (fields.journal) {
    u32(0xe0, fields.journal.inode);
    for (let i = 0; i < 15; i++) u32(0x10c + i * 4, fields.journal.iBlock[i]!);
    u32(0x10c + 15 * 4, Math.floor(fields.journal.size / 2 ** 32));
    u32(0x10c + 16 * 4, fields.journal.size % 2 ** 32);
    sb[0xfd] = JNL_BACKUP_BLOCKS;
  }
  sb.set(fields.hashSeed.subarray(0, 16), 0xec);
  sb[0xfc] = HASH_HALF_MD4;
  u32(0x108, fields.time); // s_mkfs_time
  u32(0x160, FLAGS_SIGNED_HASH);
  return sb;
}

/** A NUL-padded byte field; longer text is cut at the field size (as mke2fs -L does, with a warning). */
function putString(target: Uint8Array, offset: number, size: number, text: string): void {
  target.set(new TextEncoder().encode(text).subarray(0, size), offset);
}
