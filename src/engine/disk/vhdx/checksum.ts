import { crc32c } from '../../io/crc32c';

/**
 * The checksum every protected VHDX structure uses (headers 2.2.2, region tables 2.2.3, log entries 2.3.1.1):
 * CRC-32C over the whole structure with its 4-byte Checksum field, at offset 4, taken as zero.
 */
export function checksumOf(bytes: Uint8Array): number {
  const head = crc32c(bytes.subarray(0, 4));
  const withZeroField = crc32c(ZERO_FIELD, head);
  return crc32c(bytes.subarray(8), withZeroField);
}

/** Computes and stores the checksum of a structure being written. */
export function sealChecksum(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(4, checksumOf(bytes), true);
  return bytes;
}

const ZERO_FIELD = new Uint8Array(4);
