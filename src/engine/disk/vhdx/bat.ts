import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { MiB, viewOf } from './fields';
import type { Region } from './region-table';

/**
 * The Block Allocation Table ([MS-VHDX] 2.5): one 64-bit entry per block (State in bits 0-2, FileOffsetMB in
 * bits 20-63). Payload block entries are interleaved with sector bitmap block entries: after every `chunkRatio`
 * payload entries comes the entry of the sector bitmap block for that chunk (2.5, figure 6), where
 * chunkRatio = 2^23 * LogicalSectorSize / BlockSize.
 *
 * The table is read in 1 MiB pages, each validated when first loaded and kept in a small cache, so a 64 TiB disk
 * with 1 MiB blocks (a 512 MiB BAT) costs a few MiB of memory; small tables are loaded and checked whole at open.
 */

/** 2.5.1.1 Payload BAT entry states. */
export const PAYLOAD_NOT_PRESENT = 0;
export const PAYLOAD_UNDEFINED = 1;
export const PAYLOAD_ZERO = 2;
export const PAYLOAD_UNMAPPED = 3;
/** The draft 0.95 specification's value for UNMAPPED; qemu still reads it as such, and so do we. */
export const PAYLOAD_UNMAPPED_V095 = 5;
export const PAYLOAD_FULLY_PRESENT = 6;
export const PAYLOAD_PARTIALLY_PRESENT = 7;
/** 2.5.1.2 Sector bitmap BAT entry states. */
export const SECTOR_BITMAP_PRESENT = 6;

/** 2.5.1: every sector bitmap block covers 2^23 sectors (it is 1 MiB of bits). */
export const SECTORS_PER_BITMAP_BLOCK = 2 ** 23;
export const SECTOR_BITMAP_BLOCK_SIZE = MiB;

const ENTRY_SIZE = 8;
const PAGE_ENTRIES = 128 * 1024;
const CACHED_PAGES = 16;

export interface BatGeometry {
  readonly virtualSize: number;
  readonly blockSize: number;
  readonly logicalSectorSize: number;
  readonly hasParent: boolean;
}

export interface BatEntry {
  readonly state: number;
  /** Byte offset in the file (FileOffsetMB * 1 MiB); meaningful for the present states only. */
  readonly fileOffset: number;
}

export function chunkRatioOf(geometry: Pick<BatGeometry, 'blockSize' | 'logicalSectorSize'>): number {
  return (SECTORS_PER_BITMAP_BLOCK * geometry.logicalSectorSize) / geometry.blockSize;
}

export function payloadBlockCount(geometry: Pick<BatGeometry, 'virtualSize' | 'blockSize'>): number {
  return Math.ceil(geometry.virtualSize / geometry.blockSize);
}

/**
 * Entries the BAT must hold (2.5): a dynamic or fixed disk ends with its last payload entry; a differencing disk
 * with the sector bitmap entry of its last chunk.
 */
export function batEntryCount(geometry: BatGeometry): number {
  const payload = payloadBlockCount(geometry);
  if (payload === 0) return 0;
  const ratio = chunkRatioOf(geometry);
  if (geometry.hasParent) return Math.ceil(payload / ratio) * (ratio + 1);
  return payload + Math.floor((payload - 1) / ratio);
}

/** Index in the BAT of payload block `block`: the sector bitmap entries of earlier chunks come before it. */
export function payloadEntryIndex(block: number, chunkRatio: number): number {
  return block + Math.floor(block / chunkRatio);
}

export class BlockAllocationTable {
  readonly chunkRatio: number;
  readonly entryCount: number;
  private readonly pages = new Map<number, Uint8Array>();

  private constructor(
    private readonly source: ByteSource,
    private readonly region: Region,
    private readonly geometry: BatGeometry,
  ) {
    this.chunkRatio = chunkRatioOf(geometry);
    this.entryCount = batEntryCount(geometry);
  }

  static async open(source: ByteSource, region: Region, geometry: BatGeometry): Promise<BlockAllocationTable> {
    const table = new BlockAllocationTable(source, region, geometry);
    const bytes = table.entryCount * ENTRY_SIZE;
    const where = { file: source.name, offset: region.offset };
    if (bytes > region.length) {
      throw new VmferryError('corrupt', `The BAT region is ${region.length} bytes, too small for the ${table.entryCount} entries a ${geometry.virtualSize}-byte disk in ${geometry.blockSize}-byte blocks needs`, where);
    }
    if (region.offset + bytes > source.size) {
      throw new VmferryError('truncated', `The BAT (bytes ${region.offset} to ${region.offset + bytes}) runs past the end of the file (${source.size} bytes)`, where);
    }
    // Small tables (up to 2 million entries) are checked whole now, so a bad entry is reported at open.
    const pageCount = Math.ceil(table.entryCount / PAGE_ENTRIES);
    if (pageCount <= CACHED_PAGES) for (let page = 0; page < pageCount; page++) await table.page(page);
    return table;
  }

