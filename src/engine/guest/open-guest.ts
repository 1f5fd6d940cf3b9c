import type { OverlayDisk } from '../disk/overlay';
import { isVmferryError } from '../errors';
import { diskDevice } from './block-device';
import { openExt } from './ext';
import type { GuestFs } from './guest-fs';
import type { GuestVolumeView } from './inspect/guest-tree';
import { inspectGuest, type Inspection } from './inspect/inspect-guest';
import { scanVolumes, type GuestVolume } from './volumes';

/**
 * A Linux guest found on an appliance's disks: its volumes, the filesystems VM Ferry can read (ext2/3/4 for
 * now), the inspection report, and the overlays that edits are written to. Plan fixups with
 * `planGuestFixups(guest, …)` and write them with `applyGuestEdits(guest, edits)`; the source images are never
 * touched, the overlays are what the disk writers then copy.
 */
export interface Guest extends Inspection {
  disks: OverlayDisk[];
}

export interface OpenGuestOptions {
  /** The root filesystem's id when there are several (`disk1.vmdk partition 2`, `VolGroup00/LogVol00`). */
  root?: string;
  /** Clock for the mtime/ctime of edited files; tests pin it. */
  now?: () => number;
}

const EXT_TYPES = new Set(['ext2', 'ext3', 'ext4']);

export async function openGuest(disks: OverlayDisk[], options: OpenGuestOptions = {}): Promise<Guest> {
  const devices = disks.map((disk) => diskDevice(disk));
  const scan = await scanVolumes(devices);
  const warnings = [...scan.warnings];
  const views: GuestVolumeView[] = [];
  for (const volume of scan.volumes) {
    views.push(await volumeView(volume, disks, warnings, options));
  }
  const inspection = await inspectGuest(views, { diskCount: disks.length, ...(options.root !== undefined ? { root: options.root } : {}) });
  inspection.report.warnings.unshift(...warnings);
  return { ...inspection, disks };
}

async function volumeView(volume: GuestVolume, disks: OverlayDisk[], warnings: string[], options: OpenGuestOptions): Promise<GuestVolumeView> {
  const probe = volume.filesystem;
  const diskIndex = volume.disk === null ? null : volume.disk - 1;
  const diskName = diskIndex === null ? null : disks[diskIndex]?.name ?? `disk ${volume.disk}`;
  const id = volume.logicalVolume ? volume.logicalVolume.fullName : volume.partition ? `${diskName} partition ${volume.partition.number}` : (diskName ?? volume.path);
  for (const note of probe.notes) warnings.push(`${id}: ${note}`);
  let fs: GuestFs | null = null;
  if (probe.type !== null && EXT_TYPES.has(probe.type)) {
    try {
      fs = await openExt(volume.device, options.now ? { now: options.now } : {});
    } catch (error) {
      if (!isVmferryError(error)) throw error;
      warnings.push(`${id}: the ${probe.type} filesystem cannot be read: ${error.message}`);
    }
  }
  const lv = volume.logicalVolume;
  return {
    id,
    diskIndex: lv ? null : diskIndex,
    partition: lv ? null : volume.partition?.number ?? null,
    lvm: lv ? { vg: lv.fullName.split('/')[0]!, lv: lv.name } : null,
    type: probe.type,
    uuid: probe.uuid,
    label: probe.label,
    partUuid: volume.partition?.uuid ?? null,
    partLabel: volume.partition?.name ?? null,
    fs,
  };
}
