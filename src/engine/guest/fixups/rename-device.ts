import { diskDeviceName, driveLetters, parseDeviceName, type DiskPrefix } from '../inspect/device-name';
import type { GuestVolumeView } from '../inspect/guest-tree';
import { resolveDevice } from '../inspect/resolve-device';

/**
 * Device renaming as virt-v2v's `remap_block_devices` does it (notes §1.2): disk order kept, partition numbers
 * kept; `UUID=`, `LABEL=` (whatever the label text says), `/dev/mapper/…`, `/dev/VG/LV`, md, CD-ROM and floppy
 * names left alone; a disk the appliance does not have is left alone with a warning. Two additions (notes §1.6):
 * `/dev/disk/by-id|by-path` names, which encode the source bus and serial, become the filesystem's UUID when
 * it can be resolved; and `names: 'uuid'` turns every disk path into its filesystem's UUID.
 */
export interface RenameContext {
  prefix: DiskPrefix | null;
  uuid: boolean;
  volumes: readonly GuestVolumeView[];
  diskCount: number;
  rootId: string | null;
  /** Target name for messages: "Xen PV disks are xvdX". */
  why: string;
}

/** Where the name sits: an fstab spec, a kernel `root=`/`resume=` value, or a device.map whole-disk device. */
export type NameContext = 'fstab' | 'cmdline' | 'device-map';

export type RenameResult = { kind: 'keep' } | { kind: 'rename'; to: string; reason: string } | { kind: 'warn'; warning: string };

/** Partitions a disk minor range holds for sd, vd and xvd (devices.txt: 16 minors per disk). */
const MAX_PARTITIONS = 15;

export function renameDevice(text: string, ctx: RenameContext, where: NameContext): RenameResult {
  const name = parseDeviceName(text);
  const viaUuid = (volume: GuestVolumeView | null, because: string): RenameResult | null => {
    if (!volume?.uuid) return null;
    const to = where === 'fstab' || !/^\/dev\/disk\//.test(text) ? `UUID=${volume.uuid}` : `/dev/disk/by-uuid/${volume.uuid}`;
    return { kind: 'rename', to, reason: `${because}; ${volume.id} has UUID ${volume.uuid}` };
  };

  if (name.kind === 'nvme' || name.kind === 'disk') {
    const nvme = /^\/dev\/nvme(\d+)n1(?:p(\d+))?$/.exec(text);
    if (name.kind === 'nvme' && !nvme) return { kind: 'warn', warning: `${text} is not a disk VM Ferry can map: fix it by hand` };
    const disk = name.kind === 'disk' ? name.disk : Number(nvme![1]);
    const partition = name.kind === 'disk' ? name.partition : nvme![2] !== undefined ? Number(nvme![2]) : null;
    if (disk >= ctx.diskCount) {
      return { kind: 'warn', warning: `${text} refers to disk ${disk + 1}, but the appliance has ${ctx.diskCount} disk${ctx.diskCount === 1 ? '' : 's'}: left as it is, fix it by hand` };
    }
    if (ctx.uuid && where !== 'device-map') {
      const volume = resolveDevice({ kind: 'disk', prefix: 'sd', disk, partition }, ctx.volumes, ctx.diskCount, ctx.rootId);
      const byUuid = viaUuid(volume, `UUID names do not depend on the disk bus`);
      if (byUuid) return byUuid;
      if (ctx.prefix === null) return { kind: 'warn', warning: `${text}: no filesystem UUID found for it, left as it is` };
    }
    if (ctx.prefix === null) return { kind: 'keep' };
    if (partition !== null && partition > MAX_PARTITIONS && ctx.prefix !== 'hd') {
      return { kind: 'warn', warning: `${text}: partition ${partition} cannot be named with ${ctx.prefix} (at most ${MAX_PARTITIONS} partitions); use UUID names instead` };
    }
    const to = diskDeviceName(ctx.prefix, disk, partition);
    if (to === text) return { kind: 'keep' };
    const uuidNote = ctx.uuid ? ' (no filesystem UUID found for it)' : '';
    return { kind: 'rename', to, reason: `disk ${disk + 1} (${driveLetters(disk)}) is ${ctx.prefix}${driveLetters(disk)} on the target: ${ctx.why}${uuidNote}` };
  }
  if (name.kind === 'by-id' || name.kind === 'by-path') {
    const volume = resolveDevice(name, ctx.volumes, ctx.diskCount, ctx.rootId);
    const byUuid = viaUuid(volume, `${name.kind} names contain the source disk's bus and serial number, which the target does not have`);
    if (byUuid) return byUuid;
    return {
      kind: 'warn',
      warning: `${text} names the source disk by its ${name.kind === 'by-id' ? 'bus and serial number' : 'bus path'}, which the target will not have, and ${
        ctx.diskCount === 1 ? 'the filesystem it means has no UUID' : 'with several disks VM Ferry cannot tell which disk it is'
      }: change it to UUID= or LABEL= by hand`,
    };
  }
  if (name.kind === 'cciss') return { kind: 'warn', warning: `${text} is an HP Smart Array (cciss) name, which is never remapped: fix it by hand` };
  return { kind: 'keep' };
}
