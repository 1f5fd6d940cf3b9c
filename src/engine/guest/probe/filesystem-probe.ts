/** What `probeFilesystem` says about a volume, from its superblock alone (nothing is mounted or walked). */
export type FilesystemType = 'ext2' | 'ext3' | 'ext4' | 'xfs' | 'btrfs' | 'reiserfs' | 'vfat' | 'swap' | 'lvm2-pv' | 'luks' | 'iso9660';

export interface FilesystemProbe {
  /** null when no known signature is found. */
  type: FilesystemType | null;
  /** As blkid prints it (`UUID=` in fstab): a lower-case UUID, `ABCD-1234` for FAT, a date-based id for ISO 9660. */
  uuid: string | null;
  label: string | null;
  /** FAT12/FAT16/FAT32, ext revision (1.0), XFS 4/5, LUKS 1/2, swap 1, reiserfs 3.5/3.6, LVM2 001. */
  version?: string;
  /** What matters for guest repair: needs recovery, not cleanly unmounted, hibernated, encrypted, ... */
  notes: string[];
}

/** The bytes every probe needs, read once: up to 68 KiB covers btrfs and reiserfs at 64 KiB and swap on 64 KiB pages. */
export const PROBE_HEAD_BYTES = 68 * 1024;

export function unknownFilesystem(notes: string[] = []): FilesystemProbe {
  return { type: null, uuid: null, label: null, notes };
}
