import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { ascii, describeSize, isPowerOfTwo, KiB, MiB, readUint64, viewOf, writeUint64 } from './fields';
import { formatGuid, guid, guidEquals, GUID_SIZE, type Guid } from './guid';
import type { Region } from './region-table';

/**
 * The metadata region ([MS-VHDX] 2.6): a 64 KiB table ("metadata" signature, EntryCount, then 32-byte entries:
 * ItemId, Offset and Length relative to the region, IsUser/IsVirtualDisk/IsRequired flags) and the items it
 * points to, which sit after the table. The system items (2.6.2) describe the disk; an unknown item marked
 * IsRequired means we cannot read the disk correctly, so it is refused by name.
 */
export const METADATA_TABLE_SIZE = 64 * KiB;
const SIGNATURE = 'metadata';
const HEADER_SIZE = 32;
const ENTRY_SIZE = 32;
const MAX_ENTRIES = 2047;
/** 2.6.1.2: an item is at most 1 MiB. */
const MAX_ITEM_LENGTH = MiB;

export const FILE_PARAMETERS_ITEM = guid('CAA16737-FA36-4D43-B3B6-33F0AA44E76B');
export const VIRTUAL_DISK_SIZE_ITEM = guid('2FA54224-CD1B-4876-B211-5DBED83BF4B8');
export const PAGE_83_DATA_ITEM = guid('BECA12AB-B2E6-4523-93EF-C309E000C746');
export const LOGICAL_SECTOR_SIZE_ITEM = guid('8141BF1D-A96F-4709-BA47-F233A8FAAB5F');
export const PHYSICAL_SECTOR_SIZE_ITEM = guid('CDA348C7-445D-4471-9CC9-E9885251C556');
export const PARENT_LOCATOR_ITEM = guid('A8D35F2D-B30B-454D-ABF7-D3D84834AB0C');

/** 2.6.2.1 BlockSize: a power of two from 1 MiB to 256 MiB. 2.6.2.2: a virtual disk is at most 64 TiB. */
export const MIN_BLOCK_SIZE = MiB;
export const MAX_BLOCK_SIZE = 256 * MiB;
export const MAX_VIRTUAL_SIZE = 64 * 1024 * 1024 * MiB;

export interface VhdxMetadata {
  readonly blockSize: number;
  /** A fixed VHDX (2.6.2.1 LeaveBlocksAllocated). */
  readonly leaveBlocksAllocated: boolean;
  /** A differencing VHDX: the parent locator says where the rest of the disk is. */
  readonly hasParent: boolean;
  readonly virtualSize: number;
  readonly logicalSectorSize: number;
  readonly physicalSectorSize: number;
  readonly page83Data: Guid;
  /** The raw Parent Locator item (2.6.2.6), present exactly when `hasParent`. */
  readonly parentLocator: Uint8Array | null;
}

interface ItemPlace {
  readonly offset: number;
  readonly length: number;
}

const KNOWN_ITEMS: [Guid, string][] = [
  [FILE_PARAMETERS_ITEM, 'File Parameters'],
  [VIRTUAL_DISK_SIZE_ITEM, 'Virtual Disk Size'],
  [PAGE_83_DATA_ITEM, 'Page 83 Data'],
  [LOGICAL_SECTOR_SIZE_ITEM, 'Logical Sector Size'],
  [PHYSICAL_SECTOR_SIZE_ITEM, 'Physical Sector Size'],
  [PARENT_LOCATOR_ITEM, 'Parent Locator'],
];

