import type { BlockDevice } from '../block-device';
import { readPvLabel } from '../lvm/pv-label';
import type { FilesystemProbe } from './filesystem-probe';

/** An LVM2 physical volume: its label (lvm/pv-label.ts) gives the PV UUID, as blkid reports it for LVM2_member. */
export async function probeLvmPv(device: BlockDevice, head: Uint8Array): Promise<FilesystemProbe | null> {
  if (!hasLabelOne(head)) return null;
  try {
    const label = await readPvLabel(device);
    if (!label) return null;
    return { type: 'lvm2-pv', uuid: label.uuid, label: null, version: 'LVM2 001', notes: [] };
  } catch (error) {
    return { type: 'lvm2-pv', uuid: null, label: null, notes: [`damaged LVM label: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

function hasLabelOne(head: Uint8Array): boolean {
  const magic = [0x4c, 0x41, 0x42, 0x45, 0x4c, 0x4f, 0x4e, 0x45]; // LABELONE
  for (let sector = 0; sector < 4; sector++) {
    if (magic.every((byte, i) => head[sector * 512 + i] === byte)) return true;
  }
  return false;
}
