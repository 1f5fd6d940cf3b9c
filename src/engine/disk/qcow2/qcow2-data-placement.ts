import { CLUSTER_SIZE } from './qcow2-layout';

/**
 * Where each stored guest cluster goes inside the data area, in guest order. Uncompressed: one host cluster each.
 * Compressed (qemu docs/interop/qcow2.txt, "Compressed Clusters Descriptor"): the deflated bytes are packed one
 * after the other, as qemu packs them, and may straddle host clusters; a cluster that does not shrink below the
 * cluster size is stored raw in a host cluster of its own (qemu does the same).
 *
 * Refcounts follow qemu's accounting (qemu-img check): a compressed cluster references every host cluster that
 * its sectors touch, from its first byte to the end of its last 512-byte sector.
 */
export const STORED_RAW = 0;

export interface Placement {
  /** Offset inside the data area. */
  offset: number;
  /** Compressed length, or STORED_RAW. */
  compressedLength: number;
}

export class DataPlacement {
  /** Bytes of the data area, rounded up to whole clusters. */
  readonly areaBytes: number;

  /** `compressedLengths[i]` for the i-th stored cluster; null when nothing is compressed. */
  constructor(
    private readonly count: number,
    private readonly compressedLengths: Uint16Array | null,
  ) {
    let end = 0;
    for (const placement of this.placements()) end = placement.offset + (placement.compressedLength || CLUSTER_SIZE);
    this.areaBytes = Math.ceil(end / CLUSTER_SIZE) * CLUSTER_SIZE;
  }

  get areaClusters(): number {
    return this.areaBytes / CLUSTER_SIZE;
  }

  /** Each stored cluster's place, in order. The yielded object is reused. */
  *placements(): Generator<Placement> {
    const placement: Placement = { offset: 0, compressedLength: STORED_RAW };
    let cursor = 0;
    for (let i = 0; i < this.count; i++) {
      const length = this.compressedLengths ? this.compressedLengths[i]! : STORED_RAW;
      if (length === STORED_RAW) cursor = Math.ceil(cursor / CLUSTER_SIZE) * CLUSTER_SIZE;
      placement.offset = cursor;
      placement.compressedLength = length;
      yield placement;
      cursor += length || CLUSTER_SIZE;
    }
  }

  /** Refcount of each host cluster of the data area. */
  refcounts(): Uint16Array {
    const counts = new Uint16Array(this.areaClusters);
    for (const { offset, compressedLength } of this.placements()) {
      const end = compressedLength ? sectorEnd(offset, compressedLength) : offset + CLUSTER_SIZE;
      const last = Math.floor((end - 1) / CLUSTER_SIZE);
      for (let cluster = Math.floor(offset / CLUSTER_SIZE); cluster <= last; cluster++) counts[cluster]!++;
    }
    return counts;
  }
}

/** The end of the last 512-byte sector holding compressed bytes [offset, offset + length). */
export function sectorEnd(offset: number, length: number): number {
  return Math.ceil((offset + length) / 512) * 512;
}

/**
 * The L2 entry of a compressed cluster as two 32-bit halves: bit 62 set, then (for 64 KiB clusters) the host
 * offset in bits 0-53 and the number of 512-byte sectors after the first in bits 54-61.
 */
export function compressedEntry(hostOffset: number, length: number): { high: number; low: number } {
  const additionalSectors = Math.floor((hostOffset + length - 1) / 512) - Math.floor(hostOffset / 512);
  const offsetBits = 62 - (16 - 8); // x = 62 - (cluster_bits - 8)
  const high = (0x40000000 | (additionalSectors << (offsetBits - 32)) | Math.floor(hostOffset / 0x1_0000_0000)) >>> 0;
  return { high, low: hostOffset % 0x1_0000_0000 };
}
