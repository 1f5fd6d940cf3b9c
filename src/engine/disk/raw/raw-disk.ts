import type { ByteSource } from '../../io/byte-source';
import type { DiskFormat } from '../detect';
import { clampDiskRead, type DiskExtent, type VirtualDisk } from '../virtual-disk';

/**
 * A raw image: the file is the disk. Nothing records where it is empty, so the whole disk is one `data` extent
 * and zero detection finds the empty space. A fixed VHD is the same (its data, then a footer the virtual size
 * leaves out), so it is a RawDisk with format 'vhd'.
 */
export class RawDisk implements VirtualDisk {
  readonly parent = null;
  readonly blockSize = 64 * 1024;
  readonly virtualSize: number;
  readonly storedBytes: number;

  constructor(
    private readonly source: ByteSource,
    readonly subformat: string | null = null,
    virtualSize = source.size,
    readonly format: DiskFormat = 'raw',
  ) {
    this.virtualSize = virtualSize;
    this.storedBytes = source.size;
    const readInto = source.readInto?.bind(source);
    if (readInto) this.readInto = (offset, target) => readInto(offset, target.subarray(0, clampDiskRead(this, offset, target.length)));
  }

  get name(): string {
    return this.source.name;
  }

  /**
   * One `data` extent, unless the file system says where the holes are (a sparse image file): then holes are
   * `unallocated` and are neither read nor written as data.
   */
  async *allocation(): AsyncGenerator<DiskExtent> {
    if (this.virtualSize === 0) return;
    const ranges = (await this.source.dataRanges?.()) ?? [{ offset: 0, length: this.virtualSize }];
    let at = 0;
    for (const range of ranges) {
      const start = Math.min(range.offset, this.virtualSize);
      const end = Math.min(range.offset + range.length, this.virtualSize);
      if (start > at) yield { offset: at, length: start - at, kind: 'unallocated' };
      if (end > start) yield { offset: start, length: end - start, kind: 'data' };
      at = Math.max(at, end);
    }
    if (at < this.virtualSize) yield { offset: at, length: this.virtualSize - at, kind: 'unallocated' };
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.source.read(offset, clampDiskRead(this, offset, length));
  }

  readonly readInto?: (offset: number, target: Uint8Array) => Promise<number>;
}
