/**
 * The checksum that protects the VHD footer and the dynamic disk header ("Virtual Hard Disk Image Format
 * Specification" v1.0, §"Hard Disk Footer Format", field Checksum): the one's complement of the sum of every
 * byte of the structure, the four checksum bytes themselves left out.
 */
export function vhdChecksum(bytes: Uint8Array, checksumOffset: number): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (i >= checksumOffset && i < checksumOffset + 4) continue;
    sum += bytes[i]!;
  }
  return ~sum >>> 0;
}

/** Writes the checksum of `bytes` into its checksum field (big-endian, like every VHD field). */
export function sealVhdChecksum(bytes: Uint8Array, checksumOffset: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(checksumOffset, vhdChecksum(bytes, checksumOffset), false);
}
