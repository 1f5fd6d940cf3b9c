import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { checksumOf, sealChecksum } from './checksum';
import { ascii, hex32, KiB, MiB, readUint64, viewOf, writeUint64 } from './fields';
import { formatGuid, guid, guidEquals, GUID_SIZE } from './guid';

/**
 * The region table ([MS-VHDX] 2.2.3): two identical 64 KiB copies at 192 KiB and 256 KiB, each a 16-byte header
 * ("regi", CRC-32C over the whole 64 KiB, entry count) and up to 2047 32-byte entries (GUID, file offset, length,
 * Required bit). Two regions are defined: the BAT and the metadata region. A region we do not know that is
 * marked Required means we cannot read the file correctly (2.2.3.2), so it is refused by name.
 */
export const REGION_TABLE_OFFSETS = [192 * KiB, 256 * KiB] as const;
export const REGION_TABLE_SIZE = 64 * KiB;
const SIGNATURE = 'regi';
const HEADER_SIZE = 16;
const ENTRY_SIZE = 32;
const MAX_ENTRIES = 2047;

/** 2.2.3.2 Region Table Entry: the known regions. */
export const BAT_REGION = guid('2DC27766-F623-4200-9D64-115E9BFD4A08');
export const METADATA_REGION = guid('8B7CA206-4790-4B9A-B8FE-575F050F886E');

export interface Region {
  readonly offset: number;
  readonly length: number;
}

export interface RegionTable {
  readonly bat: Region;
  readonly metadata: Region;
}

/**
 * Reads the first copy whose checksum holds (the second exists so a torn update of the first is survivable);
 * when neither does, the error names both.
 */
export async function readRegionTable(source: ByteSource, logRegion: Region | null): Promise<RegionTable> {
  const problems: string[] = [];
  for (const [index, offset] of REGION_TABLE_OFFSETS.entries()) {
    const name = `region table ${index + 1} (at byte ${offset})`;
    if (source.size < offset + REGION_TABLE_SIZE) {
      problems.push(`${name}: the file ends at byte ${source.size}, before it`);
      continue;
    }
    const bytes = await readExact(source, offset, REGION_TABLE_SIZE, `VHDX region table ${index + 1}`);
    const problem = checkRegionTable(bytes);
    if (problem) {
      problems.push(`${name}: ${problem}`);
      continue;
    }
    return parseRegionEntries(bytes, offset, source, logRegion);
  }
  throw new VmferryError('corrupt', `No valid VHDX region table: ${problems.join('; ')}`, { file: source.name, offset: REGION_TABLE_OFFSETS[0] });
}

function checkRegionTable(bytes: Uint8Array): string | null {
  if (ascii(bytes, 0, 4) !== SIGNATURE) return `no "${SIGNATURE}" signature`;
  const stored = viewOf(bytes).getUint32(4, true);
  const computed = checksumOf(bytes);
  if (stored !== computed) return `checksum mismatch (stored ${hex32(stored)}, computed ${hex32(computed)})`;
  return null;
}

function parseRegionEntries(bytes: Uint8Array, tableOffset: number, source: ByteSource, logRegion: Region | null): RegionTable {
  const file = source.name;
  const view = viewOf(bytes);
  const count = view.getUint32(8, true);
  if (count > MAX_ENTRIES) {
    throw new VmferryError('corrupt', `The region table declares ${count} entries; at most ${MAX_ENTRIES} fit`, { file, offset: tableOffset + 8 });
  }
  let bat: Region | null = null;
  let metadata: Region | null = null;
  // The header section and the log are regions too, for the overlap check (2.2.3.2: regions must not overlap).
  const seen: { name: string; region: Region }[] = [{ name: 'the header section', region: { offset: 0, length: MiB } }];
  if (logRegion && logRegion.length > 0) seen.push({ name: 'the log', region: logRegion });
  for (let i = 0; i < count; i++) {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    const where = { file, offset: tableOffset + at };
    const id = bytes.subarray(at, at + GUID_SIZE);
    const region = { offset: readUint64(view, at + 16, `Region table entry ${i} FileOffset`, file, where.offset + 16), length: view.getUint32(at + 24, true) };
    const required = (view.getUint32(at + 28, true) & 1) === 1;
    const isBat = guidEquals(id, BAT_REGION);
    const isMetadata = guidEquals(id, METADATA_REGION);
    const name = isBat ? 'the BAT region' : isMetadata ? 'the metadata region' : `region ${formatGuid(id)}`;
    if (!isBat && !isMetadata) {
      if (required) {
        throw new VmferryError('unsupported', `The file has a region VM Ferry does not know, ${formatGuid(id)}, marked as required`, {
          ...where,
          hint: 'It was probably written by a newer Hyper-V; convert it there (Convert-VHD) to a plain dynamic VHDX first',
        });
      }
      continue;
    }
    if ((isBat && bat) || (isMetadata && metadata)) throw new VmferryError('corrupt', `The region table lists ${name} twice`, where);
    if (region.offset < MiB || region.offset % MiB !== 0 || region.length % MiB !== 0 || region.length === 0) {
      throw new VmferryError('corrupt', `${capitalize(name)} is at byte ${region.offset} with length ${region.length}; both must be non-zero multiples of 1 MiB, after the first MiB`, where);
    }
    if (region.offset >= source.size) {
      throw new VmferryError('truncated', `${capitalize(name)} starts at byte ${region.offset}, past the end of the file (${source.size} bytes)`, where);
    }
    for (const other of seen) {
      if (region.offset < other.region.offset + other.region.length && other.region.offset < region.offset + region.length) {
        throw new VmferryError('corrupt', `${capitalize(name)} (bytes ${region.offset}..${region.offset + region.length}) overlaps ${other.name}`, where);
      }
    }
    seen.push({ name, region });
    if (isBat) bat = region;
    else metadata = region;
  }
  if (!bat || !metadata) {
    throw new VmferryError('corrupt', `The region table has no ${bat ? 'metadata' : 'BAT'} region`, { file, offset: tableOffset });
  }
  return { bat, metadata };
}

/** A region table copy listing the BAT and metadata regions, both marked required as Hyper-V does. */
export function buildRegionTable(table: RegionTable): Uint8Array {
  const bytes = new Uint8Array(REGION_TABLE_SIZE);
  const view = viewOf(bytes);
  for (let i = 0; i < 4; i++) bytes[i] = SIGNATURE.charCodeAt(i);
  view.setUint32(8, 2, true);
  const entries: [Uint8Array, Region][] = [
    [BAT_REGION, table.bat],
    [METADATA_REGION, table.metadata],
  ];
  entries.forEach(([id, region], i) => {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    bytes.set(id, at);
    writeUint64(view, at + 16, region.offset);
    view.setUint32(at + 24, region.length, true);
    view.setUint32(at + 28, 1, true);
  });
  return sealChecksum(bytes);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
