import type { DiskFormat } from './detect';

/**
 * The one block model every disk format reads into and writes from (DESIGN.md, "VirtualDisk").
 *
 * A disk is `virtualSize` bytes of guest-visible data. `allocation()` says, range by range, where the data is
 * (`data`), where the format itself records zeros (`zero`: a VMDK zeroed grain, a qcow2 zero cluster, a VHDX
 * block in state ZERO) and where nothing is stored at all (`unallocated`, which reads as zeros too, or as the
 * parent's data in a chain — the view resolves that). Writers plan their layout from it; readers never hold more
 * than a table in memory.
 */
export type ExtentKind = 'data' | 'zero' | 'unallocated';

export interface DiskExtent {
  /** Byte offset in the virtual disk. */
  offset: number;
  length: number;
  kind: ExtentKind;
}

export interface VirtualDisk {
  /** Shown in errors: the file name (and for a chain, the top layer's). */
  readonly name: string;
  readonly format: DiskFormat;
  readonly subformat: string | null;
  readonly virtualSize: number;
  /** The format's allocation unit: VHD block, VMDK grain, qcow2 cluster. Extents are aligned to it (or finer). */
  readonly blockSize: number;
  /** The layers below this one (parent first), empty for a standalone disk. */
  readonly parent: VirtualDisk | null;
  /**
   * The disk's allocation as seen through the whole chain, in order, covering [0, virtualSize) exactly, adjacent
   * extents of the same kind merged. Streamed, because a fragmented terabyte disk has millions of extents.
   */
  allocation(): AsyncIterable<DiskExtent>;
  /** Reads guest data (through parents where this layer has none). Reads past the end return fewer bytes. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Optional: reads into the caller's buffer, every byte of it, as ByteSource.readInto (raw and qcow2 offer it). */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
  /** Bytes this layer itself occupies in its file(s): what the layer costs on disk. */
  readonly storedBytes: number;
}

/** Every layer of a chain, top first. */
export function layersOf(disk: VirtualDisk): VirtualDisk[] {
  const layers: VirtualDisk[] = [];
  for (let layer: VirtualDisk | null = disk; layer; layer = layer.parent) layers.push(layer);
  return layers;
}

/** Clamps a read to the virtual size; formats then only handle in-range reads. */
export function clampDiskRead(disk: { virtualSize: number }, offset: number, length: number): number {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new RangeError(`Invalid disk read of ${length} bytes at ${offset}`);
  }
  return Math.max(0, Math.min(length, disk.virtualSize - offset));
}
