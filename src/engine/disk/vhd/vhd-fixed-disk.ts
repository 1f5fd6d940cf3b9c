import type { ByteSource } from '../../io/byte-source';
import { clampDiskRead, type DiskExtent, type VirtualDisk } from '../virtual-disk';

/**
 * A fixed VHD: the disk's bytes as they are, then the footer. Like a raw image, nothing records where it is
 * empty, so the whole disk is one `data` extent and zero detection finds the empty space.
 */
export class VhdFixedDisk implements VirtualDisk {
  readonly format = 'vhd' as const;
  readonly subformat = 'fixed';
  readonly parent = null;
  readonly blockSize = 64 * 1024;
  readonly storedBytes: number;

  constructor(
    private readonly source: ByteSource,
    readonly virtualSize: number,
  ) {
    this.storedBytes = source.size;
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
}
