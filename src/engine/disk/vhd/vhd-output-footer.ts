import { randomIdentity } from '../identity';
import { VmferryError } from '../../errors';
import type { WriterOptions } from '../disk-writer';
import type { VirtualDisk } from '../virtual-disk';
import { vhdTimestamp, type VhdDiskType, type VhdFooter } from './footer';
import { coveringGeometry } from './geometry';
import { randomVhdUuid } from './uuid';

/**
 * The footer of a VHD we write. Decisions that every output shares:
 *
 * - Current size: the exact virtual size, rounded up to a whole sector only when the source is not a multiple
 *   of 512 bytes (a VHD addresses whole sectors).
 * - Geometry: one that covers the size (`coveringGeometry`), so that even a reader that sizes by C×H×S sees
 *   the whole disk; the maximum 65535×16×255 when the disk is larger than CHS can describe.
 * - Creator: `options.vhdCreator`, else `win ` (Hyper-V). Readers disagree on which size field to trust, and
 *   they decide by the creator (notes c1): qemu sizes `vpc ` and `qemu` disks by geometry, which rounds an
 *   exact size up, but takes `win ` (like `tap\0`, `qem2`, `d2v `, `CTXS`) at its current size; Hyper-V reads
 *   its own `win ` disks by current size, and so do XenServer's tools for any creator. With `win ` every reader
 *   we know of sees exactly the size we wrote. XenServer-family targets pass `tap\0` (notes c9).
 * - Host OS `Wi2k`, a fresh random unique id, the time of planning as timestamp.
 */
export const DEFAULT_VHD_CREATOR = 'win ';
const CREATOR_HOST_OS = 'Wi2k';
/** "Creator Version" of the creating application; nothing reads it. */
const CREATOR_VERSION = 0x0001_0000;
/** The largest VHD Microsoft and qemu accept: 0xFF000000 sectors (2040 GiB). */
export const VHD_MAX_SIZE = 0xff00_0000 * 512;

/** The size a VHD of `disk` declares: whole sectors. */
export function vhdCurrentSize(disk: VirtualDisk): number {
  return Math.ceil(disk.virtualSize / 512) * 512;
}

export function outputVhdFooter(disk: VirtualDisk, diskType: VhdDiskType, dataOffset: number | null, options: WriterOptions): VhdFooter {
  const currentSize = vhdCurrentSize(disk);
  const identity = options.identity ?? randomIdentity;
  if (currentSize > VHD_MAX_SIZE) {
    throw new VmferryError('unsupported', `A VHD holds at most 2040 GiB; this disk is ${disk.virtualSize} bytes`, {
      file: disk.name,
      hint: 'Write VHDX instead (--format vhdx)',
    });
  }
  return {
    dataOffset,
    timestamp: vhdTimestamp(identity.now()),
    creatorApp: vhdCreator(options.vhdCreator),
    creatorVersion: CREATOR_VERSION,
    creatorHostOs: CREATOR_HOST_OS,
    originalSize: currentSize,
    currentSize,
    geometry: coveringGeometry(currentSize / 512),
    diskType,
    uniqueId: randomVhdUuid(identity),
    savedState: false,
  };
}

/** The creator as four bytes: shorter names are padded with NULs (`tap` → `tap\0`, as XenServer writes it). */
export function vhdCreator(requested: string | undefined): string {
  const creator = requested ?? DEFAULT_VHD_CREATOR;
  if (creator.length === 0 || creator.length > 4 || !/^[\x00-\x7e]*$/.test(creator)) {
    throw new VmferryError('usage', `VHD creator application must be 1 to 4 ASCII characters (such as "win " or "tap"), not ${JSON.stringify(creator)}`);
  }
  return creator.padEnd(4, '\0');
}
