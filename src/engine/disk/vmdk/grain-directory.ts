import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { GRAIN_MARKER_SIZE } from './markers';
import { SECTOR, type SparseHeader } from './sparse-header';

/**
 * The two-level grain map of a sparse extent (VMware "Virtual Disk Format 1.1", §"Grain Directories and Grain
 * Tables"): the grain directory (GD) lists the sector of each grain table (GT); a GT entry (GTE) is the sector
 * of one grain, 0 for "not allocated here" and, with the zeroed-grain flag, 1 for "reads as zeros".
 *
 * The GD is read once (4 bytes per 512 grains: 256 KiB for 2 TiB). Grain tables are read one at a time, when
 * first needed, and kept in a bounded cache: VirtualBox scatters them through the file (notes c16) and a
 * terabyte disk has tens of thousands of them.
 */
export const GTE_UNALLOCATED = 0;
export const GTE_ZEROED = 1;

/** qemu's cap on the L1 table (block/vmdk.c, notes c14): 32 Mi entries, i.e. 8 PiB of 64 KiB grains. */
const MAX_GD_ENTRIES = 32 * 1024 * 1024;
const CACHED_TABLES = 1024;
/** Adjacent grain tables read in one request (256 KiB of 512-entry tables). */
const READ_AHEAD_TABLES = 128;

export interface GrainGeometry {
  /** Grains in the extent (the last may be short). */
  grains: number;
  grainBytes: number;
  /** Bytes of virtual disk the extent holds (for the last grain's length). */
  extentBytes: number;
}

export class GrainDirectory {
  private readonly cache = new Map<number, Promise<Uint32Array>>();

  private constructor(
    private readonly source: ByteSource,
    private readonly header: SparseHeader,
    private readonly directory: Uint32Array,
    private readonly geometry: GrainGeometry,
    private readonly compressed: boolean,
    private readonly zeroedEntries: boolean,
  ) {}

  /** Reads and checks the grain directory at `gdOffset` (a sector) for `geometry.grains` grains. */
  static async read(
    source: ByteSource,
    header: SparseHeader,
    gdOffset: number,
    geometry: GrainGeometry,
    options: { compressed: boolean; zeroedEntries: boolean },
  ): Promise<GrainDirectory> {
    const entries = Math.ceil(geometry.grains / header.numGTEsPerGT);
    const start = gdOffset * SECTOR;
    if (entries > MAX_GD_ENTRIES || start + entries * 4 > source.size) {
      throw new VmferryError(
        'corrupt',
        `The grain directory (${entries} entries at sector ${gdOffset}, for a capacity of ${header.capacity} sectors) ` +
          `runs past the end of the file (${source.size} bytes): the capacity is absurd for this file, or the file is cut short`,
        { file: source.name, offset: start },
      );
    }
    const bytes = entries === 0 ? new Uint8Array(0) : await readExact(source, start, entries * 4, 'grain directory');
    const directory = new Uint32Array(entries);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tableBytes = header.numGTEsPerGT * 4;
    for (let i = 0; i < entries; i++) {
      const sector = view.getUint32(i * 4, true);
      if (sector !== 0 && sector * SECTOR + tableBytes > source.size) {
        throw new VmferryError('corrupt', `Grain directory entry ${i} points to sector ${sector}, past the end of the file`, {
          file: source.name,
          offset: start + i * 4,
        });
      }
      directory[i] = sector;
    }
    return new GrainDirectory(source, header, directory, geometry, options.compressed, options.zeroedEntries);
  }

  get tableCount(): number {
    return this.directory.length;
  }

  get entriesPerTable(): number {
    return this.header.numGTEsPerGT;
  }

  /** The raw grain table entry of `grain` (GTE_UNALLOCATED past the last table). */
  async entry(grain: number): Promise<number> {
    const table = await this.table(Math.floor(grain / this.header.numGTEsPerGT));
    return table ? table[grain % this.header.numGTEsPerGT]! : GTE_UNALLOCATED;
  }

  /** Grain table `index`, checked; null when the directory has no table there (every grain unallocated). */
  async table(index: number): Promise<Uint32Array | null> {
    if (index >= this.directory.length || this.directory[index] === 0) return null;
    const cached = this.cache.get(index);
    if (cached) {
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      this.cache.delete(index);
      this.cache.set(index, cached);
      return cached;
    }
    // Tables usually lie back to back (qemu, VMware): read the ones that follow along, in one request.
    const tableBytes = this.header.numGTEsPerGT * 4;
    let last = index;
    while (
      last + 1 < this.directory.length &&
      last - index + 1 < READ_AHEAD_TABLES &&
      this.directory[last + 1] !== 0 &&
      this.directory[last + 1]! * SECTOR === this.directory[last]! * SECTOR + tableBytes &&
      !this.cache.has(last + 1)
    ) {
      last++;
    }
    const run = readExact(this.source, this.directory[index]! * SECTOR, (last - index + 1) * tableBytes, `grain table ${index}`);
    run.catch(() => undefined);
    for (let i = index; i <= last; i++) {
      const table = run.then((bytes) => this.checkTable(i, bytes.subarray((i - index) * tableBytes, (i - index + 1) * tableBytes)));
      table.catch(() => this.cache.delete(i));
      if (this.cache.size >= CACHED_TABLES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(i, table);
    }
    return this.cache.get(index)!;
  }

  private checkTable(index: number, bytes: Uint8Array): Uint32Array {
    const perTable = this.header.numGTEsPerGT;
    const table = littleEndianU32(bytes, perTable);
    // Any grain that starts this far from the end of the file must end inside it.
    const needed = this.compressed ? GRAIN_MARKER_SIZE : this.geometry.grainBytes;
    const safeBelow = Math.floor((this.source.size - needed) / SECTOR);
    for (let i = 0; i < perTable; i++) {
      const sector = table[i]!;
      if (sector <= safeBelow || sector === GTE_UNALLOCATED || (sector === GTE_ZEROED && this.zeroedEntries)) continue;
      const grain = index * perTable + i;
      // The last grain of the extent may be short, so it needs only its own length.
      if (sector * SECTOR + (this.compressed ? GRAIN_MARKER_SIZE : this.grainLength(grain)) > this.source.size) {
        throw new VmferryError('corrupt', `Grain table ${index} entry ${i} (grain ${grain}) points to sector ${sector}, past the end of the file`, {
          file: this.source.name,
          offset: this.directory[index]! * SECTOR + i * 4,
        });
      }
    }
    return table;
  }

  /** Bytes of virtual disk grain `grain` covers (0 past the extent). */
  grainLength(grain: number): number {
    const { grainBytes, extentBytes } = this.geometry;
    return Math.max(0, Math.min(grainBytes, extentBytes - grain * grainBytes));
  }
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** `count` little-endian u32 values as a fresh Uint32Array (a plain copy on little-endian hosts, i.e. all of them). */
function littleEndianU32(bytes: Uint8Array, count: number): Uint32Array {
  if (HOST_IS_LITTLE_ENDIAN) return new Uint32Array(bytes.slice(0, count * 4).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: count }, (_, i) => view.getUint32(i * 4, true));
}
