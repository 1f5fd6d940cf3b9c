import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { openVirtualDisk, parentContext, type DiskOpenContext } from '../open-disk';
import { BlockAllocationTable } from './bat';
import { MiB } from './fields';
import { checkFileIdentifier } from './file-identifier';
import { formatGuid, guidEquals, parseGuid } from './guid';
import { checkLogPlacement, hasActiveLog, readCurrentHeader } from './header';
import { replayLog } from './log-replay';
import { readMetadata, type VhdxMetadata } from './metadata';
import { parentCandidates, parseParentLocator } from './parent-locator';
import { readRegionTable, type Region } from './region-table';
import { SectorBitmaps } from './sector-bitmap';
import { VhdxDisk } from './vhdx-disk';

/** 2.1: the file identifier, headers and region tables fill the first MiB. */
const HEADER_SECTION_SIZE = MiB;

/**
 * Opens a VHDX file ([MS-VHDX] 2): file identifier, current header, log replay when the log is not empty, region
 * table, metadata, BAT, and for a differencing disk its parent, found through the parent locator and checked
 * against the child's `parent_linkage`.
 */
export async function openVhdx(source: ByteSource, context: DiskOpenContext): Promise<VhdxDisk> {
  checkFileIdentifier(await readExact(source, 0, 8, 'VHDX file identifier'), source.name);
  if (source.size < HEADER_SECTION_SIZE) {
    throw new VmferryError('truncated', `The file ends at byte ${source.size}, inside the 1 MiB VHDX header section`, { file: source.name, offset: source.size });
  }
  const header = await readCurrentHeader(source);
  let file: ByteSource = source;
  let logRegion: Region | null = null;
  if (hasActiveLog(header)) {
    checkLogPlacement(header, source.size, source.name);
    logRegion = { offset: header.logOffset, length: header.logLength };
    file = await replayLog(source, header);
  }
  const regions = await readRegionTable(file, logRegion);
  const metadata = await readMetadata(file, regions.metadata);
  const bat = await BlockAllocationTable.open(file, regions.bat, metadata);
  const bitmaps = metadata.hasParent ? new SectorBitmaps(file, bat, metadata.blockSize, metadata.logicalSectorSize) : null;
  const parent = metadata.hasParent ? await openParent(source, metadata, regions.metadata, context) : null;
  return new VhdxDisk(file, metadata, bat, bitmaps, parent, header.dataWriteGuid, source.size);
}

async function openParent(child: ByteSource, metadata: VhdxMetadata, metadataRegion: Region, context: DiskOpenContext): Promise<VhdxDisk> {
  const locator = parseParentLocator(metadata.parentLocator!, child.name, metadataRegion.offset);
  const candidates = parentCandidates(locator);
  let found: ByteSource | null = null;
  for (const candidate of candidates) {
    found = await context.find(candidate, child.name);
    if (found) break;
  }
  if (!found) {
    const looked = candidates.length > 0 ? `looked for ${candidates.map((c) => `"${c}"`).join(', ')}` : 'its parent locator names no path';
    throw new VmferryError('missing-file', `The parent of this differencing disk is missing (${looked})`, {
      file: child.name,
      hint: 'Put the parent disk in the same folder or selection',
    });
  }
  const parent = await openVirtualDisk(found, parentContext(context));
  if (!(parent instanceof VhdxDisk)) {
    throw new VmferryError('corrupt', `The parent ${found.name} is a ${parent.format} disk; a VHDX differencing disk needs a VHDX parent`, { file: child.name });
  }
  const linkages = [locator.parentLinkage, locator.parentLinkage2].filter((text): text is string => text !== null);
  const matches = linkages.some((text) => {
    const expected = parseGuid(text);
    return expected !== null && guidEquals(expected, parent.dataWriteGuid);
  });
  if (!matches) {
    throw new VmferryError(
      'corrupt',
      `This differencing disk belongs to a parent whose DataWriteGuid is ${locator.parentLinkage}, but ${found.name} has ${formatGuid(parent.dataWriteGuid)}: the parent was modified after this disk was made from it, or it is another disk`,
      { file: child.name, hint: 'Use the parent this disk was created from, unmodified' },
    );
  }
  return parent;
}
