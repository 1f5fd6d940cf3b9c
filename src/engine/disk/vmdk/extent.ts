import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import type { DiskExtent } from '../virtual-disk';

/**
 * One extent of a VMDK (VMware "Virtual Disk Format 1.1", §"Extent Descriptions"): a stretch of the virtual
 * disk stored one way. A disk is its extents end to end, in descriptor order.
 */
export interface VmdkExtent {
  /** Bytes of virtual disk this extent holds. */
  readonly length: number;
  /** Bytes it occupies in its file. */
  readonly storedBytes: number;
  /** Its own allocation, offsets relative to the extent, covering [0, length) in order. */
  allocation(): AsyncGenerator<DiskExtent>;
  /**
   * Reads [offset, offset + length) of the extent (in range). Where the extent stores nothing (`unallocated`),
   * the bytes come from `below` (the parent disk in a snapshot chain, zeros otherwise).
   */
  read(offset: number, length: number, below: ReadBelow): Promise<Uint8Array>;
}

/** Reads the layer underneath, in extent-relative offsets. */
export type ReadBelow = (offset: number, length: number) => Promise<Uint8Array>;

/** `FLAT` and `VMFS` extents: raw data at a sector offset in their file (monolithicFlat, vmfs, twoGbMaxExtentFlat). */
export class FlatExtent implements VmdkExtent {
  constructor(
    private readonly source: ByteSource,
    private readonly start: number,
    readonly length: number,
  ) {
    if (start + length > source.size) {
      throw new VmferryError(
        'truncated',
        `The flat extent needs bytes ${start}..${start + length} but the file has only ${source.size} bytes`,
        { file: source.name },
      );
    }
  }

  get storedBytes(): number {
    return this.length;
  }

  async *allocation(): AsyncGenerator<DiskExtent> {
    if (this.length > 0) yield { offset: 0, length: this.length, kind: 'data' };
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return readExact(this.source, this.start + offset, length, 'flat extent');
  }
}

/** `ZERO` extents: no file, reads as zeros (a sparse hole declared in the descriptor). */
export class ZeroExtent implements VmdkExtent {
  readonly storedBytes = 0;

  constructor(readonly length: number) {}

  async *allocation(): AsyncGenerator<DiskExtent> {
    if (this.length > 0) yield { offset: 0, length: this.length, kind: 'zero' };
  }

  async read(_offset: number, length: number): Promise<Uint8Array> {
    return new Uint8Array(length);
  }
}
