import { VmferryError } from '../../errors';
import { windowDevice, type BlockDevice } from '../block-device';
import { guidText, hasMagic, isAllZero, readUpTo, u64le, viewOf } from './bytes';
import { crc32 } from './crc32';
import type { Partition } from './partition-table';
import { gptTypeName } from './partition-types';

/**
 * The GUID Partition Table (UEFI 2.10 §5.3). A header at LBA 1 and a backup at the last LBA, each with a CRC-32
 * of itself (field zeroed) and of the partition entry array it points to. A damaged primary is replaced by the
 * backup, as firmware and the kernel do, with a warning; both damaged is an error.
 *
 * Header fields (little-endian): "EFI PART" @0, revision @8, header size @12, header CRC32 @16, MyLBA @24,
 * AlternateLBA @32, FirstUsableLBA @40, LastUsableLBA @48, DiskGUID @56, PartitionEntryLBA @72,
 * NumberOfPartitionEntries @80, SizeOfPartitionEntry @84, PartitionEntryArrayCRC32 @88.
 * Entry: type GUID @0, unique GUID @16, StartingLBA @32, EndingLBA @40 (inclusive), Attributes @48,
 * name @56 (36 UTF-16LE code units).
 */
const HEADER_MIN_SIZE = 92;
/** The spec's minimum is 16 KiB of entries; real disks never exceed a few times that. Beyond this is corruption. */
const MAX_ENTRY_ARRAY_BYTES = 4 * 1024 * 1024;
const LEGACY_BIOS_BOOTABLE = 1n << 2n;

interface GptHeader {
  lba: number;
  alternateLba: number;
  firstUsable: number;
  lastUsable: number;
  diskGuid: string;
  entriesLba: number;
  entryCount: number;
  entrySize: number;
  entriesCrc: number;
}

export interface GptRead {
  diskGuid: string;
  partitions: Partition[];
}

/** Whether the GPT signature sits at LBA 1 for this sector size. */
export async function hasGptSignature(disk: BlockDevice, sectorSize: number): Promise<boolean> {
  return hasMagic(await readUpTo(disk, sectorSize, 8), 0, 'EFI PART');
}

export async function readGpt(disk: BlockDevice, sectorSize: number, warnings: string[]): Promise<GptRead> {
  const lastLba = Math.floor(disk.size / sectorSize) - 1;
  const primary = await readHeaderAndEntries(disk, 1, sectorSize);
  if (primary.ok) {
    await checkBackup(disk, primary.header, lastLba, sectorSize, warnings);
    return toPartitions(disk, primary.header, primary.entries, sectorSize, warnings);
  }
  const backupLba = primary.header?.alternateLba ?? lastLba;
  const backup = await readHeaderAndEntries(disk, backupLba, sectorSize);
  if (!backup.ok) {
    throw new VmferryError('corrupt', `GPT unreadable: the primary ${primary.problem}, and the backup at LBA ${backupLba} ${backup.problem}`, {
      file: disk.name,
      hint: 'The partition table must be repaired (gdisk, sfdisk) before the guest can be read',
    });
  }
  warnings.push(`${disk.name}: the primary GPT ${primary.problem}; the backup at LBA ${backupLba} was used`);
  return toPartitions(disk, backup.header, backup.entries, sectorSize, warnings);
}

type HeaderResult = { ok: true; header: GptHeader; entries: Uint8Array } | { ok: false; problem: string; header?: GptHeader };

async function readHeaderAndEntries(disk: BlockDevice, lba: number, sectorSize: number): Promise<HeaderResult> {
  const header = await readHeader(disk, lba, sectorSize);
  if (typeof header === 'string') return { ok: false, problem: header };
  const lastLba = Math.floor(disk.size / sectorSize) - 1;
  const arrayBytes = header.entryCount * header.entrySize;
  const arraySectors = Math.ceil(arrayBytes / sectorSize);
  if (header.entriesLba < 1 || header.entriesLba + arraySectors - 1 > lastLba) {
    return { ok: false, problem: `header points to a partition entry array (LBA ${header.entriesLba}, ${arraySectors} sectors) past the end of the disk`, header };
  }
  const entries = await readUpTo(disk, header.entriesLba * sectorSize, arrayBytes);
  if (entries.length < arrayBytes) return { ok: false, problem: 'partition entry array is cut short', header };
  const crc = crc32(entries);
  if (crc !== header.entriesCrc) {
    return { ok: false, problem: `partition entry array fails its CRC-32 check (stored 0x${hex32(header.entriesCrc)}, computed 0x${hex32(crc)})`, header };
  }
  return { ok: true, header, entries };
}

