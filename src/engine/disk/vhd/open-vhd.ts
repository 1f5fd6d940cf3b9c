import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { vhdVirtualSize } from '../detect';
import { MAX_CHAIN_DEPTH, parentContext, type DiskOpenContext } from '../open-disk';
import type { VirtualDisk } from '../virtual-disk';
import { readBlockAllocationTable } from './bat';
import { parseVhdDynamicHeader, VHD_HEADER_SIZE, type VhdDynamicHeader } from './dynamic-header';
import { VHD_DIFFERENCING, VHD_FIXED, type VhdFooter } from './footer';
import { locateVhdFooter } from './locate-footer';
import { parentCandidates } from './parent-locator';
import { sectorBitmapSize } from './sector-bitmap';
import { formatUuid, sameUuid } from './uuid';
import { RawDisk } from '../raw/raw-disk';
import { VhdSparseDisk } from './vhd-sparse-disk';

/**
 * Opens a VHD ("Virtual Hard Disk Image Format Specification" v1.0) of any type: fixed, dynamic or
 * differencing (and AVHD, Hyper-V's name for a differencing VHD). The virtual size follows the creator
 * application rule (`vhdVirtualSize`, notes c1).
 */
export async function openVhd(source: ByteSource, context: DiskOpenContext): Promise<VirtualDisk> {
  const { footer, offset: dataEnd } = await locateVhdFooter(source);
  const { cylinders, heads, sectorsPerTrack } = footer.geometry;
  const virtualSize = vhdVirtualSize(footer.creatorApp, footer.currentSize, cylinders, heads, sectorsPerTrack);
  if (footer.diskType === VHD_FIXED) {
    if (virtualSize > dataEnd) {
      throw new VmferryError('corrupt', `Fixed VHD declares a disk of ${virtualSize} bytes but holds only ${dataEnd} bytes before its footer`, {
        file: source.name,
      });
    }
    return new RawDisk(source, 'fixed', virtualSize, 'vhd');
  }
  const header = await readHeader(source, footer, dataEnd);
  const blockCount = Math.ceil(virtualSize / header.blockSize);
  const bitmapSize = sectorBitmapSize(header.blockSize);
  const table = await readBlockAllocationTable(source, header, { blockCount, bitmapSize, dataEnd });
  const differencing = footer.diskType === VHD_DIFFERENCING;
  return new VhdSparseDisk(source, {
    subformat: differencing ? 'differencing' : 'dynamic',
    virtualSize,
    blockSize: header.blockSize,
    bitmapSize,
    table,
    parent: differencing ? await openVhdParent(source, header, context) : null,
  });
}

async function readHeader(source: ByteSource, footer: VhdFooter, dataEnd: number): Promise<VhdDynamicHeader> {
  const offset = footer.dataOffset;
  if (offset === null || offset + VHD_HEADER_SIZE > dataEnd) {
    throw new VmferryError('corrupt', `VHD footer places the dynamic disk header at byte ${offset ?? 'none'}, outside the file`, {
      file: source.name,
      offset: dataEnd,
    });
  }
  return parseVhdDynamicHeader(await readExact(source, offset, VHD_HEADER_SIZE, 'VHD dynamic disk header'), source.name, offset);
}

/**
 * Finds the parent through the locators (relative first), checks that it is the disk the child was made
 * from (the child header's Parent Unique Id must be the parent footer's Unique Id), and opens it.
 */
async function openVhdParent(child: ByteSource, header: VhdDynamicHeader, context: DiskOpenContext): Promise<VirtualDisk> {
  if ((context.depth ?? 0) >= MAX_CHAIN_DEPTH) {
    throw new VmferryError('corrupt', `The chain of parent disks is more than ${MAX_CHAIN_DEPTH} deep; a parent probably refers back to a child`, {
      file: child.name,
    });
  }
  const candidates = await parentCandidates(child, header);
  if (candidates.length === 0) {
    throw new VmferryError('corrupt', 'Differencing VHD names no parent: no parent locator and no parent name', { file: child.name });
  }
  for (const candidate of candidates) {
    const found = await context.find(candidate.path, child.name);
    if (!found) continue;
    if (found === child || found.name === child.name) {
      throw new VmferryError('corrupt', `Differencing VHD names itself as its parent (${candidate.from}: "${candidate.path}")`, {
        file: child.name,
      });
    }
    const { footer } = await locateVhdFooter(found);
    if (!sameUuid(footer.uniqueId, header.parentUuid)) {
      throw new VmferryError(
        'corrupt',
        `Differencing VHD was made from a parent with id ${formatUuid(header.parentUuid)}, but its parent ${found.name} ` +
          `(found through ${candidate.from}) has id ${formatUuid(footer.uniqueId)}`,
        { file: child.name, hint: `${found.name} is not the disk ${child.name} was made from, or it was replaced since; find the original parent` },
      );
    }
    return openVhd(found, parentContext(context));
  }
  const tried = candidates.map(({ path, from }) => `"${path}" (${from})`).join(', ');
  throw new VmferryError('missing-file', `Parent disk not found: looked for ${tried} next to ${child.name}`, {
    file: child.name,
    hint: 'Put the parent VHD in the same folder (or selection) as the differencing disk',
  });
}
