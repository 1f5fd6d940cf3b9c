import type { DiskIdentity } from '../identity';
/**
 * GUIDs as VHDX stores them ([MS-VHDX] 1.1, "GUID"; [MS-DTYP] 2.3.4.2): Data1 as a little-endian 32-bit number,
 * Data2 and Data3 as little-endian 16-bit numbers, Data4 as 8 bytes in order. The text form
 * `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` is what the parent locator's `parent_linkage` holds.
 */
export type Guid = Uint8Array;

export const GUID_SIZE = 16;

/** Parses `8B7CA206-4790-4B9A-B8FE-575F050F886E` (braces optional) into its 16 stored bytes. */
export function parseGuid(text: string): Guid | null {
  const match = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i.exec(text.trim());
  if (!match) return null;
  const [, d1, d2, d3, d4a, d4b] = match as unknown as [string, string, string, string, string, string];
  const out = new Uint8Array(GUID_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, parseInt(d1, 16), true);
  view.setUint16(4, parseInt(d2, 16), true);
  view.setUint16(6, parseInt(d3, 16), true);
  const tail = d4a + d4b;
  for (let i = 0; i < 8; i++) out[8 + i] = parseInt(tail.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A GUID constant from the specification's text form (throws on a typo: these are compile-time facts). */
export function guid(text: string): Guid {
  const parsed = parseGuid(text);
  if (!parsed) throw new Error(`Invalid GUID constant ${text}`);
  return parsed;
}

/** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case, as Hyper-V writes it. */
export function formatGuid(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, GUID_SIZE);
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
  const tail = Array.from(bytes.subarray(8, 16), (b) => hex(b, 2)).join('');
  return `{${hex(view.getUint32(0, true), 8)}-${hex(view.getUint16(4, true), 4)}-${hex(view.getUint16(6, true), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}}`.toUpperCase();
}

export function guidEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length < GUID_SIZE || b.length < GUID_SIZE) return false;
  for (let i = 0; i < GUID_SIZE; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isZeroGuid(bytes: Uint8Array): boolean {
  for (let i = 0; i < GUID_SIZE; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** A fresh GUID (RFC 4122 version 4, variant 1), from the writer's identity (random unless seeded). */
export function randomGuid(identity: DiskIdentity, purpose: string): Guid {
  const bytes = identity.bytes(GUID_SIZE, purpose);
  // Data3's top nibble is the version; stored little-endian, that nibble is the high half of byte 7.
  bytes[7] = (bytes[7]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
}
