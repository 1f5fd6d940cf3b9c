import type { BlockDevice } from '../block-device';

/** What `readPartitions` finds on a disk. */
export type PartitionScheme = 'mbr' | 'gpt' | 'none';

export interface Partition {
  /**
   * The number Linux gives it (`sda2`): MBR primaries 1-4, logical partitions 5, 6, ... in chain order;
   * GPT entry index + 1 (empty entries keep their number free).
   */
  number: number;
  /** Byte offset on the disk, and size in bytes. */
  start: number;
  size: number;
  /** The same in sectors of `PartitionTable.sectorSize`, as `sfdisk --json` prints them. */
  firstSector: number;
  sectors: number;
  /** MBR: the type byte as two hex digits (`83`, `8e`, `05`); GPT: the type GUID in lower case. */
  type: string;
  /** Linux, Linux swap, Linux LVM, EFI System, BIOS boot, ... */
  typeName: string;
  /** GPT: the unique partition GUID; MBR: Linux's PARTUUID `<disk signature>-<number in hex>`; null without a disk signature. */
  uuid: string | null;
  /** GPT partition name (PARTLABEL); null on MBR or when empty. */
  name: string | null;
  /** MBR: boot indicator 0x80; GPT: attribute bit 2 (legacy BIOS bootable). */
  bootable: boolean;
  /** An MBR extended partition: a container of logical partitions, not a volume of its own. */
  extended: boolean;
  /** The partition's bytes, reads and writes bounded to it. */
  device: BlockDevice;
}

export interface PartitionTable {
  scheme: PartitionScheme;
  /** MBR disk signature (`1234abcd`, PTUUID) or the GPT disk GUID; null for 'none' or a zero signature. */
  id: string | null;
  /** 512, or 4096 for a GPT disk with 4 KiB logical sectors (found by where its header is). */
  sectorSize: number;
  partitions: Partition[];
  /** Damage that was worked around: a backup GPT header used, a broken logical chain, entries out of range. */
  warnings: string[];
}

export interface ReadPartitionsOptions {
  /**
   * Logical sector size. By default 512, except that a GPT header found at byte 4096 instead of 512 means 4096.
   * An MBR disk with 4 KiB sectors cannot be told apart from its contents: pass 4096 for one.
   */
  sectorSize?: 512 | 4096;
}
