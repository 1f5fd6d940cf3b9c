import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';

/**
 * Small helpers shared by the on-disk structures of guest storage (partition tables, LVM2, filesystem
 * superblocks): exact reads from a BlockDevice, 64-bit fields as safe numbers, fixed-size text fields.
 */

/** Reads exactly `length` bytes, or fails with a 'truncated' error naming what was being read. */
export async function readExactly(device: BlockDevice, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (offset < 0 || offset + length > device.size) {
    throw new VmferryError('truncated', `${what} at bytes ${offset}..${offset + length} lies past the end of the device (${device.size} bytes)`, {
      file: device.name,
    });
  }
  const bytes = await device.read(offset, length);
  if (bytes.length < length) {
    throw new VmferryError('truncated', `${what}: only ${bytes.length} of ${length} bytes could be read`, { file: device.name, offset });
  }
  return bytes.length === length ? bytes : bytes.subarray(0, length);
}

/** Reads up to `length` bytes (fewer at the end of the device); never throws for a short device. */
export async function readUpTo(device: BlockDevice, offset: number, length: number): Promise<Uint8Array> {
  const available = Math.max(0, Math.min(length, device.size - offset));
  if (available === 0) return new Uint8Array(0);
  const bytes = await device.read(offset, available);
  return bytes.length > available ? bytes.subarray(0, available) : bytes;
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A little-endian unsigned 64-bit field as a number; null when it is beyond 2^53 (no disk of ours is that
 * large, so such a value is corruption the caller names).
 */
export function u64le(view: DataView, offset: number): number | null {
  const value = view.getBigUint64(offset, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(value);
}

export function u64be(view: DataView, offset: number): number | null {
  const value = view.getBigUint64(offset, false);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(value);
}

/** Bytes as Latin-1 text, for magic strings and ASCII fields. */
export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

/** True when `bytes` at `offset` spell `magic` (Latin-1). */
export function hasMagic(bytes: Uint8Array, offset: number, magic: string): boolean {
  if (offset < 0 || offset + magic.length > bytes.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[offset + i] !== magic.charCodeAt(i)) return false;
  return true;
}

/** A fixed-size, NUL-padded UTF-8 field (ext, XFS and btrfs labels), or null when empty. */
export function nulPaddedUtf8(bytes: Uint8Array): string | null {
  const end = bytes.indexOf(0);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(end < 0 ? bytes : bytes.subarray(0, end));
  return text.length > 0 ? text : null;
}

export function hex(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += bytes[i]!.toString(16).padStart(2, '0');
  return text;
}

/** 16 bytes as a UUID in stored byte order (ext, XFS, btrfs, swap): `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
export function uuidText(bytes: Uint8Array): string {
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * 16 bytes as a GUID in the mixed-endian layout of GPT and Microsoft (UEFI 2.10 Appendix A): the first three
 * fields little-endian, the last two as stored. Lower case, as udev and blkid print PARTUUID.
 */
export function guidText(bytes: Uint8Array): string {
  const swapped = Uint8Array.of(bytes[3]!, bytes[2]!, bytes[1]!, bytes[0]!, bytes[5]!, bytes[4]!, bytes[7]!, bytes[6]!, ...bytes.subarray(8, 16));
  return uuidText(swapped);
}

export function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
