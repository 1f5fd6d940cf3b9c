/**
 * The 512-byte tar header block: where each field sits (POSIX ustar, IEEE 1003.1 `pax` "ustar Interchange
 * Format"; GNU tar manual, "Standard": the same offsets, with GNU's own use of the bytes after `gname`).
 */
export const BLOCK_SIZE = 512;

/** [offset, length] of each header field. */
export const FIELD = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  /** POSIX ustar only: in GNU-format headers these bytes hold atime, ctime and the old sparse map instead. */
  prefix: [345, 155],
  /** GNU format, typeflag 'S': set when extension blocks with more sparse entries follow the header. */
  gnuIsExtended: [482, 1],
  /** GNU format, typeflag 'S': the size of the file once its holes are put back. */
  gnuRealSize: [483, 12],
} as const satisfies Record<string, readonly [number, number]>;

export type FieldName = keyof typeof FIELD;

export function field(block: Uint8Array, name: FieldName): Uint8Array {
  const [start, length] = FIELD[name];
  return block.subarray(start, start + length);
}

/** Data is stored in whole blocks; the last one is padded with zeros. */
export function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK_SIZE) * BLOCK_SIZE;
}

export function isZeroBlock(block: Uint8Array): boolean {
  for (let at = 0; at < block.length; at++) if (block[at] !== 0) return false;
  return true;
}

/** "ustar\0" + "00": POSIX ustar and pax archives. */
export const POSIX_MAGIC = 'ustar\u0000';
/** "ustar " + " \0": GNU tar's pre-POSIX format (`--format=gnu`, `oldgnu`). */
export const GNU_MAGIC = 'ustar ';
