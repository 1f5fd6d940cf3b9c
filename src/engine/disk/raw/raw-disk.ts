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

  async *allocation(): AsyncGenerator<DiskExtent> {
    if (this.virtualSize > 0) yield { offset: 0, length: this.virtualSize, kind: 'data' };
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.source.read(offset, clampDiskRead(this, offset, length));
  }

  readonly readInto?: (offset: number, target: Uint8Array) => Promise<number>;
}
