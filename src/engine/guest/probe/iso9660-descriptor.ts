import { hasMagic, isAllZero, latin1 } from '../partitions/bytes';
import type { FilesystemProbe } from './filesystem-probe';

/**
 * ISO 9660 (ECMA-119 §8): volume descriptors from sector 16 (byte 32768), 2048 bytes each: type @0, "CD001" @1.
 * The primary (type 1) holds the volume identifier @40 (32 bytes, space-padded) and the creation and
 * modification dates @813 and @830 ("YYYYMMDDHHMMSScc" + zone); a supplementary descriptor (type 2) with a UCS-2
 * escape sequence @88 ("%/@", "%/C", "%/E") is Joliet, whose volume identifier is UCS-2 big-endian.
 * blkid's UUID for ISO 9660 is the modification date (else the creation date) as `YYYY-MM-DD-HH-MM-SS-cc`.
 */
const FIRST_DESCRIPTOR = 32768;
const DESCRIPTOR = 2048;
const TERMINATOR = 255;

export function probeIso9660(head: Uint8Array): FilesystemProbe | null {
  let primary: Uint8Array | null = null;
  let joliet: Uint8Array | null = null;
  for (let at = FIRST_DESCRIPTOR; at + DESCRIPTOR <= head.length; at += DESCRIPTOR) {
    if (!hasMagic(head, at + 1, 'CD001')) break;
    const type = head[at]!;
    const descriptor = head.subarray(at, at + DESCRIPTOR);
    if (type === 1 && !primary) primary = descriptor;
    if (type === 2 && head[at + 88] === 0x25 && head[at + 89] === 0x2f && [0x40, 0x43, 0x45].includes(head[at + 90]!)) joliet = descriptor;
    if (type === TERMINATOR) break;
  }
  if (!primary) return null;
  const isoLabel = latin1(primary.subarray(40, 72)).trimEnd();
  const jolietLabel = joliet ? new TextDecoder('utf-16be').decode(joliet.subarray(40, 72)).replace(/\0+$/, '').trimEnd() : '';
  const label = jolietLabel || isoLabel;
  return {
    type: 'iso9660',
    uuid: dateId(primary.subarray(830, 846)) ?? dateId(primary.subarray(813, 829)),
    label: label.length > 0 ? label : null,
    ...(joliet ? { version: 'Joliet Extension' } : {}),
    notes: [],
  };
}

function dateId(digits: Uint8Array): string | null {
  const text = latin1(digits);
  if (isAllZero(digits) || !/^\d{16}$/.test(text) || /^0+$/.test(text)) return null;
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}-${text.slice(8, 10)}-${text.slice(10, 12)}-${text.slice(12, 14)}-${text.slice(14, 16)}`;
}
