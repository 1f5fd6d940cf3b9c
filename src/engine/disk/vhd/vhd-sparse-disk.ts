import { readExact, readExactInto, type ByteSource } from '../../io/byte-source';
import { layerOver, readFromParent } from '../allocation';
import { clampDiskRead, type DiskExtent, type VirtualDisk } from '../virtual-disk';
import { UNALLOCATED } from './bat';
import { sectorRuns } from './sector-bitmap';

export interface VhdSparseLayout {
  subformat: 'dynamic' | 'differencing';
  virtualSize: number;
  blockSize: number;
  bitmapSize: number;
  /** Block allocation table: the sector of each block's bitmap, or UNALLOCATED. */
  table: Uint32Array;
  /** The disk below a differencing disk; null for a dynamic disk. */
  parent: VirtualDisk | null;
}

/** Sector bitmaps kept in memory at most (a sequential read touches one block at a time). */
const BITMAP_CACHE_BYTES = 1024 * 1024;

/**
 * A dynamic or differencing VHD: blocks found through the allocation table.
 *
 * Dynamic disk: a stored block is read whole. Its sector bitmap says which sectors were ever written, but
 * qemu ignores it (block/vpc.c reads every sector of an allocated block) and so do we, so that both read the
 * same bytes from any file.
 *
 * Differencing disk: the bitmap decides sector by sector. A set bit is this layer's data; a clear bit means
 * the parent's sector shows through, even inside a stored block (Hyper-V and Virtual PC write partial blocks;
 * notes c7). Whole unstored blocks are the parent's too.
 */
export class VhdSparseDisk implements VirtualDisk {
  readonly format = 'vhd' as const;
  readonly subformat: 'dynamic' | 'differencing';
  readonly virtualSize: number;
  readonly blockSize: number;
  readonly parent: VirtualDisk | null;
  readonly storedBytes: number;
  private readonly bitmapSize: number;
  private readonly table: Uint32Array;
  private readonly bitmaps = new Map<number, Uint8Array>();
  private readonly maxCachedBitmaps: number;

  constructor(
    private readonly source: ByteSource,
    layout: VhdSparseLayout,
  ) {
    this.subformat = layout.subformat;
    this.virtualSize = layout.virtualSize;
    this.blockSize = layout.blockSize;
    this.parent = layout.parent;
    this.bitmapSize = layout.bitmapSize;
    this.table = layout.table;
    this.storedBytes = source.size;
    this.maxCachedBitmaps = Math.max(4, Math.floor(BITMAP_CACHE_BYTES / layout.bitmapSize));
  }

  get name(): string {
    return this.source.name;
  }

  allocation(): AsyncIterable<DiskExtent> {
    return layerOver(this.ownExtents(), this.parent, this.virtualSize);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampDiskRead(this, offset, length);
    const block = Math.floor(offset / this.blockSize);
    const inBlock = offset - block * this.blockSize;
    // The common case when converting: a read inside one stored block of a dynamic disk is one read of the file.
    if (this.subformat === 'dynamic' && inBlock + count <= this.blockSize && this.table[block] !== UNALLOCATED) {
      return readExact(this.source, this.table[block]! * 512 + this.bitmapSize + inBlock, count, `VHD block ${block}`);
    }
    const out = new Uint8Array(count);
    for (let at = 0; at < count; ) {
      const position = offset + at;
      const block = Math.floor(position / this.blockSize);
      const inBlock = position - block * this.blockSize;
      const take = Math.min(count - at, this.blockSize - inBlock);
      await this.readFromBlock(block, inBlock, out.subarray(at, at + take));
      at += take;
    }
    return out;
  }

  /** This layer's own extents: `unallocated` wherever the parent (or, without one, zeros) shows through. */
  private async *ownExtents(): AsyncGenerator<DiskExtent> {
    for (let block = 0; block < this.table.length; block++) {
      const start = block * this.blockSize;
      const length = Math.min(this.blockSize, this.virtualSize - start);
      if (this.table[block] === UNALLOCATED) {
        yield { offset: start, length, kind: 'unallocated' };
      } else if (this.subformat === 'dynamic') {
        yield { offset: start, length, kind: 'data' };
      } else {
        const bitmap = await this.bitmapOf(block);
        for (const run of sectorRuns(bitmap, 0, Math.ceil(length / 512))) {
          const from = run.start * 512;
          const to = Math.min(length, run.end * 512);
          yield { offset: start + from, length: to - from, kind: run.present ? 'data' : 'unallocated' };
        }
      }
    }
  }

  /** Fills `target` with the block's bytes from `inBlock` on. */
  private async readFromBlock(block: number, inBlock: number, target: Uint8Array): Promise<void> {
    const blockStart = block * this.blockSize;
    const sector = this.table[block]!;
    if (sector === UNALLOCATED) {
      if (this.parent) target.set(await readFromParent(this.parent, blockStart + inBlock, target.length));
      return;
    }
    const dataStart = sector * 512 + this.bitmapSize;
    if (this.subformat === 'dynamic') {
      await readExactInto(this.source, dataStart + inBlock, target, `VHD block ${block}`);
      return;
    }
    const bitmap = await this.bitmapOf(block);
    const end = inBlock + target.length;
    for (const run of sectorRuns(bitmap, Math.floor(inBlock / 512), Math.ceil(end / 512))) {
      const from = Math.max(inBlock, run.start * 512);
      const to = Math.min(end, run.end * 512);
      const bytes = run.present
        ? await readExact(this.source, dataStart + from, to - from, `VHD block ${block}`)
        : await readFromParent(this.parent, blockStart + from, to - from);
      target.set(bytes, from - inBlock);
    }
  }

  private async bitmapOf(block: number): Promise<Uint8Array> {
    const cached = this.bitmaps.get(block);
    if (cached) {
      this.bitmaps.delete(block);
      this.bitmaps.set(block, cached);
      return cached;
    }
    const offset = this.table[block]! * 512;
    const bitmap = (await readExact(this.source, offset, this.bitmapSize, `sector bitmap of VHD block ${block}`)).slice();
    this.bitmaps.set(block, bitmap);
    if (this.bitmaps.size > this.maxCachedBitmaps) this.bitmaps.delete(this.bitmaps.keys().next().value!);
    return bitmap;
  }
}
