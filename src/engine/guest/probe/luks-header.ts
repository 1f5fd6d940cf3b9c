import { hasMagic, latin1, nulPaddedUtf8, viewOf } from '../partitions/bytes';
import type { FilesystemProbe } from './filesystem-probe';

/**
 * LUKS (cryptsetup "LUKS1 On-Disk Format Specification" and "LUKS2 On-Disk Format Specification"): magic
 * "LUKS\xba\xbe" @0, version u16 big-endian @6, uuid (40 ASCII bytes) @168 in both; LUKS2 adds a label @24.
 * Only reported: what is inside cannot be read without the passphrase, so guest repair leaves it alone.
 */
export function probeLuks(head: Uint8Array): FilesystemProbe | null {
  if (head.length < 512 || !hasMagic(head, 0, 'LUKS\xba\xbe')) return null;
  const version = viewOf(head).getUint16(6, false);
  const uuid = latin1(head.subarray(168, 208)).replace(/\0.*$/s, '') || null;
  return {
    type: 'luks',
    uuid,
    label: version >= 2 ? nulPaddedUtf8(head.subarray(24, 72)) : null,
    version: String(version),
    notes: ['encrypted (LUKS): its contents cannot be read or repaired here'],
  };
}
