import { hasMagic, nulPaddedUtf8, uuidText } from '../partitions/bytes';
import type { FilesystemProbe } from './filesystem-probe';

/**
 * The btrfs superblock at 64 KiB (btrfs docs "On-disk format", struct btrfs_super_block): fsid @32 (the
 * filesystem UUID blkid reports), magic "_BHRfS_M" @64, label @0x12B (256 bytes).
 */
const SUPERBLOCK = 65536;

export function probeBtrfs(head: Uint8Array): FilesystemProbe | null {
  if (!hasMagic(head, SUPERBLOCK + 64, '_BHRfS_M')) return null;
  return {
    type: 'btrfs',
    uuid: uuidText(head.subarray(SUPERBLOCK + 32, SUPERBLOCK + 48)),
    label: nulPaddedUtf8(head.subarray(SUPERBLOCK + 0x12b, SUPERBLOCK + 0x12b + 256)),
    notes: [],
  };
}