/** The parsed header, or what is wrong with it (as a phrase that follows "the primary GPT header"). */
async function readHeader(disk: BlockDevice, lba: number, sectorSize: number): Promise<GptHeader | string> {
  if (lba < 1 || (lba + 1) * sectorSize > disk.size) return `header LBA ${lba} is outside the disk`;
  const sector = await readUpTo(disk, lba * sectorSize, sectorSize);
  if (sector.length < sectorSize) return 'header is cut short';
  if (!hasMagic(sector, 0, 'EFI PART')) return 'header has no "EFI PART" signature';
  const view = viewOf(sector);
  const headerSize = view.getUint32(12, true);
  if (headerSize < HEADER_MIN_SIZE || headerSize > sectorSize) return `header declares an impossible size of ${headerSize} bytes`;
  const stored = view.getUint32(16, true);
  const copy = sector.slice(0, headerSize);
  copy.fill(0, 16, 20);
  const computed = crc32(copy);
  if (computed !== stored) return `header fails its CRC-32 check (stored 0x${hex32(stored)}, computed 0x${hex32(computed)})`;
  const myLba = u64le(view, 24);
  if (myLba !== lba) return `header at LBA ${lba} says it is at LBA ${myLba ?? 'beyond 2^53'}`;
  const alternateLba = u64le(view, 32);
  const firstUsable = u64le(view, 40);
  const lastUsable = u64le(view, 48);
  const entriesLba = u64le(view, 72);
  if (alternateLba === null || firstUsable === null || lastUsable === null || entriesLba === null) return 'header holds an LBA beyond 2^53';
  const entryCount = view.getUint32(80, true);
  const entrySize = view.getUint32(84, true);
  if (entrySize < 128 || entrySize % 8 !== 0) return `header declares partition entries of ${entrySize} bytes (at least 128, a multiple of 8)`;
  if (entryCount * entrySize > MAX_ENTRY_ARRAY_BYTES) return `header declares ${entryCount} partition entries of ${entrySize} bytes, far more than any disk uses`;
  const lastLba = Math.floor(disk.size / sectorSize) - 1;
  if (firstUsable > lastUsable + 1 || lastUsable > lastLba) return `header declares usable LBAs ${firstUsable}..${lastUsable} on a disk whose last LBA is ${lastLba}`;
  return {
    lba,
    alternateLba,
    firstUsable,
    lastUsable,
    diskGuid: guidText(sector.subarray(56, 72)),
    entriesLba,
    entryCount,
    entrySize,
    entriesCrc: view.getUint32(88, true),
  };
}

/** A healthy primary whose backup is gone or stale still works, but the user should know (a grown disk, a cut image). */
async function checkBackup(disk: BlockDevice, primary: GptHeader, lastLba: number, sectorSize: number, warnings: string[]): Promise<void> {
  const backup = await readHeader(disk, primary.alternateLba, sectorSize);
  if (typeof backup === 'string') {
    warnings.push(`${disk.name}: the backup GPT header at LBA ${primary.alternateLba} ${backup}; the primary is intact and was used`);
  } else if (backup.entriesCrc !== primary.entriesCrc) {
    warnings.push(`${disk.name}: the backup GPT at LBA ${primary.alternateLba} describes different partitions from the primary; the primary was used`);
  }
  if (primary.alternateLba !== lastLba) {
    warnings.push(`${disk.name}: the backup GPT header is at LBA ${primary.alternateLba}, not at the last LBA ${lastLba} (was the disk resized?)`);
  }
}

function toPartitions(disk: BlockDevice, header: GptHeader, entries: Uint8Array, sectorSize: number, warnings: string[]): GptRead {
  const view = viewOf(entries);
  const partitions: Partition[] = [];
  for (let index = 0; index < header.entryCount; index++) {
    const at = index * header.entrySize;
    const typeBytes = entries.subarray(at, at + 16);
    if (isAllZero(typeBytes)) continue;
    const number = index + 1;
    const firstSector = u64le(view, at + 32);
    const lastSector = u64le(view, at + 40);
    if (firstSector === null || lastSector === null || lastSector < firstSector || firstSector < header.firstUsable || lastSector > header.lastUsable) {
      warnings.push(
        `${disk.name}: GPT partition ${number} (LBAs ${firstSector ?? '?'}..${lastSector ?? '?'}) lies outside the usable LBAs ${header.firstUsable}..${header.lastUsable}; skipped`,
      );
      continue;
    }
    const sectors = lastSector - firstSector + 1;
    const type = guidText(typeBytes);
    const start = firstSector * sectorSize;
    const size = sectors * sectorSize;
    partitions.push({
      number,
      start,
      size,
      firstSector,
      sectors,
      type,
      typeName: gptTypeName(type),
      uuid: guidText(entries.subarray(at + 16, at + 32)),
      name: utf16Name(entries.subarray(at + 56, at + 128)),
      bootable: (view.getBigUint64(at + 48, true) & LEGACY_BIOS_BOOTABLE) !== 0n,
      extended: false,
      device: windowDevice(disk, start, size, `${disk.name} partition ${number}`),
    });
  }
  return { diskGuid: header.diskGuid, partitions };
}

/** The name: UTF-16LE, up to 36 code units, ended by the first NUL. */
function utf16Name(bytes: Uint8Array): string | null {
  let units = 0;
  while (units < bytes.length / 2 && (bytes[units * 2] !== 0 || bytes[units * 2 + 1] !== 0)) units++;
  if (units === 0) return null;
  return new TextDecoder('utf-16le').decode(bytes.subarray(0, units * 2));
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}
