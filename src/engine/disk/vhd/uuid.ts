import { randomIdentity, type DiskIdentity } from '../identity';
/** VHD unique ids (footer Unique Id, header Parent Unique Id): 16 bytes, compared byte for byte. */

/** A fresh (version 4) UUID, from the writer's identity (random unless seeded). */
export function randomVhdUuid(identity: DiskIdentity = randomIdentity): Uint8Array {
  const bytes = identity.bytes(16, 'vhd unique id');
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
}

export function sameUuid(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The bytes as stored, in the usual 8-4-4-4-12 grouping (for messages; not Windows' mixed-endian GUID order). */
export function formatUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
