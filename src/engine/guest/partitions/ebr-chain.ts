import type { BlockDevice } from '../block-device';
import { readUpTo } from './bytes';
import { hasBootSignature, isEmptyEntry, parseMbrEntries, type MbrEntry } from './mbr';
import { isExtendedMbrType } from './partition-types';

/**
 * Logical partitions: a chain of Extended Boot Records inside the extended partition. Each EBR is an MBR-shaped
 * sector whose first entry is a logical partition, relative to the EBR itself, and whose second entry links to
 * the next EBR, relative to the start of the extended partition. Linux numbers the logical partitions from 5
 * in chain order, giving a number only to entries that describe a partition (an EBR whose first entry was
 * deleted just links on).
 *
 * Bad chains are common enough (tools that crashed half-way, images cut short) that damage stops the walk with
 * a warning and keeps the partitions found so far, as the kernel does, rather than losing the whole disk.
 */
export interface LogicalPartition {
  number: number;
  /** Absolute, in sectors. */
  firstSector: number;
  entry: MbrEntry;
}

/** More logical partitions than any partitioning tool makes; a longer chain is a loop we did not see. */
const MAX_EBRS = 256;

export async function readLogicalPartitions(
  disk: BlockDevice,
  extended: { start: number; sectors: number },
  sectorSize: number,
  warnings: string[],
): Promise<LogicalPartition[]> {
  const end = extended.start + extended.sectors;
  const found: LogicalPartition[] = [];
  const visited = new Set<number>();
  let number = 5;
  let ebr = extended.start;
  for (;;) {
    if (visited.has(ebr)) {
      warnings.push(`${disk.name}: the chain of logical partitions loops back to the extended boot record at sector ${ebr}; partitions after ${number - 1} ignored`);
      break;
    }
    if (visited.size >= MAX_EBRS) {
      warnings.push(`${disk.name}: more than ${MAX_EBRS} extended boot records; the rest of the chain is ignored`);
      break;
    }
    visited.add(ebr);
    const sector = await readUpTo(disk, ebr * sectorSize, 512);
    if (!hasBootSignature(sector)) {
      if (ebr !== extended.start || found.length > 0) {
        warnings.push(`${disk.name}: the extended boot record at sector ${ebr} has no 0x55AA signature; partitions after ${number - 1} ignored`);
      } else {
        warnings.push(`${disk.name}: the extended partition at sector ${ebr} holds no extended boot record; it has no logical partitions`);
      }
      break;
    }
    const [first, link] = parseMbrEntries(sector) as [MbrEntry, MbrEntry];
    if (!isEmptyEntry(first) && !isExtendedMbrType(first.type)) {
      const firstSector = ebr + first.lbaStart;
      const last = firstSector + first.sectors - 1;
      if (first.lbaStart === 0 || last >= end) {
        warnings.push(
          `${disk.name}: logical partition ${number} (sectors ${firstSector}..${last}) lies outside the extended partition (sectors ${extended.start}..${end - 1}); skipped`,
        );
      } else {
        found.push({ number, firstSector, entry: first });
      }
      number++;
    }
    if (isEmptyEntry(link)) break;
    if (!isExtendedMbrType(link.type)) {
      warnings.push(`${disk.name}: the extended boot record at sector ${ebr} links on with type 0x${link.type.toString(16)}, not an extended type; the chain ends there`);
      break;
    }
    const next = extended.start + link.lbaStart;
    if (next >= end) {
      warnings.push(`${disk.name}: the extended boot record at sector ${ebr} links to sector ${next}, outside the extended partition (sectors ${extended.start}..${end - 1}); the chain ends there`);
      break;
    }
    ebr = next;
  }
  return found;
}
