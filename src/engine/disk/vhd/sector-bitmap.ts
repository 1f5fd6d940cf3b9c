/**
 * The sector bitmap in front of each stored block ("Virtual Hard Disk Image Format Specification" v1.0,
 * §"Block Allocation Table and Data Blocks"): one bit per 512-byte sector of the block, the most significant
 * bit of byte 0 for the first sector, padded to a whole number of sectors. In a differencing disk a set bit
 * means "this layer holds the sector", a clear bit "read it from the parent".
 */
export function sectorBitmapSize(blockSize: number): number {
  const bytes = Math.ceil(blockSize / 512 / 8);
  return Math.ceil(bytes / 512) * 512;
}

export function sectorPresent(bitmap: Uint8Array, sector: number): boolean {
  return (bitmap[sector >>> 3]! & (0x80 >>> (sector & 7))) !== 0;
}

export interface SectorRun {
  /** First sector of the run (in the block). */
  start: number;
  /** One past its last sector. */
  end: number;
  present: boolean;
}

/** Runs of sectors with the same bit, covering [first, end) in order; whole bytes of 0x00/0xFF are skipped fast. */
export function* sectorRuns(bitmap: Uint8Array, first: number, end: number): Generator<SectorRun> {
  let runStart = first;
  let runPresent = sectorPresent(bitmap, first);
  let sector = first + 1;
  while (sector < end) {
    if ((sector & 7) === 0 && sector + 8 <= end) {
      const byte = bitmap[sector >>> 3]!;
      if (byte === (runPresent ? 0xff : 0x00)) {
        sector += 8;
        continue;
      }
    }
    const present = sectorPresent(bitmap, sector);
    if (present !== runPresent) {
      yield { start: runStart, end: sector, present: runPresent };
      runStart = sector;
      runPresent = present;
    }
    sector++;
  }
  if (first < end) yield { start: runStart, end, present: runPresent };
}
