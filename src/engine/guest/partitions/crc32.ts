/**
 * CRC-32 with zlib's reflected polynomial 0xEDB88320: the checksum of GPT headers and entry arrays (UEFI 2.10
 * §5.3.2) and, run without its inversions from a different start value, of LVM2 labels and metadata
 * (lvm2 `lib/misc/crc.c`, `INITIAL_CRC 0xf597a6cf`, no final XOR).
 *
 * One byte per step is enough here: the largest input is an LVM metadata text or a GPT entry array of a few KiB.
 */
const POLYNOMIAL = 0xedb88320;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** zlib's `crc32`: `crc32("123456789")` is 0xCBF43926. */
export function crc32(bytes: Uint8Array): number {
  return ~crc32Raw(0xffffffff, bytes) >>> 0;
}

/** Advances the bare CRC-32 register over `bytes`, without pre- or post-inversion (what LVM2 stores). */
export function crc32Raw(register: number, bytes: Uint8Array): number {
  let crc = register >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc >>> 0;
}
