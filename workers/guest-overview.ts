import type { Appliance } from '../src/engine/appliance/appliance';
import type { DiskLayout, GuestOverview } from '../src/engine/appliance/engine-api';
import { inspectGuestOf } from '../src/engine/appliance/guest-repair';
import type { VirtualDisk } from '../src/engine/disk/virtual-disk';
import { OverlayDisk } from '../src/engine/disk/overlay';
import { diskDevice } from '../src/engine/guest/block-device';
import type { FilesystemReport } from '../src/engine/guest/inspect/guest-report';
import { readPartitions } from '../src/engine/guest/partitions';

/**
 * What the Look screen shows of the inside of the disks: each disk's partition table, drawn to scale, and the
 * Linux guest (distribution, kernels, bootloader, device names, driver warnings). Read only: partitions are read
 * through fresh overlays, and inspection (inspectGuestOf) writes nothing either.
 */
export async function guestOverview(appliance: Appliance): Promise<GuestOverview> {
  let report: GuestOverview['report'] = null;
  let problem: string | null = null;
  try {
    report = await inspectGuestOf(appliance);
    if (!report) problem = 'No readable disk to look into.';
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  const layouts: DiskLayout[] = [];
  for (const [source, disk] of appliance.disks) layouts.push(await layoutOf(disk, source, report?.filesystems ?? []));
  return { layouts, report, problem };
}

/** `source` names the disk as the package does (the app's key); volumes are named after the disk's own name. */
async function layoutOf(disk: VirtualDisk, source: string, filesystems: readonly FilesystemReport[]): Promise<DiskLayout> {
  const base: DiskLayout = { disk: source, virtualSize: disk.virtualSize, scheme: 'none', partitions: [], warnings: [] };
  try {
    const table = await readPartitions(diskDevice(new OverlayDisk(disk)));
    const whole = filesystems.find((fs) => fs.id === disk.name);
    const partitions: DiskLayout['partitions'] = table.partitions.map((p) => {
      const fs = filesystems.find((candidate) => candidate.id === `${disk.name} partition ${p.number}`);
      return {
        number: p.number,
        start: p.start,
        size: p.size,
        typeName: p.typeName,
        bootable: p.bootable,
        extended: p.extended,
        filesystem: fs?.type ?? null,
        mountpoint: fs?.mountpoint ?? null,
        label: fs?.label ?? p.name,
      };
    });
    // A disk without a partition table may hold one filesystem directly.
    if (table.scheme === 'none' && whole?.type) {
      partitions.push({ number: 0, start: 0, size: disk.virtualSize, typeName: 'whole disk', bootable: false, extended: false, filesystem: whole.type, mountpoint: whole.mountpoint, label: whole.label });
    }
    return { ...base, scheme: table.scheme, warnings: table.warnings, partitions };
  } catch (error) {
    return { ...base, warnings: [error instanceof Error ? error.message : String(error)] };
  }
}
