import { VmferryError } from '../../errors';
import { sealVhdChecksum, vhdChecksum } from './checksum';
import { hex, latin1, printable } from './footer';
import { readU64 } from './u64';
import { decodeUtf16 } from './utf16';

/**
 * The dynamic disk header ("Virtual Hard Disk Image Format Specification" v1.0, §"Dynamic Disk Header Format"):
 * 1024 big-endian bytes, at the footer's Data Offset, in every dynamic and differencing disk. It says where the
 * block allocation table is and how large blocks are; a differencing disk's header also names its parent.
 */
export const VHD_HEADER_SIZE = 1024;
const HEADER_COOKIE = 'cxsparse';
const HEADER_VERSION = 0x0001_0000;
const CHECKSUM_OFFSET = 36;
const LOCATOR_TABLE_OFFSET = 576;
const LOCATOR_ENTRY_SIZE = 24;
const LOCATOR_COUNT = 8;

/** One of the eight parent locator entries (§"Dynamic Disk Header Format", Parent Locator Entries). */
export interface ParentLocatorEntry {
  /** Its position in the table (0..7), for messages. */
  index: number;
  /** `W2ru`, `W2ku`, `Wi2r`, `Wi2k`, `Mac `, `MacX`. */
  platformCode: string;
  /** Bytes of locator data at `dataOffset` (the spec's "Platform Data Length"). */
  dataLength: number;
  /** Absolute byte offset of the locator data in the file. */
  dataOffset: number;
}

export interface VhdDynamicHeader {
  tableOffset: number;
  maxTableEntries: number;
  /** Bytes of data per block (not counting the sector bitmap in front of it). */
  blockSize: number;
  /** Differencing disks: the parent's footer Unique Id, and its name and locators. */
  parentUuid: Uint8Array;
  parentTimestamp: number;
  parentName: string;
  locators: ParentLocatorEntry[];
}

export function parseVhdDynamicHeader(bytes: Uint8Array, file: string, offset: number): VhdDynamicHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const place = { file, offset };
  const cookie = latin1(bytes.subarray(0, 8));
  if (cookie !== HEADER_COOKIE) {
    throw new VmferryError('corrupt', `VHD dynamic disk header cookie is "${printable(cookie)}", expected "${HEADER_COOKIE}"`, place);
  }
  const stored = view.getUint32(CHECKSUM_OFFSET, false);
  const computed = vhdChecksum(bytes, CHECKSUM_OFFSET);
  if (stored !== computed) {
    throw new VmferryError('corrupt', `VHD dynamic disk header checksum is ${hex(stored)} but the header sums to ${hex(computed)}`, place);
  }
  const version = view.getUint32(24, false);
  if (version >>> 16 !== 1) {
    throw new VmferryError('unsupported', `VHD dynamic disk header version ${version >>> 16}.${version & 0xffff} (only 1.x is defined)`, place);
  }
  const blockSize = view.getUint32(32, false);
  if (blockSize < 512 || (blockSize & (blockSize - 1)) !== 0) {
    throw new VmferryError('corrupt', `VHD dynamic disk header block size ${blockSize} is not a power of two of at least 512 bytes`, place);
  }
  return {
    tableOffset: readU64(view, 16, 'VHD dynamic disk header table offset', place),
    maxTableEntries: view.getUint32(28, false),
    blockSize,
    parentUuid: bytes.slice(40, 56),
    parentTimestamp: view.getUint32(56, false),
    parentName: decodeUtf16(bytes.subarray(64, 576), false),
    locators: parseLocators(view, place),
  };
}

function parseLocators(view: DataView, place: { file: string; offset: number }): ParentLocatorEntry[] {
  const locators: ParentLocatorEntry[] = [];
  for (let index = 0; index < LOCATOR_COUNT; index++) {
    const at = LOCATOR_TABLE_OFFSET + index * LOCATOR_ENTRY_SIZE;
    const code = view.getUint32(at, false);
    if (code === 0) continue;
    locators.push({
      index,
      platformCode: latin1(new Uint8Array(view.buffer, view.byteOffset + at, 4)),
      dataLength: view.getUint32(at + 8, false),
      dataOffset: readU64(view, at + 16, `VHD parent locator ${index} data offset`, { ...place, offset: place.offset + at }),
    });
  }
  return locators;
}

/** The header of a dynamic (not differencing) disk we write: no parent, the next-structure offset "none". */
export function encodeVhdDynamicHeader({ tableOffset, maxTableEntries, blockSize }: Pick<VhdDynamicHeader, 'tableOffset' | 'maxTableEntries' | 'blockSize'>): Uint8Array {
  const bytes = new Uint8Array(VHD_HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes.set(Uint8Array.from(HEADER_COOKIE, (c) => c.charCodeAt(0)), 0);
  // The spec says 0xFFFFFFFF, but Microsoft's tools expect all 64 bits set (qemu block/vpc.c; notes c6).
  view.setBigUint64(8, 0xffff_ffff_ffff_ffffn, false);
  view.setBigUint64(16, BigInt(tableOffset), false);
  view.setUint32(24, HEADER_VERSION, false);
  view.setUint32(28, maxTableEntries, false);
  view.setUint32(32, blockSize, false);
  sealVhdChecksum(bytes, CHECKSUM_OFFSET);
  return bytes;
}
