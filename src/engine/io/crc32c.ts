/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of VHDX headers, region tables and log
 * entries ([MS-VHDX] 2.2.2), iSCSI (RFC 3720 B.4) and ext4 `metadata_csum`.
 *
 * Slicing-by-8: eight 256-entry tables let the loop consume 8 bytes per step instead of one, which is what makes
 * checksumming a 64 KiB region table or a whole VHDX log cheap.
 *
 * Two entry points:
 * - `crc32c(bytes, seed?)` is the usual CRC (pre- and post-inverted, like zlib's `crc32`): `crc32c("123456789")`
 *   is 0xE3069283, and `crc32c(b, crc32c(a))` equals `crc32c(a + b)`, so updates chain.
 * - `crc32cRaw(register, bytes)` runs the bare register without inversions, for formats that define their
 *   checksum on it directly (Linux's `crc32c_le`, which ext4 calls with a seed of ~0 and keeps uninverted).
 */
const POLYNOMIAL = 0x82f63b78;

const TABLES = buildTables();

function buildTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const first = tables[0]!;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    first[n] = c >>> 0;
  }
  // Table k advances a byte through k further zero bytes: t[k][n] = t[k-1][n] shifted by one more byte.
  for (let k = 1; k < 8; k++) {
    const previous = tables[k - 1]!;
    const table = tables[k]!;
    for (let n = 0; n < 256; n++) {
      const c = previous[n]!;
      table[n] = ((c >>> 8) ^ first[c & 0xff]!) >>> 0;
    }
  }
  return tables;
}

/** The CRC-32C of `bytes`, continuing from `seed` (the CRC of everything before them; 0 to start). */
export function crc32c(bytes: Uint8Array, seed = 0): number {
  return ~crc32cRaw(~seed >>> 0, bytes) >>> 0;
}

/** Advances the bare CRC-32C register over `bytes` (no pre- or post-inversion). */
export function crc32cRaw(register: number, bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let crc = register >>> 0;
  let i = 0;
  const length = bytes.length;
  const fast = length - (length % 8);
  for (; i < fast; i += 8) {
    const lo = (crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>> 0;
    crc =
      t7[lo & 0xff]! ^
      t6[(lo >>> 8) & 0xff]! ^
      t5[(lo >>> 16) & 0xff]! ^
      t4[lo >>> 24]! ^
      t3[bytes[i + 4]!]! ^
      t2[bytes[i + 5]!]! ^
      t1[bytes[i + 6]!]! ^
      t0[bytes[i + 7]!]!;
  }
  for (; i < length; i++) crc = (crc >>> 8) ^ t0[(crc ^ bytes[i]!) & 0xff]!;
  return crc >>> 0;
}
