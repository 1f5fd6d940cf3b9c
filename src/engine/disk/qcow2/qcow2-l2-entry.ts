import { VmferryError } from '../../errors';

/**
 * L1 and L2 table entries (qemu docs/interop/qcow2.txt, "Cluster mapping" and "Extended L2 Entries"). Entries are
 * 64-bit big-endian; we read them as two 32-bit halves so no BigInt is needed per cluster, and convert offsets to
 * Numbers only after checking they fit in 53 bits.
 */

/** Bits 9-55 of an L1/L2 entry: the host offset of a table or of a standard cluster. */
export function standardOffset(high: number, low: number): number {
  return (high & 0x00ffffff) * 0x1_0000_0000 + ((low & 0xfffffe00) >>> 0);
}

const COMPRESSED = 0x40000000; // bit 62
const ZERO = 0x1; // bit 0 of a standard descriptor (v3 without extended L2)

export type ClusterKind = 'unallocated' | 'zero' | 'data' | 'compressed' | 'subclusters';

/** One guest cluster's mapping, decoded into a reusable object (a read touches many clusters). */
export interface ClusterMapping {
  kind: ClusterKind;
  /** Host offset: of the cluster (data, subclusters) or of the compressed bytes (compressed). */
  hostOffset: number;
  /** Compressed clusters: bytes to read from `hostOffset` (to the end of the last 512-byte sector). */
  compressedLength: number;
  /** Extended L2: subcluster allocation and reads-as-zero bitmaps (bit x = subcluster x). */
  allocated: number;
  zeros: number;
}

export function emptyMapping(): ClusterMapping {
  return { kind: 'unallocated', hostOffset: 0, compressedLength: 0, allocated: 0, zeros: 0 };
}

export interface L2Geometry {
  clusterBits: number;
  extendedL2: boolean;
}

/**
 * Decodes entry `index` of an L2 table into `out`. Compressed descriptors split bits 0-61 into the host offset
 * (the low x = 62 - (cluster_bits - 8) bits) and the count of additional 512-byte sectors (the rest).
 */
export function decodeL2Entry(table: DataView, index: number, geometry: L2Geometry, out: ClusterMapping): ClusterMapping {
  const at = index * (geometry.extendedL2 ? 16 : 8);
  const high = table.getUint32(at);
  const low = table.getUint32(at + 4);
  out.allocated = 0;
  out.zeros = 0;
  out.compressedLength = 0;
  if (high & COMPRESSED) {
    const offsetBitsInHigh = 62 - (geometry.clusterBits - 8) - 32;
    out.kind = 'compressed';
    out.hostOffset = (high & (2 ** offsetBitsInHigh - 1)) * 0x1_0000_0000 + (low >>> 0);
    const additionalSectors = (high >>> offsetBitsInHigh) & (2 ** (geometry.clusterBits - 8) - 1);
    out.compressedLength = (additionalSectors + 1) * 512 - (out.hostOffset % 512);
    return out;
  }
  out.hostOffset = standardOffset(high, low);
  if (geometry.extendedL2) {
    out.allocated = table.getUint32(at + 12) >>> 0;
    out.zeros = table.getUint32(at + 8) >>> 0;
    out.kind = out.allocated === 0 && out.zeros === 0 ? 'unallocated' : 'subclusters';
    return out;
  }
  if (low & ZERO) out.kind = 'zero';
  else out.kind = out.hostOffset === 0 ? 'unallocated' : 'data';
  return out;
}

/** What one subcluster of an extended entry holds; both bits set is invalid (the spec requires alloc unset). */
export function subclusterKind(mapping: ClusterMapping, subcluster: number, where: () => string, file: string): 'data' | 'zero' | 'unallocated' {
  const bit = 2 ** subcluster;
  const allocated = (mapping.allocated & bit) !== 0;
  const zero = (mapping.zeros & bit) !== 0;
  if (allocated && zero) {
    throw new VmferryError('corrupt', `${where()} marks subcluster ${subcluster} both allocated and zero`, { file });
  }
  return allocated ? 'data' : zero ? 'zero' : 'unallocated';
}
