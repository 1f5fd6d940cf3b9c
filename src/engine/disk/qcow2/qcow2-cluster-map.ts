import { VmferryError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import type { Qcow2Header } from './qcow2-header';
import { decodeL2Entry, emptyMapping, type ClusterMapping, type L2Geometry } from './qcow2-l2-entry';
import type { Qcow2Tables } from './qcow2-tables';

/**
 * Guest cluster → mapping, through the L1 and L2 tables, with every host offset checked before it is used: a
 * standard cluster must be cluster-aligned, outside the header cluster and start inside the file; compressed
 * bytes must start inside the file. (A data cluster may end past the end of the file: qemu leaves the tail of a
 * cluster unwritten when it is zero, and reads it as zeros; so do we.)
 */
export class Qcow2ClusterMap {
  readonly clusterSize: number;
  readonly l2Entries: number;
  readonly geometry: L2Geometry;
  private readonly entrySize: number;

  constructor(
    private readonly source: ByteSource,
    header: Qcow2Header,
    private readonly tables: Qcow2Tables,
    extendedL2: boolean,
  ) {
    this.clusterSize = header.clusterSize;
    this.geometry = { clusterBits: header.clusterBits, extendedL2 };
    this.entrySize = extendedL2 ? 16 : 8;
    this.l2Entries = header.clusterSize / this.entrySize;
  }

  /**
   * Calls `visit` for each guest cluster in [first, first + count), in order, with its checked mapping. One L2
   * table is awaited per L1 entry, not one per cluster. The mapping object is reused: copy what you keep.
   */
  async forEachCluster(first: number, count: number, visit: (cluster: number, mapping: ClusterMapping) => void): Promise<void> {
    const mapping = emptyMapping();
    for (let cluster = first; cluster < first + count; ) {
      const l1Index = Math.floor(cluster / this.l2Entries);
      const stop = Math.min(first + count, (l1Index + 1) * this.l2Entries);
      const pending = this.tables.l2Table(l1Index);
      if (!pending) {
        mapping.kind = 'unallocated';
        mapping.hostOffset = 0;
        for (; cluster < stop; cluster++) visit(cluster, mapping);
        continue;
      }
      const table = await pending;
      for (; cluster < stop; cluster++) {
        const index = cluster - l1Index * this.l2Entries;
        decodeL2Entry(table, index, this.geometry, mapping);
        if (mapping.kind !== 'unallocated' && mapping.kind !== 'zero') this.check(mapping, cluster, l1Index, index);
        visit(cluster, mapping);
      }
    }
  }

  /** Whether L1 entry `l1Index` has an L2 table (without one, all its clusters are unallocated). */
  hasL2Table(l1Index: number): boolean {
    return (this.tables.l2Offsets[l1Index] ?? 0) !== 0;
  }

  /** Where an L2 entry lives in the file, for error messages. */
  entryPosition(l1Index: number, index: number): number {
    return this.tables.l2Offsets[l1Index]! + index * this.entrySize;
  }

  private check(mapping: ClusterMapping, cluster: number, l1Index: number, index: number): void {
    const { hostOffset } = mapping;
    const what = `qcow2 L2 entry for guest cluster ${cluster} (L2 table ${l1Index}, entry ${index})`;
    const fail = (problem: string) =>
      new VmferryError('corrupt', `${what} ${problem}`, { file: this.source.name, offset: this.entryPosition(l1Index, index) });
    if (mapping.kind === 'subclusters' && mapping.allocated === 0) return; // only zero/unallocated subclusters
    if (mapping.kind === 'compressed') {
      if (hostOffset < this.clusterSize) throw fail(`points compressed data to byte ${hostOffset}, inside the header cluster`);
      if (hostOffset >= this.source.size) {
        throw fail(`points compressed data to byte ${hostOffset}, past the end of the file (${this.source.size} bytes)`);
      }
      return;
    }
    if (hostOffset === 0) throw fail('marks subclusters allocated but has no host cluster');
    if (hostOffset % this.clusterSize !== 0) throw fail(`points to byte ${hostOffset}, which is not aligned to the ${this.clusterSize}-byte cluster size`);
    if (hostOffset < this.clusterSize) throw fail(`points to byte ${hostOffset}, inside the header cluster`);
    if (hostOffset >= this.source.size) throw fail(`points to byte ${hostOffset}, past the end of the file (${this.source.size} bytes)`);
  }
}
