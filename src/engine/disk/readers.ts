import type { DiskFormat } from './detect';
import type { DiskReader } from './open-disk';
import { RawDisk } from './raw/raw-disk';
import { openQcow2 } from './qcow2/qcow2-reader';
import { openVhd } from './vhd/open-vhd';

/** One reader per format; each format folder adds its entry here. */
export const DISK_READERS: Partial<Record<DiskFormat, DiskReader>> = {
  raw: async (source) => new RawDisk(source),
  qcow2: openQcow2,
  vhd: openVhd,
};
