import { VmferryError, throwIfAborted } from '../../errors';
import type { ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, SinglePassPlan, WriteContext, WriterOptions } from '../disk-writer';
import { nonZeroUnits } from '../non-zero-units';
import { readUnits } from '../read-units';
import { UnitMap } from '../unit-map';
import type { VirtualDisk } from '../virtual-disk';
import { descriptorBytes, descriptorSectorsFor, randomCid, resolveDescriptorOptions, type DescriptorFields } from './descriptor-build';
import { SectorOutput } from './sector-output';
import { buildSparseHeader, COMPRESSION_NONE, FLAG_NEWLINE_TEST, FLAG_REDUNDANT_GD, SECTOR, type SparseHeader } from './sparse-header';
import { ENTRIES_PER_TABLE, GRAIN_SECTORS, littleEndian, MAX_SECTOR } from './stream-optimized-writer';

const GRAIN_BYTES = GRAIN_SECTORS * SECTOR;
const TABLE_SECTORS = (ENTRIES_PER_TABLE * 4) / SECTOR;

/** Where everything goes, in sectors, decided from the unit map before writing. */
interface SparseLayout {
  capacity: number;
  descriptorSize: number;
  tables: number;
  gdSectors: number;
  rgdOffset: number;
  gdOffset: number;
  /** First grain; a multiple of the grain size. */
  overHead: number;
}

/**
 * `vmdk-sparse`: monolithicSparse (VMware "Virtual Disk Format 1.1", §"Hosted Sparse Extent Header"), planned
 * from a 64 KiB unit map so its size is exact:
 *
 *   header (version 1: qemu opens an uncompressed version 3 read-only, notes c13) · embedded descriptor with
 *   slack · redundant grain directory and its grain tables · grain directory and its grain tables · grains, in
 *   disk order, only those holding data.
 *
 * Every grain table is allocated, as VMware, VirtualBox and qemu do for this subformat (tools that later write
 * into the disk expect them), and the redundant copies match the primary ones (VirtualBox compares them).
 */
export const monolithicSparseWriter: DiskWriter = {
  format: 'vmdk-sparse',
  unitSize: () => GRAIN_BYTES,
  plan(disk: VirtualDisk, units: UnitMap | null, options: WriterOptions): DiskWritePlan {
    if (!units || units.unitSize !== GRAIN_BYTES) throw new Error('vmdk-sparse needs a unit map of 64 KiB grains');
    const ddb = resolveDescriptorOptions(options, disk.name);
    const fields = { createType: 'monolithicSparse' as const, capacity: Math.ceil(disk.virtualSize / SECTOR), cid: randomCid(options.identity), ...ddb };
    const layout = planLayout(fields.capacity, descriptorSectorsFor(fields));
    const lastSector = layout.overHead + units.dataUnits * GRAIN_SECTORS;
    if (fields.capacity > MAX_SECTOR || lastSector > MAX_SECTOR) {
      throw new VmferryError('unsupported', `A VMDK sparse extent holds at most 2 TiB; this disk is ${disk.virtualSize} bytes`, { file: disk.name });
    }
    let dataBytes = 0;
    for (const index of units.indexes()) dataBytes += units.unitLength(index);
    return {
      outputSize: lastSector * SECTOR,
      dataBytes,
      write: (sink, context) => writeSparse(disk, units, layout, fields, sink, context),
    };
  },
  planSinglePass(disk: VirtualDisk, options: WriterOptions): SinglePassPlan {
    const ddb = resolveDescriptorOptions(options, disk.name);
    const fields = { createType: 'monolithicSparse' as const, capacity: Math.ceil(disk.virtualSize / SECTOR), cid: randomCid(options.identity), ...ddb };
    if (fields.capacity > MAX_SECTOR) {
      throw new VmferryError('unsupported', `A VMDK sparse extent holds at most 2 TiB; this disk is ${disk.virtualSize} bytes`, { file: disk.name });
    }
    const layout = planLayout(fields.capacity, descriptorSectorsFor(fields));
    return { dataBytes: disk.virtualSize, write: (sink, context) => writeSparseOnePass(disk, layout, fields, sink, context) };
  },
};

function planLayout(capacity: number, descriptorSize: number): SparseLayout {
  const grains = Math.ceil(capacity / GRAIN_SECTORS);
  const tables = Math.ceil(grains / ENTRIES_PER_TABLE);
  const gdSectors = Math.ceil((tables * 4) / SECTOR);
  const rgdOffset = 1 + descriptorSize;
  const gdOffset = rgdOffset + gdSectors + tables * TABLE_SECTORS;
  const tablesEnd = gdOffset + gdSectors + tables * TABLE_SECTORS;
  return { capacity, descriptorSize, tables, gdSectors, rgdOffset, gdOffset, overHead: Math.ceil(tablesEnd / GRAIN_SECTORS) * GRAIN_SECTORS };
}

