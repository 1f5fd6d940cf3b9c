import { hasMagic, nulPaddedUtf8, uuidText, viewOf } from '../partitions/bytes';
import type { FilesystemProbe } from './filesystem-probe';

/**
 * The XFS superblock at byte 0, big-endian (xfsprogs `libxfs/xfs_format.h` struct xfs_dsb): "XFSB" @0,
 * sb_uuid @32, sb_versionnum @100 (low 4 bits: 4 or 5, 5 being the CRC format), sb_fname[12] @108,
 * sb_inprogress @126 (set while mkfs runs).
 */
export function probeXfs(head: Uint8Array): FilesystemProbe | null {
  if (head.length < 512 || !hasMagic(head, 0, 'XFSB')) return null;
  const view = viewOf(head);
  const version = view.getUint16(100, false) & 0xf;
  const notes: string[] = [];
  if (head[126] !== 0) notes.push('mkfs.xfs did not finish on it');
  return {
    type: 'xfs',
    uuid: uuidText(head.subarray(32, 48)),
    label: nulPaddedUtf8(head.subarray(108, 120)),
    version: String(version),
    notes,
  };
}
