import type { BlockDevice } from './block-device';
import { scanLvm } from './lvm';
import type { LogicalVolume, VolumeGroup } from './lvm';
import { readPartitions } from './partitions';
import type { Partition, PartitionTable } from './partitions';
import { probeFilesystem } from './probe';
import type { FilesystemProbe } from './probe';

/**
 * Every volume of a guest: each disk's partitions (or the whole disk when it has no partition table), then the
 * logical volumes of any LVM volume groups on them, each probed for its filesystem. This is what guest inspection
 * walks to find root, /boot and swap, and what fstab entries are matched against.
 */
export interface GuestVolume {
  device: BlockDevice;
  /** For people: `disk 1`, `disk 1 partition 2`, `VolGroup00/LogVol00`. */
  path: string;
  /**
   * The names the guest may have used for it under /dev, assuming the disk order is unchanged (as virt-v2v
   * assumes): `sda2`, `hda2`, `vda2`, `xvda2`, `nvme0n1p2` for the 1st disk's partition 2; `VG/LV` and
   * `mapper/VG-LV` (dashes in names doubled) for a logical volume.
   */
  linuxNames: string[];
  filesystem: FilesystemProbe;
  /** 1-based disk number; null for a logical volume (which may span disks). */
  disk: number | null;
  /** The partition entry (for PARTUUID= and PARTLABEL=), when the volume is one. */
  partition: Partition | null;
  logicalVolume: LogicalVolume | null;
}

export interface VolumeScan {
  volumes: GuestVolume[];
  /** Each disk's partition table; null where it could not be read (the reason is in warnings). */
  tables: (PartitionTable | null)[];
  volumeGroups: VolumeGroup[];
  /** Partition-table damage worked around, LVM problems, refused LVs (with the reason), unreadable disks. */
  warnings: string[];
}

/** The guest's volumes (see `scanVolumes` for the partition tables, volume groups and warnings too). */
export async function listVolumes(devices: BlockDevice[]): Promise<GuestVolume[]> {
  return (await scanVolumes(devices)).volumes;
}

export async function scanVolumes(devices: BlockDevice[]): Promise<VolumeScan> {
  const volumes: GuestVolume[] = [];
  const tables: (PartitionTable | null)[] = [];
  const warnings: string[] = [];
  for (const [index, disk] of devices.entries()) {
    let table: PartitionTable;
    try {
      table = await readPartitions(disk);
    } catch (error) {
      tables.push(null);
      warnings.push(`disk ${index + 1}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    tables.push(table);
    warnings.push(...table.warnings);
    if (table.scheme === 'none') {
      volumes.push(await diskVolume(disk, index, null));
      continue;
    }
    for (const partition of table.partitions) {
      if (!partition.extended) volumes.push(await diskVolume(partition.device, index, partition));
    }
  }

  const pvCandidates = volumes.filter((volume) => volume.filesystem.type === 'lvm2-pv').map((volume) => volume.device);
  const lvm = pvCandidates.length > 0 ? await scanLvm(pvCandidates) : { volumeGroups: [], warnings: [] };
  warnings.push(...lvm.warnings);
  for (const vg of lvm.volumeGroups) {
    for (const lv of vg.lvs) {
      if (!lv.device) {
        warnings.push(`${lv.refusal ?? `${lv.fullName} cannot be read`}`);
        continue;
      }
      volumes.push({
        device: lv.device,
        path: lv.fullName,
        linuxNames: [lv.fullName, `mapper/${mapperEscape(vg.name)}-${mapperEscape(lv.name)}`],
        filesystem: await probeFilesystem(lv.device),
        disk: null,
        partition: null,
        logicalVolume: lv,
      });
    }
  }
  return { volumes, tables, volumeGroups: lvm.volumeGroups, warnings };
}

async function diskVolume(device: BlockDevice, index: number, partition: Partition | null): Promise<GuestVolume> {
  const letters = driveLetters(index);
  const number = partition ? String(partition.number) : '';
  return {
    device,
    path: partition ? `disk ${index + 1} partition ${partition.number}` : `disk ${index + 1}`,
    linuxNames: [...['sd', 'hd', 'vd', 'xvd'].map((prefix) => `${prefix}${letters}${number}`), `nvme${index}n1${partition ? `p${number}` : ''}`],
    filesystem: await probeFilesystem(device),
    disk: index + 1,
    partition,
    logicalVolume: null,
  };
}

/**
 * The letters Linux gives the disk with 0-based `index`: a..z, then aa, ab, ... (bijective base 26, libguestfs
 * `guestfs_int_drive_name`).
 */
export function driveLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(97 + ((n - 1) % 26)) + letters;
  return letters;
}

/** device-mapper names join VG and LV with a dash, so dashes inside each name are doubled. */
function mapperEscape(name: string): string {
  return name.replace(/-/g, '--');
}
