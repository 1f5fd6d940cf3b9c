import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';
import { readExactly } from '../partitions/bytes';
import type { FatGeometry } from '../probe/fat-boot-sector';

/**
 * The File Allocation Table (Microsoft FAT specification §4): one entry per cluster, 12, 16 or 28 bits (the top
 * 4 bits of a FAT32 entry are reserved), holding the next cluster of a chain, 0 for free, the bad-cluster mark
 * or an end-of-chain mark. The first FAT is read in 64 KiB pieces as chains need them, so memory follows what is
 * read, not the size of the volume.
 */
const PIECE = 64 * 1024;

export class FatTable {
  private readonly pieces = new Map<number, Uint8Array>();
  private readonly start: number;
  private readonly bytes: number;
  private readonly endOfChain: number;
  private readonly bad: number;

  constructor(
    private readonly device: BlockDevice,
    private readonly geometry: FatGeometry,
  ) {
    this.start = geometry.reservedSectors * geometry.bytesPerSector;
    this.bytes = geometry.sectorsPerFat * geometry.bytesPerSector;
    const [endOfChain, bad] = geometry.fatType === 12 ? [0xff8, 0xff7] : geometry.fatType === 16 ? [0xfff8, 0xfff7] : [0x0ffffff8, 0x0ffffff7];
    this.endOfChain = endOfChain;
    this.bad = bad;
  }

  /**
   * The clusters of the chain starting at `first`, in order. A loop, a free or bad cluster inside a chain, or a
   * cluster number outside the volume is a 'corrupt' error naming `what`.
   */
  async chain(first: number, what: string): Promise<number[]> {
    const clusters: number[] = [];
    const limit = this.geometry.clusterCount;
    const seen = new Set<number>();
    let cluster = first;
    for (;;) {
      if (cluster < 2 || cluster >= limit + 2) throw this.corrupt(`${what}: its cluster chain points to cluster ${cluster}, outside the volume`);
      if (seen.has(cluster)) throw this.corrupt(`${what}: its cluster chain loops back to cluster ${cluster}`);
      seen.add(cluster);
      clusters.push(cluster);
      const next = await this.entry(cluster);
      if (next >= this.endOfChain) return clusters;
      if (next === this.bad) throw this.corrupt(`${what}: its cluster chain runs into a cluster marked bad`);
      if (next === 0) throw this.corrupt(`${what}: its cluster chain runs into a free cluster`);
      cluster = next;
    }
  }

  private async entry(cluster: number): Promise<number> {
    switch (this.geometry.fatType) {
      case 12: {
        const at = cluster + (cluster >> 1);
        const value = (await this.byte(at)) | ((await this.byte(at + 1)) << 8);
        return cluster & 1 ? value >> 4 : value & 0xfff;
      }
      case 16:
        return (await this.byte(cluster * 2)) | ((await this.byte(cluster * 2 + 1)) << 8);
      default: {
        const at = cluster * 4;
        const value = (await this.byte(at)) | ((await this.byte(at + 1)) << 8) | ((await this.byte(at + 2)) << 16) | ((await this.byte(at + 3)) << 24);
        return value & 0x0fffffff;
      }
    }
  }

  private async byte(offset: number): Promise<number> {
    if (offset >= this.bytes) throw this.corrupt(`the FAT (${this.bytes} bytes) has no entry at byte ${offset}`);
    const index = Math.floor(offset / PIECE);
    let piece = this.pieces.get(index);
    if (!piece) {
      const length = Math.min(PIECE, this.bytes - index * PIECE);
      piece = await readExactly(this.device, this.start + index * PIECE, length, 'FAT');
      this.pieces.set(index, piece);
    }
    return piece[offset - index * PIECE]!;
  }

  private corrupt(what: string): VmferryError {
    return new VmferryError('corrupt', `FAT: ${what}`, { file: this.device.name });
  }
}
