import type { BlockDevice } from '../block-device';
import { hasMagic, readUpTo } from '../partitions/bytes';
import { probeBtrfs } from './btrfs-superblock';
import { probeExt } from './ext-superblock';
import { probeFat } from './fat-volume';
import { PROBE_HEAD_BYTES, unknownFilesystem, type FilesystemProbe } from './filesystem-probe';
import { probeIso9660 } from './iso9660-descriptor';
import { probeLuks } from './luks-header';
import { probeLvmPv } from './lvm-pv-label';
import { probeReiserfs } from './reiserfs-superblock';
import { probeSwap } from './swap-header';
import { probeXfs } from './xfs-superblock';

/**
 * What is on a volume, from its superblock: one read of its first 68 KiB, then each signature in turn. Containers
 * and exact magic numbers come first (LUKS, LVM, swap), FAT last because its boot sector has the weakest
 * signature. Nothing here throws for unknown or damaged content: that is `type: null` with a note.
 */
export async function probeFilesystem(device: BlockDevice): Promise<FilesystemProbe> {
  const head = await readUpTo(device, 0, PROBE_HEAD_BYTES);
  const found =
    probeLuks(head) ??
    (await probeLvmPv(device, head)) ??
    probeSwap(head) ??
    probeExt(head) ??
    probeXfs(head) ??
    probeBtrfs(head) ??
    probeReiserfs(head) ??
    probeIso9660(head) ??
    (await probeFat(device, head));
  if (found) return found;
  return unknownFilesystem(otherSignatures(head));
}

/** Filesystems we do not read, named so that the user knows what the volume is. */
function otherSignatures(head: Uint8Array): string[] {
  if (hasMagic(head, 3, 'NTFS    ')) return ['NTFS (a Windows volume; not read)'];
  if (hasMagic(head, 3, 'EXFAT   ')) return ['exFAT (not read)'];
  if (head.length > 0 && head.every((byte) => byte === 0)) return ['empty (all zeros at the start)'];
  return [];
}
