import { latin1 } from '../partitions/bytes';

/**
 * FAT directory entries (Microsoft FAT specification §6 and §7): 32 bytes each. A short entry has the 8.3 name
 * @0 (first byte 0xE5 = deleted, 0x00 = end, 0x05 = a real 0xE5), attributes @11, Windows NT's lower-case flags
 * @12 (0x08 base, 0x10 extension), first cluster high @20 and low @26, size @28. Long names come as a run of
 * entries with attributes 0x0F before it, last part first: ordinal @0 (0x40 marks the last), 13 UCS-2 characters
 * @1, @14 and @28, and @13 a checksum of the short name that ties them to it (a mismatch means the long name is
 * stale, and the short name is used, as Windows and Linux do).
 */
export const ATTR_VOLUME_ID = 0x08;
export const ATTR_DIRECTORY = 0x10;
const ATTR_LONG_NAME = 0x0f;

export interface FatDirEntry {
  /** The long name when there is a valid one, else the short name as Linux shows it. */
  name: string;
  shortName: string;
  attributes: number;
  firstCluster: number;
  size: number;
}

export function parseDirectory(bytes: Uint8Array, fat32: boolean): FatDirEntry[] {
  const entries: FatDirEntry[] = [];
  let longParts: string[] = [];
  let longChecksum = -1;
  let expectedOrdinal = 0;
  for (let at = 0; at + 32 <= bytes.length; at += 32) {
    const first = bytes[at]!;
    if (first === 0x00) break;
    const attributes = bytes[at + 11]!;
    if (first === 0xe5) {
      longParts = [];
      continue;
    }
    if ((attributes & 0x3f) === ATTR_LONG_NAME) {
      const ordinal = first & 0x1f;
      if (first & 0x40) {
        longParts = [];
        longChecksum = bytes[at + 13]!;
        expectedOrdinal = ordinal;
      } else if (ordinal !== expectedOrdinal || bytes[at + 13] !== longChecksum) {
        longParts = [];
        continue;
      }
      longParts[ordinal - 1] = longNamePart(bytes.subarray(at, at + 32));
      expectedOrdinal = ordinal - 1;
      continue;
    }
    const raw = bytes.subarray(at, at + 11);
    const longName = expectedOrdinal === 0 && longParts.length > 0 && shortNameChecksum(raw) === longChecksum ? longParts.join('') : null;
    longParts = [];
    if (attributes & ATTR_VOLUME_ID) continue;
    const shortName = shortNameText(raw, bytes[at + 12]!);
    if (shortName === '.' || shortName === '..') continue;
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, 32);
    entries.push({
      name: longName ?? shortName,
      shortName,
      attributes,
      firstCluster: (fat32 ? view.getUint16(20, true) << 16 : 0) | view.getUint16(26, true),
      size: view.getUint32(28, true),
    });
  }
  return entries;
}

function longNamePart(entry: Uint8Array): string {
  const units: number[] = [];
  for (const [start, count] of [
    [1, 5],
    [14, 6],
    [28, 2],
  ] as const) {
    for (let i = 0; i < count; i++) units.push(entry[start + i * 2]! | (entry[start + i * 2 + 1]! << 8));
  }
  const end = units.indexOf(0);
  return String.fromCharCode(...(end < 0 ? units : units.slice(0, end)));
}

/** §7.2: rotate right, add the next byte, over the 11 bytes of the short name. */
export function shortNameChecksum(raw: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + raw[i]!) & 0xff;
  return sum;
}

function shortNameText(raw: Uint8Array, ntFlags: number): string {
  const bytes = Uint8Array.from(raw);
  if (bytes[0] === 0x05) bytes[0] = 0xe5;
  let base = latin1(bytes.subarray(0, 8)).trimEnd();
  let extension = latin1(bytes.subarray(8, 11)).trimEnd();
  if (ntFlags & 0x08) base = base.toLowerCase();
  if (ntFlags & 0x10) extension = extension.toLowerCase();
  return extension ? `${base}.${extension}` : base;
}
