import { VmferryError } from '../errors';
import type { OverlayDisk } from '../disk/overlay';

/**
 * What partition tables, LVM and filesystems read from and write to: a disk, a partition of it, or a logical
 * volume. Writes exist only so that guest repair can edit files; they always end up in a disk's OverlayDisk,
 * never in the source image.
 */
export interface BlockDevice {
  /** For messages: `disk1.vmdk`, `disk1.vmdk partition 2`, `VolGroup00/LogVol00`. */
  readonly name: string;
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  write(offset: number, bytes: Uint8Array): Promise<void>;
}

/** A whole disk, read and written through its copy-on-write overlay. */
export function diskDevice(disk: OverlayDisk, name = disk.name): BlockDevice {
  return {
    name,
    size: disk.virtualSize,
    read: (offset, length) => disk.read(offset, length),
    write: (offset, bytes) => disk.write(offset, bytes),
  };
}

/** A byte range of another device (a partition, a PV's data area), reads and writes translated and bounded. */
export function windowDevice(parent: BlockDevice, start: number, size: number, name: string): BlockDevice {
  if (start < 0 || size < 0 || start + size > parent.size) {
    throw new VmferryError('corrupt', `${name} spans bytes ${start}..${start + size}, past the end of ${parent.name} (${parent.size} bytes)`, {
      file: parent.name,
    });
  }
  const check = (offset: number, length: number) => {
    if (offset < 0 || offset + length > size) {
      throw new VmferryError('usage', `Access of ${length} bytes at ${offset} is outside ${name} (${size} bytes)`, { file: parent.name });
    }
  };
  return {
    name,
    size,
    read: (offset, length) => parent.read(start + offset, Math.max(0, Math.min(length, size - offset))),
    write: async (offset, bytes) => {
      check(offset, bytes.length);
      await parent.write(start + offset, bytes);
    },
  };
}