export async function readMetadata(source: ByteSource, region: Region): Promise<VhdxMetadata> {
  const file = source.name;
  const table = await readExact(source, region.offset, METADATA_TABLE_SIZE, 'VHDX metadata table');
  if (ascii(table, 0, 8) !== SIGNATURE) {
    throw new VmferryError('corrupt', `No "${SIGNATURE}" signature at the start of the metadata region`, { file, offset: region.offset });
  }
  const view = viewOf(table);
  const count = view.getUint16(10, true);
  if (count > MAX_ENTRIES) {
    throw new VmferryError('corrupt', `The metadata table declares ${count} entries; at most ${MAX_ENTRIES} fit`, { file, offset: region.offset + 10 });
  }
  const places = new Map<string, ItemPlace>();
  for (let i = 0; i < count; i++) {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    const where = { file, offset: region.offset + at };
    const id = table.subarray(at, at + GUID_SIZE);
    const place = { offset: view.getUint32(at + 16, true), length: view.getUint32(at + 20, true) };
    const required = (view.getUint32(at + 24, true) & 4) !== 0;
    const known = KNOWN_ITEMS.find(([item]) => guidEquals(item, id));
    const name = known ? `the ${known[1]} metadata item` : `metadata item ${formatGuid(id)}`;
    if (place.length > 0 && (place.offset < METADATA_TABLE_SIZE || place.length > MAX_ITEM_LENGTH || place.offset + place.length > region.length)) {
      throw new VmferryError('corrupt', `${capitalize(name)} is at offset ${place.offset} with length ${place.length}, outside the metadata region (its items lie between ${METADATA_TABLE_SIZE} and ${region.length})`, where);
    }
    if (!known) {
      if (required) {
        throw new VmferryError('unsupported', `The disk has a metadata item VM Ferry does not know, ${formatGuid(id)}, marked as required`, {
          ...where,
          hint: 'It was probably written by a newer Hyper-V; convert it there (Convert-VHD) to a plain VHDX first',
        });
      }
      continue;
    }
    if (places.has(known[1])) throw new VmferryError('corrupt', `The metadata table lists ${name} twice`, where);
    places.set(known[1], place);
  }

  const item = async (name: string, minLength: number): Promise<Uint8Array | null> => {
    const place = places.get(name);
    if (!place) return null;
    if (place.length < minLength) {
      throw new VmferryError('corrupt', `The ${name} metadata item is ${place.length} bytes long; it needs at least ${minLength}`, { file, offset: region.offset + place.offset });
    }
    return readExact(source, region.offset + place.offset, place.length, `VHDX ${name} metadata item`);
  };
  const required = async (name: string, minLength: number): Promise<Uint8Array> => {
    const bytes = await item(name, minLength);
    if (!bytes) throw new VmferryError('corrupt', `The metadata region has no ${name} item`, { file, offset: region.offset });
    return bytes;
  };

  /** An item's place in the file, for messages about its value. */
  const at = (name: string) => ({ file, offset: region.offset + (places.get(name)?.offset ?? 0) });

  const parameters = viewOf(await required('File Parameters', 8));
  const blockSize = parameters.getUint32(0, true);
  const flags = parameters.getUint32(4, true);
  const sizeItem = await required('Virtual Disk Size', 8);
  const virtualSize = readUint64(viewOf(sizeItem), 0, 'The virtual disk size', file, at('Virtual Disk Size').offset);
  const logicalSectorSize = viewOf(await required('Logical Sector Size', 4)).getUint32(0, true);
  const physicalSectorSize = viewOf(await required('Physical Sector Size', 4)).getUint32(0, true);
  const page83Data = (await required('Page 83 Data', GUID_SIZE)).slice(0, GUID_SIZE);
  const hasParent = (flags & 2) !== 0;
  const parentLocator = hasParent ? await item('Parent Locator', 20) : null;

  if (!isPowerOfTwo(blockSize) || blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
    throw new VmferryError('corrupt', `The block size is ${describeSize(blockSize)}; VHDX blocks are a power of two from 1 MiB to 256 MiB`, at('File Parameters'));
  }
  if (logicalSectorSize !== 512 && logicalSectorSize !== 4096) {
    throw new VmferryError('corrupt', `The logical sector size is ${logicalSectorSize}; VHDX allows 512 or 4096`, at('Logical Sector Size'));
  }
  if (virtualSize > MAX_VIRTUAL_SIZE || virtualSize % logicalSectorSize !== 0) {
    throw new VmferryError('corrupt', `The virtual disk size is ${virtualSize} bytes; VHDX disks are whole ${logicalSectorSize}-byte sectors, at most 64 TiB`, at('Virtual Disk Size'));
  }
  if (hasParent && !parentLocator) {
    throw new VmferryError('corrupt', 'The disk is a differencing disk (HasParent) but has no Parent Locator metadata item', at('File Parameters'));
  }
  return { blockSize, leaveBlocksAllocated: (flags & 1) !== 0, hasParent, virtualSize, logicalSectorSize, physicalSectorSize, page83Data, parentLocator };
}

/**
 * The metadata region of a dynamic disk: the table, then the five system items packed after it (2.6.2). The
 * flags are those of the specification's table of system items: all required, all but File Parameters
 * describing the virtual disk.
 */
export function buildMetadataRegion(metadata: Omit<VhdxMetadata, 'parentLocator' | 'hasParent'>): Uint8Array {
  const items: [Guid, number, Uint8Array][] = [
    [FILE_PARAMETERS_ITEM, 4, uint32Pair(metadata.blockSize, metadata.leaveBlocksAllocated ? 1 : 0)],
    [VIRTUAL_DISK_SIZE_ITEM, 6, uint64Item(metadata.virtualSize)],
    [PAGE_83_DATA_ITEM, 6, metadata.page83Data],
    [LOGICAL_SECTOR_SIZE_ITEM, 6, uint32Item(metadata.logicalSectorSize)],
    [PHYSICAL_SECTOR_SIZE_ITEM, 6, uint32Item(metadata.physicalSectorSize)],
  ];
  const itemBytes = items.reduce((sum, [, , bytes]) => sum + bytes.length, 0);
  const out = new Uint8Array(METADATA_TABLE_SIZE + itemBytes);
  const view = viewOf(out);
  for (let i = 0; i < 8; i++) out[i] = SIGNATURE.charCodeAt(i);
  view.setUint16(10, items.length, true);
  let itemOffset = METADATA_TABLE_SIZE;
  items.forEach(([id, flags, bytes], i) => {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    out.set(id, at);
    view.setUint32(at + 16, itemOffset, true);
    view.setUint32(at + 20, bytes.length, true);
    view.setUint32(at + 24, flags, true);
    out.set(bytes, itemOffset);
    itemOffset += bytes.length;
  });
  return out;
}

function uint32Item(value: number): Uint8Array {
  const out = new Uint8Array(4);
  viewOf(out).setUint32(0, value, true);
  return out;
}

function uint32Pair(first: number, second: number): Uint8Array {
  const out = new Uint8Array(8);
  viewOf(out).setUint32(0, first, true);
  viewOf(out).setUint32(4, second, true);
  return out;
}

function uint64Item(value: number): Uint8Array {
  const out = new Uint8Array(8);
  writeUint64(viewOf(out), 0, value);
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
