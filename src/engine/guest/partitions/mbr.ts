import { windowDevice, type BlockDevice } from '../block-device';
import { hasMagic, viewOf } from './bytes';
import { readLogicalPartitions } from './ebr-chain';
import type { Partition } from './partition-table';
import { isExtendedMbrType, mbrTypeName } from './partition-types';

/**
 * The Master Boot Record: a 512-byte sector 0 with four 16-byte partition entries at 446 and the signature
 * 0x55 0xAA at 510; the disk signature (Windows, and Linux's PARTUUID) at 440.
 * Entry: boot indicator (0x00 or 0x80), CHS start, type, CHS end, LBA start (u32 LE), sector count (u32 LE).
 */
export const MBR_ENTRIES_OFFSET = 446;

export interface MbrEntry {
  /** 0-3 for the four slots of the sector. */
  slot: number;
  bootIndicator: number;
  type: number;
  /** Relative to whatever the entry is relative to (the disk for the MBR, an EBR or the extended partition). */
  lbaStart: number;
  sectors: number;
}

export function hasBootSignature(sector: Uint8Array): boolean {
  return sector.length >= 512 && sector[510] === 0x55 && sector[511] === 0xaa;
}

export function parseMbrEntries(sector: Uint8Array): MbrEntry[] {
  const view = viewOf(sector);
  const entries: MbrEntry[] = [];
  for (let slot = 0; slot < 4; slot++) {
    const at = MBR_ENTRIES_OFFSET + slot * 16;
    entries.push({
      slot,
      bootIndicator: sector[at]!,
      type: sector[at + 4]!,
      lbaStart: view.getUint32(at + 8, true),
      sectors: view.getUint32(at + 12, true),
    });
  }
  return entries;
}

/** An entry that describes nothing: type 0 or no sectors (the kernel skips both). */
export function isEmptyEntry(entry: MbrEntry): boolean {
  return entry.type === 0 || entry.sectors === 0;
}

/**
 * Whether sector 0 is a partition table at all. A filesystem boot sector (FAT, NTFS on a whole disk) also ends
 * in 0x55AA; its boot code where the entries would be gives boot indicators other than 0x00/0x80, which is how
 * the kernel tells them apart, and a FAT or NTFS boot sector whose entries are all empty is a filesystem too.
 */
export function looksLikeMbr(sector: Uint8Array): boolean {
  if (!hasBootSignature(sector)) return false;
  const entries = parseMbrEntries(sector);
  if (entries.some((entry) => entry.bootIndicator !== 0 && entry.bootIndicator !== 0x80)) return false;
  if (entries.every(isEmptyEntry) && looksLikeFilesystemBootSector(sector)) return false;
  return true;
}

function looksLikeFilesystemBootSector(sector: Uint8Array): boolean {
  return hasMagic(sector, 3, 'NTFS    ') || hasMagic(sector, 54, 'FAT1') || hasMagic(sector, 82, 'FAT32') || hasMagic(sector, 3, 'EXFAT   ');
}

export function mbrTypeText(type: number): string {
  return type.toString(16).padStart(2, '0');
}

/** Linux's PARTUUID for MBR partitions: the disk signature and the partition number, both in hex. */
export function mbrPartitionUuid(diskSignature: string | null, number: number): string | null {
  return diskSignature === null ? null : `${diskSignature}-${number.toString(16).padStart(2, '0')}`;
}

export function mbrDiskSignature(sector: Uint8Array): string | null {
  const signature = viewOf(sector).getUint32(440, true);
  return signature === 0 ? null : signature.toString(16).padStart(8, '0');
}

/** The primary partitions 1-4, then the logical ones (5, 6, ...) of the first extended partition. */
export async function readMbrPartitions(
  disk: BlockDevice,
  sector0: Uint8Array,
  sectorSize: number,
  warnings: string[],
): Promise<Partition[]> {
  const diskSectors = Math.floor(disk.size / sectorSize);
  const signature = mbrDiskSignature(sector0);
  const partitions: Partition[] = [];
  let extendedSeen = false;
  for (const entry of parseMbrEntries(sector0)) {
    if (isEmptyEntry(entry)) continue;
    const number = entry.slot + 1;
    const range = `sectors ${entry.lbaStart}..${entry.lbaStart + entry.sectors - 1}`;
    if (entry.lbaStart === 0) {
      warnings.push(`${disk.name}: MBR partition ${number} starts at sector 0, over the partition table itself; skipped`);
      continue;
    }
    if (entry.lbaStart + entry.sectors > diskSectors) {
      warnings.push(`${disk.name}: MBR partition ${number} (${range}) extends past the end of the disk (${diskSectors} sectors); skipped`);
      continue;
    }
    const extended = isExtendedMbrType(entry.type);
    partitions.push(mbrPartition(disk, number, entry.lbaStart, entry.sectors, entry, sectorSize, signature, extended));
    if (!extended) continue;
    if (extendedSeen) {
      warnings.push(`${disk.name}: MBR partition ${number} is a second extended partition; its logical partitions are ignored, as Linux does`);
      continue;
    }
    extendedSeen = true;
    const logical = await readLogicalPartitions(disk, { start: entry.lbaStart, sectors: entry.sectors }, sectorSize, warnings);
    for (const { number: logicalNumber, firstSector, entry: logicalEntry } of logical) {
      partitions.push(mbrPartition(disk, logicalNumber, firstSector, logicalEntry.sectors, logicalEntry, sectorSize, signature, false));
    }
  }
  return partitions;
}

function mbrPartition(
  disk: BlockDevice,
  number: number,
  firstSector: number,
  sectors: number,
  entry: MbrEntry,
  sectorSize: number,
  signature: string | null,
  extended: boolean,
): Partition {
  const start = firstSector * sectorSize;
  const size = sectors * sectorSize;
  return {
    number,
    start,
    size,
    firstSector,
    sectors,
    type: mbrTypeText(entry.type),
    typeName: mbrTypeName(entry.type),
    uuid: mbrPartitionUuid(signature, number),
    name: null,
    bootable: entry.bootIndicator === 0x80,
    extended,
    device: windowDevice(disk, start, size, `${disk.name} partition ${number}`),
  };
}
