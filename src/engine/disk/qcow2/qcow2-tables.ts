import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import type { Qcow2Header } from './qcow2-header';
import { standardOffset } from './qcow2-l2-entry';

/**
 * The two-level cluster map (qemu docs/interop/qcow2.txt, "Cluster mapping"): the L1 table, read once into a
 * Float64Array of L2 table offsets, and the L2 tables, read on demand into a small cache bounded in bytes.
 */

/** L2 tables kept in memory at once: 16 MiB of tables (256 tables of 64 KiB, 8 of 2 MiB), never fewer than 2. */
const L2_CACHE_BYTES = 16 * 1024 * 1024;

export class Qcow2Tables {
  private readonly cache = new Map<number, Promise<DataView>>();
  private readonly capacity: number;

  private constructor(
    private readonly source: ByteSource,
    private readonly clusterSize: number,
    /** Host offset of each L2 table by L1 index; 0 where the L2 table (and all its clusters) is unallocated. */
    readonly l2Offsets: Float64Array,
  ) {
    this.capacity = Math.max(2, Math.floor(L2_CACHE_BYTES / clusterSize));
  }

  /** Reads the L1 entries that cover the disk and checks each points at a whole cluster inside the file. */
  static async load(source: ByteSource, header: Qcow2Header, usedEntries: number): Promise<Qcow2Tables> {
    const { clusterSize, l1TableOffset } = header;
    const bytes = usedEntries > 0 ? await readExact(source, l1TableOffset, usedEntries * 8, 'qcow2 L1 table') : new Uint8Array(0);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const offsets = new Float64Array(usedEntries);
    for (let i = 0; i < usedEntries; i++) {
      const high = view.getUint32(i * 8);
      const low = view.getUint32(i * 8 + 4);
      const offset = standardOffset(high, low);
      const where = l1TableOffset + i * 8;
      if ((high & 0x00ffffff) >= 0x200000) {
        throw new VmferryError('corrupt', `qcow2 L1 entry ${i} holds an offset beyond 2^53`, { file: source.name, offset: where });
      }
      if (offset === 0) continue;
      if (offset % clusterSize !== 0) {
        throw new VmferryError('corrupt', `qcow2 L1 entry ${i} points to byte ${offset}, which is not aligned to the ${clusterSize}-byte cluster size`, {
          file: source.name,
          offset: where,
        });
      }
      if (offset + clusterSize > source.size) {
        throw new VmferryError('corrupt', `qcow2 L1 entry ${i} points to an L2 table at byte ${offset}, past the end of the file (${source.size} bytes)`, {
          file: source.name,
          offset: where,
        });
      }
      offsets[i] = offset;
    }
    return new Qcow2Tables(source, clusterSize, offsets);
  }

  /** The L2 table for L1 index `l1Index`, or null when it is unallocated. */
  l2Table(l1Index: number): Promise<DataView> | null {
    const offset = this.l2Offsets[l1Index] ?? 0;
    if (offset === 0) return null;
    let table = this.cache.get(l1Index);
    if (table) {
      // Map iteration order is insertion order: re-inserting marks the table as recently used.
      this.cache.delete(l1Index);
      this.cache.set(l1Index, table);
      return table;
    }
    table = readExact(this.source, offset, this.clusterSize, `qcow2 L2 table ${l1Index}`).then(
      // A copy, never `slice()`: a Node Buffer's slice is a view of its (possibly much larger) buffer.
      (bytes) => new DataView(new Uint8Array(bytes).buffer),
    );
    table.catch(() => this.cache.delete(l1Index));
    this.cache.set(l1Index, table);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return table;
  }
}