async function writeSparse(
  disk: VirtualDisk,
  units: UnitMap,
  layout: SparseLayout,
  fields: Omit<DescriptorFields, 'extentFile'>,
  sink: ByteSink,
  { signal, onProgress }: WriteContext,
): Promise<void> {
  const out = new SectorOutput(sink);
  await writeMetadata(out, layout, fields, sink.name, () => grainTables(units, layout), signal);
  let done = 0;
  for await (const unit of readUnits(disk, units, { signal })) {
    await sink.write(unit.data);
    done += units.unitLength(unit.index);
    onProgress?.(done);
  }
}

/**
 * The same file in one pass: the grain tables go out empty, each grain that holds data is appended as it is
 * found, and both copies of the tables are written over their placeholders at the end.
 */
async function writeSparseOnePass(
  disk: VirtualDisk,
  layout: SparseLayout,
  fields: Omit<DescriptorFields, 'extentFile'>,
  sink: ByteSink & { writeAt: NonNullable<ByteSink['writeAt']> },
  { signal, onProgress }: WriteContext,
): Promise<void> {
  const out = new SectorOutput(sink);
  await writeMetadata(out, layout, fields, sink.name, () => emptyTables(layout), signal);
  const stored = new UnitMap(GRAIN_BYTES, disk.virtualSize);
  for await (const unit of nonZeroUnits(disk, GRAIN_BYTES, { signal, onProgress })) {
    if (layout.overHead + (stored.dataUnits + 1) * GRAIN_SECTORS > MAX_SECTOR) {
      throw new VmferryError('unsupported', `A VMDK sparse extent holds at most 2 TiB of sectors; this disk's data does not fit`, { file: disk.name });
    }
    await sink.write(unit.data);
    stored.set(unit.index);
  }
  for (const directoryOffset of [layout.rgdOffset, layout.gdOffset]) {
    let at = (directoryOffset + layout.gdSectors) * SECTOR;
    for (const batch of batched(grainTables(stored, layout), TABLES_PER_PATCH)) {
      const bytes = littleEndian(concatTables(batch), batch.length * TABLE_SECTORS * SECTOR);
      await sink.writeAt(at, bytes);
      at += bytes.length;
    }
  }
}

/** Header, descriptor, then each grain directory followed by its grain tables, padded to the first grain. */
async function writeMetadata(
  out: SectorOutput,
  layout: SparseLayout,
  fields: Omit<DescriptorFields, 'extentFile'>,
  extentFile: string,
  /** The grain tables, streamed once per directory copy (a 2 TiB disk has 128 MiB of them). */
  tables: () => Iterable<Uint32Array>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const header: SparseHeader = {
    version: 1,
    flags: FLAG_NEWLINE_TEST | FLAG_REDUNDANT_GD,
    capacity: layout.capacity,
    grainSize: GRAIN_SECTORS,
    descriptorOffset: 1,
    descriptorSize: layout.descriptorSize,
    numGTEsPerGT: ENTRIES_PER_TABLE,
    rgdOffset: layout.rgdOffset,
    gdOffset: layout.gdOffset,
    overHead: layout.overHead,
    uncleanShutdown: false,
    compressAlgorithm: COMPRESSION_NONE,
  };
  await out.push(buildSparseHeader(header));
  await out.push(descriptorBytes({ ...fields, extentFile }, layout.descriptorSize));
  for (const directoryOffset of [layout.rgdOffset, layout.gdOffset]) {
    const firstTable = directoryOffset + layout.gdSectors;
    const directory = new Uint32Array(layout.tables).map((_, i) => firstTable + i * TABLE_SECTORS);
    await out.push(littleEndian(directory, layout.gdSectors * SECTOR));
    for (const table of tables()) {
      throwIfAborted(signal);
      await out.push(littleEndian(table, TABLE_SECTORS * SECTOR));
    }
  }
  await out.zeros(layout.overHead * SECTOR - out.position);
  await out.flush();
}

/** Grain tables patched per write: 512 of them (1 MiB), so a 2 TiB disk's tables take few writes. */
const TABLES_PER_PATCH = 512;

function* emptyTables(layout: SparseLayout): Generator<Uint32Array> {
  const empty = new Uint32Array(ENTRIES_PER_TABLE);
  for (let i = 0; i < layout.tables; i++) yield empty;
}

function* batched<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function concatTables(tables: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(tables.length * ENTRIES_PER_TABLE);
  tables.forEach((table, i) => out.set(table, i * ENTRIES_PER_TABLE));
  return out;
}

/** The grain tables in order: data unit k (counting in disk order) is the k-th grain after the overhead. */
function* grainTables(units: UnitMap, layout: SparseLayout): Generator<Uint32Array> {
  let next = layout.overHead;
  let table = new Uint32Array(ENTRIES_PER_TABLE);
  let tableIndex = 0;
  for (const index of units.indexes()) {
    while (Math.floor(index / ENTRIES_PER_TABLE) > tableIndex) {
      yield table;
      table = new Uint32Array(ENTRIES_PER_TABLE);
      tableIndex++;
    }
    table[index % ENTRIES_PER_TABLE] = next;
    next += GRAIN_SECTORS;
  }
  for (; tableIndex < layout.tables; tableIndex++) {
    yield table;
    table = new Uint32Array(ENTRIES_PER_TABLE);
  }
}
