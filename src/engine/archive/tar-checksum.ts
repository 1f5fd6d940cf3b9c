import { BLOCK_SIZE, FIELD } from './tar-layout';
import { parseNumericField } from './tar-numeric';

/**
 * The header checksum: the sum of all 512 header bytes with the checksum field itself counted as eight spaces
 * (POSIX ustar, "chksum"). Some historic tars (old Sun and BSD ones) summed the bytes as signed chars, so GNU tar
 * accepts either sum; so do we.
 */
export function headerChecksums(block: Uint8Array): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  const [start, length] = FIELD.checksum;
  for (let at = 0; at < BLOCK_SIZE; at++) {
    const byte = at >= start && at < start + length ? 0x20 : block[at]!;
    unsigned += byte;
    signed += byte >= 0x80 ? byte - 0x100 : byte;
  }
  return { unsigned, signed };
}

/** True when the stored checksum matches either the unsigned or the historic signed sum. */
export function hasValidChecksum(block: Uint8Array): boolean {
  const [start, length] = FIELD.checksum;
  const stored = parseNumericField(block.subarray(start, start + length));
  if (stored === undefined) return false;
  const { unsigned, signed } = headerChecksums(block);
  return stored === unsigned || stored === signed;
}

/** Fills in the checksum field the way GNU tar does: six octal digits, a NUL, a space. */
export function writeChecksum(block: Uint8Array): void {
  const [start] = FIELD.checksum;
  const digits = headerChecksums(block).unsigned.toString(8).padStart(6, '0');
  for (let i = 0; i < 6; i++) block[start + i] = digits.charCodeAt(i);
  block[start + 6] = 0;
  block[start + 7] = 0x20;
}
