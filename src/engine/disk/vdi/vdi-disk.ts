import { readExact, type ByteSource } from '../../io/byte-source';
import { coalesce } from '../allocation';
import type { DiskOpenContext } from '../open-disk';
import { clampDiskRead, type DiskExtent, type VirtualDisk } from '../virtual-disk';
import { readVdiBlockMap } from './vdi-block-map';
import { BLOCK_FREE, BLOCK_ZERO, parseVdiHeader, VDI_TYPE, type VdiHeader } from './vdi-header';

/**
 * A VirtualBox VDI image, fixed or dynamic (VirtualBox VDICore.h; qemu block/vdi.c). Differencing VDIs are
 * refused by the header parser: their parent is recorded only by UUID, and found through the VM's .vbox file,
 * which a bare disk does not come with.
 */
export async function openVdi(source: ByteSource, _context: DiskOpenContext): Promise<VirtualDisk> {
  const sector = await readExact(source, 0, Math.min(512, source.size), 'VDI header');
  const header = parseVdiHeader(sector, source.name, source.size);
  const map = await readVdiBlockMap(source, header);
  return new VdiDisk(source, header, map);
}

export class VdiDisk implements VirtualDisk {
  readonly format = 'vdi' as const;
  readonly parent = null;
  readonly subformat: string;
  readonly virtualSize: number;
  readonly blockSize: number;
  readonly storedBytes: number;

  constructor(
    private readonly source: ByteSource,
    private readonly header: VdiHeader,
    private readonly map: Uint32Array,
  ) {
    this.subformat = header.imageType === VDI_TYPE.fixed ? 'fixed' : 'dynamic';
    this.virtualSize = header.diskSize;
    this.blockSize = header.blockSize;
    this.storedBytes = source.size;
  }

  get name(): string {
    return this.source.name;
  }

  allocation(): AsyncIterable<DiskExtent> {
    return coalesce(this.blockExtents());
  }

  private *blockExtents(): Generator<DiskExtent> {
    const { blockSize } = this;
    for (let block = 0; block * blockSize < this.virtualSize; block++) {
      const entry = this.map[block]!;
      const kind = entry === BLOCK_FREE ? 'unallocated' : entry === BLOCK_ZERO ? 'zero' : 'data';
      yield { offset: block * blockSize, length: Math.min(blockSize, this.virtualSize - block * blockSize), kind };
    }
  }

  /** Where block `block` is stored in the file, or null when it reads as zeros. */
  private blockPosition(block: number): number | null {
    const entry = this.map[block]!;
    if (entry >= BLOCK_ZERO) return null;
    const { dataOffset, blockSize, blockExtra } = this.header;
    return dataOffset + entry * (blockSize + blockExtra) + blockExtra;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = clampDiskRead(this, offset, length);
    const runs: { at: number; position: number; length: number }[] = [];
    for (let at = 0; at < count; ) {
      const guest = offset + at;
      const block = Math.floor(guest / this.blockSize);
      const inBlock = guest - block * this.blockSize;
      const take = Math.min(this.blockSize - inBlock, count - at);
      const stored = this.blockPosition(block);
      if (stored !== null) {
        const last = runs[runs.length - 1];
        const position = stored + inBlock;
        if (last && last.at + last.length === at && last.position + last.length === position) last.length += take;
        else runs.push({ at, position, length: take });
      }
      at += take;
    }
    // The whole range in one run of the file (the common case): hand out the source's buffer, no copy.
    if (runs.length === 1 && runs[0]!.length === count) return readExact(this.source, runs[0]!.position, count, 'VDI block');
    const out = new Uint8Array(count);
    await Promise.all(runs.map(async (run) => out.set(await readExact(this.source, run.position, run.length, 'VDI block'), run.at)));
    return out;
  }
}
