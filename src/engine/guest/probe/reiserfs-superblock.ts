import { hasMagic, isAllZero, nulPaddedUtf8, uuidText } from '../partitions/bytes';
import type { FilesystemProbe } from './filesystem-probe';

/**
 * The ReiserFS superblock at 64 KiB (8 KiB on the oldest 3.5 filesystems): magic @52 "ReIsErFs" (3.5),
 * "ReIsEr2Fs" (3.6), "ReIsEr3Fs" (3.6 with a relocated journal); 3.6 adds s_uuid @84 and s_label @100 (16 bytes).
 */
const LOCATIONS = [65536, 8192];

export function probeReiserfs(head: Uint8Array): FilesystemProbe | null {
  for (const at of LOCATIONS) {
    const version = hasMagic(head, at + 52, 'ReIsEr2Fs') || hasMagic(head, at + 52, 'ReIsEr3Fs') ? '3.6' : hasMagic(head, at + 52, 'ReIsErFs') ? '3.5' : null;
    if (!version) continue;
    if (version === '3.5') return { type: 'reiserfs', uuid: null, label: null, version, notes: [] };
    const uuidBytes = head.subarray(at + 84, at + 100);
    return {
      type: 'reiserfs',
      uuid: isAllZero(uuidBytes) ? null : uuidText(uuidBytes),
      label: nulPaddedUtf8(head.subarray(at + 100, at + 116)),
      version,
      notes: [],
    };
  }
  return null;
}
