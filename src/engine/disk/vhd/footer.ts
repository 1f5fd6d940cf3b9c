import { VmferryError } from '../../errors';
import { sealVhdChecksum, vhdChecksum } from './checksum';
import type { ChsGeometry } from './geometry';
import { readU64 } from './u64';

/**
 * The hard disk footer ("Virtual Hard Disk Image Format Specification" v1.0, §"Hard Disk Footer Format"): 512
 * big-endian bytes at the end of every VHD (and copied at offset 0 of dynamic and differencing disks). Virtual
 * PC before 2004 wrote it as 511 bytes; the fields are the same.
 */
export const VHD_FOOTER_SIZE = 512;
export const VHD_COOKIE = 'conectix';

export const VHD_FIXED = 2;
export const VHD_DYNAMIC = 3;
export const VHD_DIFFERENCING = 4;
export type VhdDiskType = typeof VHD_FIXED | typeof VHD_DYNAMIC | typeof VHD_DIFFERENCING;

/** Seconds between the Unix epoch and the VHD epoch (2000-01-01 00:00:00 UTC). */
const VHD_EPOCH_SECONDS = 946_684_800;
/** "Features": bit 1 is reserved and must always be set. */
const FEATURES_RESERVED = 0x2;
/** "File Format Version": major 1, minor 0. */
const FORMAT_VERSION = 0x0001_0000;
const CHECKSUM_OFFSET = 64;

export interface VhdFooter {
  /** Where the dynamic disk header is; null when the field holds the "none" sentinel (all bits set). */
  dataOffset: number | null;
  timestamp: number;
  /** Four bytes: `win ` (Hyper-V), `vpc ` (Virtual PC), `qemu`/`qem2`, `tap\0` (XenServer), `d2v `, ... */
  creatorApp: string;
  creatorVersion: number;
  creatorHostOs: string;
  originalSize: number;
  currentSize: number;
  geometry: ChsGeometry;
  diskType: VhdDiskType;
  uniqueId: Uint8Array;
  savedState: boolean;
}

const DISK_TYPE_NAMES: Record<number, string> = { 0: 'none', 1: 'reserved (deprecated)', 5: 'reserved (deprecated)', 6: 'reserved (deprecated)' };

/** Parses and checks a footer (511 or 512 bytes) found at `offset` in `file`. */
export function parseVhdFooter(bytes: Uint8Array, file: string, offset: number): VhdFooter {
  const footer = new Uint8Array(VHD_FOOTER_SIZE);
  footer.set(bytes.subarray(0, VHD_FOOTER_SIZE));
  const view = new DataView(footer.buffer);
  const place = { file, offset };
  const cookie = latin1(footer.subarray(0, 8));
  if (cookie !== VHD_COOKIE) {
    throw new VmferryError('corrupt', `VHD footer cookie is "${printable(cookie)}", expected "${VHD_COOKIE}"`, place);
  }
  const stored = view.getUint32(CHECKSUM_OFFSET, false);
  const computed = vhdChecksum(footer.subarray(0, bytes.length), CHECKSUM_OFFSET);
  if (stored !== computed) {
    throw new VmferryError('corrupt', `VHD footer checksum is ${hex(stored)} but the footer sums to ${hex(computed)}`, place);
  }
  const version = view.getUint32(12, false);
  if (version >>> 16 !== 1) {
    throw new VmferryError('unsupported', `VHD footer file format version ${version >>> 16}.${version & 0xffff} (only 1.x is defined)`, place);
  }
  const diskType = view.getUint32(60, false);
  if (diskType !== VHD_FIXED && diskType !== VHD_DYNAMIC && diskType !== VHD_DIFFERENCING) {
    const name = DISK_TYPE_NAMES[diskType] ?? 'unknown';
    throw new VmferryError('unsupported', `VHD disk type ${diskType} (${name}); only fixed (2), dynamic (3) and differencing (4) disks exist`, place);
  }
  const dataOffset = view.getBigUint64(16, false);
  return {
    dataOffset: dataOffset > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(dataOffset),
    timestamp: view.getUint32(24, false),
    creatorApp: latin1(footer.subarray(28, 32)),
    creatorVersion: view.getUint32(32, false),
    creatorHostOs: latin1(footer.subarray(36, 40)),
    originalSize: readU64(view, 40, 'VHD footer original size', place),
    currentSize: readU64(view, 48, 'VHD footer current size', place),
    geometry: { cylinders: view.getUint16(56, false), heads: footer[58]!, sectorsPerTrack: footer[59]! },
    diskType,
    uniqueId: footer.slice(68, 84),
    savedState: footer[84] === 1,
  };
}

/** The 512 bytes of a footer, checksum included. */
export function encodeVhdFooter(footer: VhdFooter): Uint8Array {
  const bytes = new Uint8Array(VHD_FOOTER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes.set(asciiBytes(VHD_COOKIE), 0);
  view.setUint32(8, FEATURES_RESERVED, false);
  view.setUint32(12, FORMAT_VERSION, false);
  view.setBigUint64(16, footer.dataOffset === null ? 0xffff_ffff_ffff_ffffn : BigInt(footer.dataOffset), false);
  view.setUint32(24, footer.timestamp, false);
  bytes.set(asciiBytes(footer.creatorApp), 28);
  view.setUint32(32, footer.creatorVersion, false);
  bytes.set(asciiBytes(footer.creatorHostOs), 36);
  view.setBigUint64(40, BigInt(footer.originalSize), false);
  view.setBigUint64(48, BigInt(footer.currentSize), false);
  view.setUint16(56, footer.geometry.cylinders, false);
  bytes[58] = footer.geometry.heads;
  bytes[59] = footer.geometry.sectorsPerTrack;
  view.setUint32(60, footer.diskType, false);
  bytes.set(footer.uniqueId, 68);
  bytes[84] = footer.savedState ? 1 : 0;
  sealVhdChecksum(bytes, CHECKSUM_OFFSET);
  return bytes;
}

/** A time as the footer and header store it: seconds since 2000-01-01 00:00:00 UTC. */
export function vhdTimestamp(date: Date): number {
  return Math.max(0, Math.floor(date.getTime() / 1000) - VHD_EPOCH_SECONDS) >>> 0;
}

export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/** A cookie or creator for a message: control characters shown as escapes. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
