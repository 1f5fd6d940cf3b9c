import { nulPaddedUtf8, uuidText, viewOf } from '../partitions/bytes';
import type { FilesystemProbe } from './filesystem-probe';

/**
 * The ext2/3/4 superblock at byte 1024 (kernel Documentation/filesystems/ext4/super.rst): s_magic 0xEF53 @56,
 * s_state @58, s_minor_rev_level @62, s_rev_level @76, s_feature_compat @92, _incompat @96, _ro_compat @100,
 * s_uuid @104, s_volume_name @120.
 *
 * ext2, ext3 or ext4 is decided by features the way blkid decides it: anything beyond what ext3 knows
 * (incompat FILETYPE|RECOVER|META_BG, ro_compat SPARSE_SUPER|LARGE_FILE|BTREE_DIR) makes it ext4; else a
 * journal makes it ext3; else ext2.
 */
const SUPERBLOCK = 1024;
const COMPAT_HAS_JOURNAL = 0x4;
const INCOMPAT_RECOVER = 0x4;
const INCOMPAT_JOURNAL_DEV = 0x8;
const EXT3_INCOMPAT = 0x2 | 0x4 | 0x10;
const EXT3_RO_COMPAT = 0x1 | 0x2 | 0x4;
const STATE_CLEAN = 0x1;
const STATE_ERRORS = 0x2;

export function probeExt(head: Uint8Array): FilesystemProbe | null {
  if (head.length < SUPERBLOCK + 1024 || head[SUPERBLOCK + 56] !== 0x53 || head[SUPERBLOCK + 57] !== 0xef) return null;
  const view = viewOf(head.subarray(SUPERBLOCK, SUPERBLOCK + 1024));
  const compat = view.getUint32(92, true);
  const incompat = view.getUint32(96, true);
  const roCompat = view.getUint32(100, true);
  const state = view.getUint16(58, true);
  const uuid = uuidText(head.subarray(SUPERBLOCK + 104, SUPERBLOCK + 120));
  const label = nulPaddedUtf8(head.subarray(SUPERBLOCK + 120, SUPERBLOCK + 136));
  const version = `${view.getUint32(76, true)}.${view.getUint16(62, true)}`;
  if (incompat & INCOMPAT_JOURNAL_DEV) {
    return { type: null, uuid, label, version, notes: ['an external ext3/ext4 journal device, not a filesystem'] };
  }
  const type = incompat & ~EXT3_INCOMPAT || roCompat & ~EXT3_RO_COMPAT ? 'ext4' : compat & COMPAT_HAS_JOURNAL ? 'ext3' : 'ext2';
  const notes: string[] = [];
  if (incompat & INCOMPAT_RECOVER) notes.push('the journal needs recovery (the guest was not shut down cleanly)');
  else if (!(state & STATE_CLEAN)) notes.push('not cleanly unmounted');
  if (state & STATE_ERRORS) notes.push('the kernel recorded errors on it (run e2fsck inside the guest)');
  return { type, uuid, label, version, notes };
}
