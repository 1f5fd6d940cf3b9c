import type { DeviceName } from './device-name';
import type { GuestVolumeView } from './guest-tree';

/**
 * Which volume a device name means (libguestfs `resolve_fstab_device`, notes §1.1): `hd|sd|vd|xvd` + letter is
 * the Nth disk of the appliance (disk order is assumed unchanged), partition numbers as Linux counts them;
 * UUID/LABEL by the filesystem's own; /dev/VG/LV and /dev/mapper/VG-LV by the LVM names; by-id/by-path only
 * when there is exactly one disk (their text names a serial number we cannot check).
 */
export function resolveDevice(name: DeviceName, volumes: readonly GuestVolumeView[], diskCount: number, rootId: string | null): GuestVolumeView | null {
  const lower = (text: string | null) => (text === null ? null : text.toLowerCase());
  switch (name.kind) {
    case 'disk':
      return volumes.find((v) => v.diskIndex === name.disk && v.partition === name.partition && v.lvm === null) ?? null;
    case 'uuid':
    case 'by-uuid':
      return volumes.find((v) => v.uuid !== null && lower(v.uuid) === lower(name.value)) ?? null;
    case 'label':
    case 'by-label':
      return volumes.find((v) => v.label !== null && v.label === name.value) ?? null;
    case 'partuuid':
      return volumes.find((v) => v.partUuid && lower(v.partUuid) === lower(name.value)) ?? null;
    case 'partlabel':
      return volumes.find((v) => v.partLabel && v.partLabel === name.value) ?? null;
    case 'by-id':
    case 'by-path':
      if (diskCount !== 1) return null;
      return volumes.find((v) => v.diskIndex === 0 && v.partition === name.partition && v.lvm === null) ?? null;
    case 'lvm':
    case 'mapper':
      if (name.vg === null) return null;
      return volumes.find((v) => v.lvm !== null && v.lvm.vg === name.vg && v.lvm.lv === name.lv) ?? null;
    case 'root':
      return volumes.find((v) => v.id === rootId) ?? null;
    default:
      return null;
  }
}
