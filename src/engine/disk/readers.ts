import type { DiskFormat } from './detect';
import type { DiskReader } from './open-disk';
import { RawDisk } from './raw/raw-disk';

/** One reader per format; each format folder adds its entry here. */
export const DISK_READERS: Partial<Record<DiskFormat, DiskReader>> = {
  raw: async (source) => new RawDisk(source),
};
