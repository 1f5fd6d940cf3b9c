import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { SECTOR_BITMAP_PRESENT, type BlockAllocationTable } from './bat';

/**
 * Sector bitmaps of a differencing disk ([MS-VHDX] 2.5, "sector bitmap blocks"): one bit per virtual sector,
 * bit 0 of byte 0 first; 1 means this file holds the sector, 0 that the parent does. A sector bitmap block is
 * 1 MiB and covers one chunk, so the bits of payload block `b` start at bit (b mod chunkRatio) * sectorsPerBlock
 * of its chunk's bitmap block. Only the slice of one payload block is read (512 bytes for 2 MiB blocks of 512-byte
 * sectors), and a few slices are cached.
 */
const CACHED_BLOCKS = 64;

export class SectorBitmaps {
  private readonly cache = new Map<number, Uint8Array>();
  readonly sectorsPerBlock: number;

  constructor(
    private readonly source: ByteSource,
    private readonly bat: BlockAllocationTable,
    blockSize: number,
    readonly sectorSize: number,
  ) {
    this.sectorsPerBlock = blockSize / sectorSize;
  }

  /** The bits of payload block `block` (which must be PARTIALLY_PRESENT, so its chunk's bitmap is present). */
  async bitsOf(block: number): Promise<Uint8Array> {
    const cached = this.cache.get(block);
    if (cached) return cached;
    const entry = await this.bat.sectorBitmapFor(block);
    if (entry.state !== SECTOR_BITMAP_PRESENT) {
      // 2.5.1.2: a chunk with a PARTIALLY_PRESENT block must have its sector bitmap block.
      const chunk = Math.floor(block / this.bat.chunkRatio);
      throw new VmferryError('corrupt', `Block ${block} is PARTIALLY_PRESENT but the sector bitmap of its chunk (${chunk}) is not present`, { file: this.source.name });
    }
    const bytesPerBlock = this.sectorsPerBlock / 8;
    const offset = entry.fileOffset + (block % this.bat.chunkRatio) * bytesPerBlock;
    const bits = (await readExact(this.source, offset, bytesPerBlock, 'VHDX sector bitmap')).slice();
    this.cache.set(block, bits);
    if (this.cache.size > CACHED_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    return bits;
  }
}

/** Runs of equal bits in [from, to) of a bitmap, as [start, end, present] triples in sector units. */
export function* bitRuns(bits: Uint8Array, from: number, to: number): Generator<[number, number, boolean]> {
  let start = from;
  let current = bitAt(bits, from);
  for (let sector = from + 1; sector < to; sector++) {
    // Whole bytes of equal bits are common (runs of written or untouched sectors); skip them eight at a time.
    if ((sector & 7) === 0 && sector + 8 <= to) {
      const byte = bits[sector >>> 3]!;
      if (byte === (current ? 0xff : 0)) {
        sector += 7;
        continue;
      }
    }
    const bit = bitAt(bits, sector);
    if (bit !== current) {
      yield [start, sector, current];
      start = sector;
      current = bit;
    }
  }
  if (from < to) yield [start, to, current];
}

function bitAt(bits: Uint8Array, index: number): boolean {
  return (bits[index >>> 3]! & (1 << (index & 7))) !== 0;
}
