import { ExtentRun } from '../disk/allocation';
import { clampDiskRead, type DiskExtent, type VirtualDisk } from '../disk/virtual-disk';
import { readExact } from '../io/byte-source';
import { XVA_CHUNK_SIZE, type ChunkTable, type XvaChunk } from './chunk-table';

/**
 * One disk of an XVA as a VirtualDisk: reads are served from the chunk members (windows over the archive, or
 * over the decompressed stream of a gzipped XVA); bytes no chunk holds read as zeros, as XenServer's import
 * leaves them. The size is the VDI's `virtual_size` from ova.xml; chunks past it are ignored (and reported by
 * the opener).
 */
export class XvaDisk implements VirtualDisk {
  readonly format = 'raw' as const;
  readonly subformat = 'xva-chunks';
  readonly blockSize = XVA_CHUNK_SIZE;
  readonly parent = null;
  readonly storedBytes: number;

  constructor(
    readonly name: string,
    private readonly table: ChunkTable,
    readonly virtualSize: number,
  ) {
    this.storedBytes = table.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }

  async *allocation(): AsyncGenerator<DiskExtent> {
    const run = new ExtentRun();
    let cursor = 0;
    for (const chunk of this.table.chunks) {
      if (chunk.offset >= this.virtualSize) break;
      const end = Math.min(chunk.offset + chunk.length, this.virtualSize);
      const gap = run.push(cursor, chunk.offset - cursor, 'unallocated');
      if (gap) yield gap;
      const data = run.push(chunk.offset, end - chunk.offset, 'data');
      if (data) yield data;
      cursor = end;
    }
    const tail = run.push(cursor, this.virtualSize - cursor, 'unallocated');
    if (tail) yield tail;
    const last = run.flush();
    if (last) yield last;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampDiskRead(this, offset, length);
    const out = new Uint8Array(count);
    const end = offset + count;
    for (let i = this.firstChunkEndingAfter(offset); i < this.table.chunks.length; i++) {
      const chunk = this.table.chunks[i]!;
      if (chunk.offset >= end) break;
      const from = Math.max(offset, chunk.offset);
      const to = Math.min(end, chunk.offset + chunk.length);
      out.set(await readExact(chunk.data, from - chunk.offset, to - from, `chunk ${chunk.name}`), from - offset);
    }
    return out;
  }

  /** The chunks in disk order (for checksum checks and forward-only copies). */
  get chunks(): readonly XvaChunk[] {
    return this.table.chunks;
  }

  /** Binary search: the first chunk whose end is past `offset`. */
  private firstChunkEndingAfter(offset: number): number {
    const chunks = this.table.chunks;
    let low = 0;
    let high = chunks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (chunks[mid]!.offset + chunks[mid]!.length <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