  async payload(block: number): Promise<BatEntry> {
    return this.entry(payloadEntryIndex(block, this.chunkRatio));
  }

  /** The sector bitmap entry of the chunk holding payload block `block`. */
  async sectorBitmapFor(block: number): Promise<BatEntry> {
    const chunk = Math.floor(block / this.chunkRatio);
    return this.entry(chunk * (this.chunkRatio + 1) + this.chunkRatio);
  }

  private async entry(index: number): Promise<BatEntry> {
    const page = await this.page(Math.floor(index / PAGE_ENTRIES));
    return decode(viewOf(page), (index % PAGE_ENTRIES) * ENTRY_SIZE);
  }

  private async page(number: number): Promise<Uint8Array> {
    const cached = this.pages.get(number);
    if (cached) {
      this.pages.delete(number);
      this.pages.set(number, cached);
      return cached;
    }
    const first = number * PAGE_ENTRIES;
    const count = Math.min(PAGE_ENTRIES, this.entryCount - first);
    const bytes = await readExact(this.source, this.region.offset + first * ENTRY_SIZE, count * ENTRY_SIZE, 'VHDX BAT');
    this.validate(bytes, first);
    this.pages.set(number, bytes);
    if (this.pages.size > CACHED_PAGES) this.pages.delete(this.pages.keys().next().value!);
    return bytes;
  }

  /** Checks every entry of a page: known states, and present blocks inside the file (2.5.1). */
  private validate(bytes: Uint8Array, firstIndex: number): void {
    const view = viewOf(bytes);
    const { blockSize, virtualSize, hasParent } = this.geometry;
    const payloadBlocks = payloadBlockCount(this.geometry);
    const stride = this.chunkRatio + 1;
    for (let i = 0; i * ENTRY_SIZE < bytes.length; i++) {
      const index = firstIndex + i;
      const { state, fileOffset } = decode(view, i * ENTRY_SIZE);
      const where = { file: this.source.name, offset: this.region.offset + index * ENTRY_SIZE };
      const chunk = Math.floor(index / stride);
      if (index % stride === this.chunkRatio) {
        // Sector bitmap entries matter only in a differencing disk; elsewhere they are unused (and qemu 7.2 and
        // older could leave stray values there, qemu commit "block/vhdx: fix dynamic VHDX BAT corruption").
        if (!hasParent || state === 0) continue;
        if (state !== SECTOR_BITMAP_PRESENT) throw new VmferryError('corrupt', `BAT entry ${index} (sector bitmap of chunk ${chunk}) has the reserved state ${state}`, where);
        this.checkInFile(fileOffset, SECTOR_BITMAP_BLOCK_SIZE, `BAT entry ${index} (sector bitmap of chunk ${chunk})`, where);
        continue;
      }
      const block = chunk * this.chunkRatio + (index % stride);
      if (block >= payloadBlocks) continue;
      const what = `BAT entry ${index} (block ${block})`;
      if (state === 4) throw new VmferryError('corrupt', `${what} has the reserved state 4`, where);
      if (state === PAYLOAD_PARTIALLY_PRESENT && !hasParent) {
        throw new VmferryError('corrupt', `${what} is PARTIALLY_PRESENT, a state only a differencing disk may use`, where);
      }
      if (state === PAYLOAD_FULLY_PRESENT || state === PAYLOAD_PARTIALLY_PRESENT) {
        // qemu once wrote a short last block; a block need only hold the part of the disk it covers.
        this.checkInFile(fileOffset, Math.min(blockSize, virtualSize - block * blockSize), what, where);
      }
    }
  }

  private checkInFile(fileOffset: number, length: number, what: string, where: { file: string; offset: number }): void {
    if (fileOffset < MiB) {
      throw new VmferryError('corrupt', `${what} points to byte ${fileOffset}, inside the header section`, where);
    }
    if (fileOffset + length > this.source.size) {
      throw new VmferryError('truncated', `${what} points to byte ${fileOffset}, past the end of the file (${this.source.size} bytes)`, {
        ...where,
        hint: 'The file was probably cut short (an incomplete copy or download)',
      });
    }
  }
}

function decode(view: DataView, at: number): BatEntry {
  const low = view.getUint32(at, true);
  const high = view.getUint32(at + 4, true);
  // FileOffsetMB is bits 20..63: 12 bits of the low word and all 32 of the high word.
  return { state: low & 7, fileOffset: (high * 4096 + (low >>> 20)) * MiB };
}
