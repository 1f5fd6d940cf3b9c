import type { BlockDevice } from '../block-device';
import { readUpTo } from './bytes';
import { hasGptSignature, readGpt } from './gpt';
import { isEmptyEntry, looksLikeMbr, mbrDiskSignature, parseMbrEntries, readMbrPartitions } from './mbr';
import type { Partition, PartitionTable, ReadPartitionsOptions } from './partition-table';

const GPT_PROTECTIVE = 0xee;

/**
 * The partition table of a disk, as Linux would see it:
 * - no 0x55AA MBR (or a filesystem boot sector in its place): 'none', the disk is one volume;
 * - an MBR with a 0xEE entry: GPT (a hybrid MBR's other entries are ignored, with a warning);
 * - otherwise MBR, with logical partitions numbered from 5. A GPT header without a protective MBR is ignored,
 *   as the kernel ignores it, with a warning.
 * Damage that leaves part of the table usable is a warning; a table that cannot be read at all is an error.
 */
export async function readPartitions(disk: BlockDevice, options: ReadPartitionsOptions = {}): Promise<PartitionTable> {
  const warnings: string[] = [];
  const sector0 = await readUpTo(disk, 0, 512);
  if (!looksLikeMbr(sector0)) return { scheme: 'none', id: null, sectorSize: options.sectorSize ?? 512, partitions: [], warnings };

  const entries = parseMbrEntries(sector0).filter((entry) => !isEmptyEntry(entry));
  if (entries.some((entry) => entry.type === GPT_PROTECTIVE)) {
    if (entries.length > 1) {
      warnings.push(`${disk.name}: hybrid MBR (GPT protective entry beside ${entries.length - 1} other entries); the GPT was used and the MBR entries ignored`);
    }
    const sectorSize = options.sectorSize ?? (await gptSectorSize(disk));
    const gpt = await readGpt(disk, sectorSize, warnings);
    warnOverlaps(disk, gpt.partitions, warnings);
    return { scheme: 'gpt', id: gpt.diskGuid, sectorSize, partitions: gpt.partitions, warnings };
  }

  const sectorSize = options.sectorSize ?? 512;
  if (await hasGptSignature(disk, sectorSize)) {
    warnings.push(`${disk.name}: a GPT header is present but the MBR has no protective entry; the MBR was used, as Linux does`);
  }
  const partitions = await readMbrPartitions(disk, sector0, sectorSize, warnings);
  warnOverlaps(disk, partitions, warnings);
  return { scheme: 'mbr', id: mbrDiskSignature(sector0), sectorSize, partitions, warnings };
}

/**
 * 4 KiB-sector disks (4Kn, VHDX with 4096-byte logical sectors) keep the GPT header at byte 4096; a header found
 * there and not at 512 says which. With neither, 512 is assumed and the backup header is tried at its end.
 */
async function gptSectorSize(disk: BlockDevice): Promise<512 | 4096> {
  if (await hasGptSignature(disk, 512)) return 512;
  if (await hasGptSignature(disk, 4096)) return 4096;
  return 512;
}

/** Two partitions sharing sectors (an extended container and its logical partitions aside) is worth a warning. */
function warnOverlaps(disk: BlockDevice, partitions: Partition[], warnings: string[]): void {
  const sorted = partitions.filter((p) => !p.extended).sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const current = sorted[i]!;
    if (current.start < before.start + before.size) {
      warnings.push(`${disk.name}: partitions ${before.number} and ${current.number} overlap`);
    }
  }
}
