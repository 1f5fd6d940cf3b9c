import { SECTOR } from './sparse-header';

/**
 * streamOptimized markers (VMware "Virtual Disk Format 5.0", §"Stream-Optimized Compressed Sparse Extents"):
 *
 * - a grain marker `{u64 lba, u32 size}` followed by `size` bytes of zlib data, padded to a sector;
 * - a metadata marker, one whole sector `{u64 numSectors, u32 size = 0, u32 type}` followed by `numSectors` of
 *   metadata: type 1 a grain table, 2 the grain directory, 3 the footer; type 0 (all zero) ends the stream.
 */
export const MARKER_EOS = 0;
export const MARKER_GRAIN_TABLE = 1;
export const MARKER_GRAIN_DIRECTORY = 2;
export const MARKER_FOOTER = 3;

/** Bytes before a grain's compressed data: lba (8) and size (4). */
export const GRAIN_MARKER_SIZE = 12;

export type Marker =
  | { kind: 'grain'; lba: number; size: number }
  | { kind: 'metadata'; type: number; sectors: number };

/** Reads the marker at the start of `bytes` (at least 16 bytes). */
export function parseMarker(bytes: Uint8Array): Marker {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const value = view.getBigUint64(0, true);
  const size = view.getUint32(8, true);
  if (size !== 0) return { kind: 'grain', lba: safeNumber(value), size };
  return { kind: 'metadata', type: bytes.length >= 16 ? view.getUint32(12, true) : MARKER_EOS, sectors: safeNumber(value) };
}

function safeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** A whole-sector metadata marker announcing `sectors` of metadata of `type`. */
export function buildMetadataMarker(type: number, sectors: number): Uint8Array {
  const bytes = new Uint8Array(SECTOR);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(sectors), true);
  view.setUint32(12, type, true);
  return bytes;
}

/** The 12-byte head of a grain marker. */
export function buildGrainMarker(lba: number, size: number): Uint8Array {
  const bytes = new Uint8Array(GRAIN_MARKER_SIZE);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(lba), true);
  view.setUint32(8, size, true);
  return bytes;
}

export function roundUpToSector(bytes: number): number {
  return Math.ceil(bytes / SECTOR) * SECTOR;
}
