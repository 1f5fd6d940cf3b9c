import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';
import { errorMessage } from './errors-text';
import { readMetadataText } from './metadata-area';
import { numberOf, parseMetadataText, stringOf, type MetadataSection } from './metadata-text';
import { readPvLabel, type PvLabel } from './pv-label';
import { buildVolumeGroup, type VolumeGroup } from './volume-group';

export interface LvmScan {
  volumeGroups: VolumeGroup[];
  /** Damaged labels or metadata, stale copies, PVs whose VG was not found. LV refusals are on the LVs. */
  warnings: string[];
}

interface MetadataCopy {
  vgName: string;
  vgUuid: string;
  seqno: number;
  vg: MetadataSection;
  from: string;
}

/**
 * Finds LVM2 physical volumes among `devices` (partitions and whole disks), reads every metadata copy, keeps the
 * highest seqno of each VG (as lvm2 does when copies disagree), and builds its volume groups and logical volumes.
 * A damaged device or VG is a warning, never a failure of the whole scan.
 */
export async function scanLvm(devices: BlockDevice[]): Promise<LvmScan> {
  const warnings: string[] = [];
  const labels = new Map<string, PvLabel>();
  for (const device of devices) {
    let label: PvLabel | null;
    try {
      label = await readPvLabel(device);
    } catch (error) {
      warnings.push(`${device.name}: not used as an LVM physical volume: ${errorMessage(error)}`);
      continue;
    }
    if (!label) continue;
    const earlier = labels.get(label.uuid);
    if (earlier) {
      warnings.push(`${device.name}: the LVM physical volume ${label.uuid} is also on ${earlier.device.name} (a cloned disk?); the first one is used`);
      continue;
    }
    labels.set(label.uuid, label);
  }

  const copies: MetadataCopy[] = [];
  for (const label of labels.values()) {
    for (const area of label.metadataAreas) {
      try {
        const text = await readMetadataText(label, area);
        if (text !== null) copies.push(parseCopy(text, label.device.name));
      } catch (error) {
        warnings.push(`${label.device.name}: LVM metadata copy skipped: ${errorMessage(error)}`);
      }
    }
  }

  const volumeGroups: VolumeGroup[] = [];
  for (const group of groupBy(copies, (copy) => copy.vgUuid).values()) {
    const newest = group.reduce((best, copy) => (copy.seqno > best.seqno ? copy : best));
    for (const copy of group) {
      if (copy.seqno < newest.seqno) {
        warnings.push(`${copy.from}: holds older metadata of volume group ${copy.vgName} (seqno ${copy.seqno}; ${newest.seqno} on ${newest.from} was used)`);
      }
    }
    try {
      volumeGroups.push(buildVolumeGroup(newest.vgName, newest.vg, labels, newest.from));
    } catch (error) {
      warnings.push(`volume group ${newest.vgName}: ${errorMessage(error)}`);
    }
  }

  const used = new Set(volumeGroups.flatMap((vg) => vg.pvs.map((pv) => pv.uuid)));
  for (const label of labels.values()) {
    if (!used.has(label.uuid)) {
      warnings.push(`${label.device.name}: LVM physical volume ${label.uuid} belongs to no volume group found (its metadata may be on a disk that is not here)`);
    }
  }
  for (const vg of volumeGroups) {
    for (const pv of vg.pvs) {
      if (pv.device === null) warnings.push(`volume group ${vg.name}: physical volume ${pv.key} (UUID ${pv.uuid}${pv.deviceHint ? `, last seen as ${pv.deviceHint}` : ''}) is missing`);
    }
  }
  return { volumeGroups, warnings };
}

/** The VG is the one section at the top of the text; the rest is `contents = ...`, `version = 1`, comments. */
function parseCopy(text: string, from: string): MetadataCopy {
  const file = parseMetadataText(text, from);
  for (const [vgName, value] of file) {
    if (!(value instanceof Map)) continue;
    const vgUuid = stringOf(value, 'id');
    const seqno = numberOf(value, 'seqno');
    if (vgUuid === null || seqno === null) continue;
    return { vgName, vgUuid, seqno, vg: value, from };
  }
  throw new VmferryError('corrupt', 'the LVM metadata text holds no volume group (a section with id and seqno)', { file: from });
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
