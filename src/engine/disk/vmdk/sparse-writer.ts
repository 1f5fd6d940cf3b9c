import { VmferryError, throwIfAborted } from '../../errors';
import type { ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, WriteContext, WriterOptions } from '../disk-writer';
import { readUnits } from '../read-units';
import type { UnitMap } from '../unit-map';
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
  const out = new SectorOutput(sink);
  await out.push(buildSparseHeader(header));
  await out.push(descriptorBytes({ ...fields, extentFile: sink.name }, layout.descriptorSize));
  for (const directoryOffset of [layout.rgdOffset, layout.gdOffset]) {
    const firstTable = directoryOffset + layout.gdSectors;
    const directory = new Uint32Array(layout.tables).map((_, i) => firstTable + i * TABLE_SECTORS);
    await out.push(littleEndian(directory, layout.gdSectors * SECTOR));
    for (const table of grainTables(units, layout)) {
      throwIfAborted(signal);
      await out.push(littleEndian(table, TABLE_SECTORS * SECTOR));
    }
  }
  await out.zeros(layout.overHead * SECTOR - out.position);
  await out.flush();
  let done = 0;
  for await (const unit of readUnits(disk, units, { signal })) {
    await sink.write(unit.data);
    done += units.unitLength(unit.index);
    onProgress?.(done);
  }
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
