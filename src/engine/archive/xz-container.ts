import { crc32 } from '../guest/partitions/crc32';
import { lzma2DictionarySize } from './lzma2-decoder';
import { XzError } from './xz-error';

/**
 * The .xz container ("The .xz File Format" 1.x, Lasse Collin and Igor Pavlov): streams of
 * header (12 bytes) · blocks · index · footer (12 bytes), optionally followed by stream padding (zero bytes,
 * a multiple of four) and more streams. Everything in a stream is 4-byte aligned relative to its start.
 */
export const STREAM_HEADER_SIZE = 12;
export const STREAM_FOOTER_SIZE = 12;
const HEADER_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] as const;
const FOOTER_MAGIC = [0x59, 0x5a] as const;
const FILTER_LZMA2 = 0x21;
/** Filter IDs of the .xz spec §5.3 and xz-utils, to name what we refuse. */
const FILTER_NAMES: Record<number, string> = {
  0x03: 'Delta', 0x04: 'BCJ x86', 0x05: 'BCJ PowerPC', 0x06: 'BCJ IA-64', 0x07: 'BCJ ARM',
  0x08: 'BCJ ARM-Thumb', 0x09: 'BCJ SPARC', 0x0a: 'BCJ ARM64', 0x0b: 'BCJ RISC-V',
};

/** Throws unless `count` bytes are there at `position`. */
export function need(bytes: Uint8Array, position: number, count: number, what: string): void {
  if (position + count > bytes.length) throw new XzError(`xz data ends inside the ${what} (truncated)`);
}

export function readUint32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** Whether the CRC32 stored (little-endian) at `end` is that of `bytes[start, end)`. */
export function crcMatches(bytes: Uint8Array, start: number, end: number): boolean {
  return crc32(bytes.subarray(start, end)) === readUint32LE(bytes, end);
}

export function isStreamHeaderAt(bytes: Uint8Array, at: number): boolean {
  return HEADER_MAGIC.every((byte, i) => bytes[at + i] === byte);
}

/** Stream header (§2.1.1): magic, two flag bytes (the second holds the check ID), CRC32 of the flags. Returns the check ID. */
export function readStreamHeader(bytes: Uint8Array, at: number): number {
  need(bytes, at, STREAM_HEADER_SIZE, 'stream header');
  if (!isStreamHeaderAt(bytes, at)) throw new XzError('This is not xz data (no xz stream header)');
  if (!crcMatches(bytes, at + 6, at + 8)) throw new XzError('xz stream header is damaged (CRC32 mismatch)');
  return streamFlags(bytes, at + 6);
}

function streamFlags(bytes: Uint8Array, at: number): number {
  if (bytes[at] !== 0 || (bytes[at + 1]! & 0xf0) !== 0) throw new XzError('xz stream flags use features this decoder does not know');
  return bytes[at + 1]!;
}

/** Stream footer (§2.1.2): CRC32, backward size (index size / 4 - 1), the same flags as the header, "YZ". */
export function readStreamFooter(bytes: Uint8Array, at: number, checkId: number, indexSize: number): void {
  need(bytes, at, STREAM_FOOTER_SIZE, 'stream footer');
  if (!FOOTER_MAGIC.every((byte, i) => bytes[at + 10 + i] === byte)) throw new XzError('xz stream footer is damaged (no "YZ")');
  if (readUint32LE(bytes, at) !== crc32(bytes.subarray(at + 4, at + 10))) {
    throw new XzError('xz stream footer is damaged (CRC32 mismatch)');
  }
  if (streamFlags(bytes, at + 8) !== checkId) throw new XzError('xz stream footer flags differ from its header');
  if ((readUint32LE(bytes, at + 4) + 1) * 4 !== indexSize) throw new XzError('xz stream footer does not match the index size');
}

/** A multibyte integer (§1.2): 7 bits per byte, least significant first, at most 9 bytes, no redundant zero byte. */
export function readVarint(bytes: Uint8Array, position: number, limit: number): { value: number; end: number } {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (position + i >= limit) throw new XzError('xz data ends inside a size field (truncated or damaged)');
    const byte = bytes[position + i]!;
    if (i > 0 && byte === 0) throw new XzError('xz size field is not minimally encoded (damaged data)');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (value > Number.MAX_SAFE_INTEGER) throw new XzError('xz size field is too large');
      return { value, end: position + i + 1 };
    }
  }
  throw new XzError('xz size field is longer than 9 bytes (damaged data)');
}

export interface BlockHeader {
  headerSize: number;
  /** Declared sizes, when the encoder wrote them (xz -T does); undefined otherwise. */
  compressedSize: number | undefined;
  uncompressedSize: number | undefined;
  dictionarySize: number;
}

/** The index indicator: where a block header would start, a 0 byte starts the index instead (§3.1.1). */
export function isIndexAt(bytes: Uint8Array, at: number): boolean {
  need(bytes, at, 1, 'block list');
  return bytes[at] === 0;
}

/**
 * Block header (§3.1): size byte ((size / 4) - 1), flags (filter count - 1, which optional sizes follow), the
 * sizes, the filter chain, zero padding, CRC32. Only a lone LZMA2 filter is accepted.
 */
export function readBlockHeader(bytes: Uint8Array, at: number): BlockHeader {
  const headerSize = (bytes[at]! + 1) * 4;
  need(bytes, at, headerSize, 'block header');
  const crcAt = at + headerSize - 4;
  if (!crcMatches(bytes, at, crcAt)) throw new XzError('xz block header is damaged (CRC32 mismatch)');
  const flags = bytes[at + 1]!;
  if (flags & 0x3c) throw new XzError('xz block header uses flags this decoder does not know');
  let position = at + 2;
  const optional = (present: boolean): number | undefined => {
    if (!present) return undefined;
    const { value, end } = readVarint(bytes, position, crcAt);
    position = end;
    return value;
  };
  const compressedSize = optional((flags & 0x40) !== 0);
  const uncompressedSize = optional((flags & 0x80) !== 0);
  if (compressedSize === 0) throw new XzError('xz block header declares an empty block (damaged data)');
  const filters: { id: number; properties: Uint8Array }[] = [];
  for (let i = 0; i <= (flags & 0x03); i++) {
    const id = readVarint(bytes, position, crcAt);
    const size = readVarint(bytes, id.end, crcAt);
    if (size.value > crcAt - size.end) throw new XzError('xz filter properties run past the block header (damaged data)');
    filters.push({ id: id.value, properties: bytes.subarray(size.end, size.end + size.value) });
    position = size.end + size.value;
  }
  if (bytes.subarray(position, crcAt).some((byte) => byte !== 0)) throw new XzError('xz block header padding is not zero (damaged data)');
  const last = filters[filters.length - 1]!;
  const others = filters.slice(0, -1).map((filter) => filterName(filter.id));
  if (others.length > 0 || last.id !== FILTER_LZMA2) {
    throw new XzError(`xz filter ${[...others, filterName(last.id)].join(' + ')} is not supported (only LZMA2 alone is; recompress with plain \`xz\`)`);
  }
  if (last.properties.length !== 1) throw new XzError('xz LZMA2 filter properties are not one byte (damaged data)');
  return { headerSize, compressedSize, uncompressedSize, dictionarySize: lzma2DictionarySize(last.properties[0]!) };
}

function filterName(id: number): string {
  if (id === FILTER_LZMA2) return 'LZMA2';
  return `${FILTER_NAMES[id] ?? 'unknown'} (ID 0x${id.toString(16).padStart(2, '0')})`;
}
