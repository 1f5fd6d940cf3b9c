import type { DiskFormat } from './detect';
import type { DiskReader } from './open-disk';
import { RawDisk } from './raw/raw-disk';
import { openQcow2 } from './qcow2/qcow2-reader';
import { openVdi } from './vdi/vdi-disk';
import { openVhd } from './vhd/open-vhd';
import { openVhdx } from './vhdx/open-vhdx';
import { readVmdk } from './vmdk/open-vmdk';

/** One reader per format; each format folder adds its entry here. */
export const DISK_READERS: Partial<Record<DiskFormat, DiskReader>> = {
  raw: async (source) => new RawDisk(source),
  qcow2: openQcow2,
  vdi: openVdi,
  vhd: openVhd,
  vhdx: (source, context) => openVhdx(source, context),
  // A lambda: open-vmdk imports open-disk (for parents), which imports this file, so the binding is read late.
  vmdk: (source, context) => readVmdk(source, context),
};
