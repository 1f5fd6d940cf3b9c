/**
 * Little-endian field access for ext2/3/4 structures (every on-disk integer is little-endian, except the jbd2
 * journal's, which is big-endian: see journal-superblock.ts). Plain byte arithmetic, so any Uint8Array view works.
 */
export function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

export function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** A 64-bit value split as low and high 32-bit halves at different offsets (counts and block numbers). */
export function joinHiLo(lo: number, hi: number): number {
  return hi * 0x1_0000_0000 + lo;
}

export function setU16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
}

export function setU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/** The low 32 bits of a number up to 2^53. */
export function low32(value: number): number {
  return value % 0x1_0000_0000 >>> 0;
}

/** The bits above 32 of a number up to 2^53. */
export function high32(value: number): number {
  return Math.floor(value / 0x1_0000_0000) >>> 0;
}

export function be32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

export function le32Bytes(value: number): Uint8Array {
  const out = new Uint8Array(4);
  setU32(out, 0, value);
  return out;
}
