import { throwIfAborted } from '../../errors';
import type { ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, SinglePassPlan, WriteContext, WriterOptions } from '../disk-writer';
import { nonZeroUnits } from '../non-zero-units';
import { readUnits } from '../read-units';
import type { UnitMap } from '../unit-map';
import type { VirtualDisk } from '../virtual-disk';
import { UNALLOCATED } from './bat';
import { encodeVhdDynamicHeader, VHD_HEADER_SIZE } from './dynamic-header';
import { encodeVhdFooter, VHD_DYNAMIC, VHD_FOOTER_SIZE } from './footer';
import { sectorBitmapSize } from './sector-bitmap';
import { outputVhdFooter, vhdCurrentSize } from './vhd-output-footer';

/** Hyper-V's, qemu's and XenServer's block size: 2 MiB of data, a 512-byte sector bitmap in front. */
const BLOCK_SIZE = 2 * 1024 * 1024;
const BITMAP_SIZE = sectorBitmapSize(BLOCK_SIZE);
const TABLE_OFFSET = VHD_FOOTER_SIZE + VHD_HEADER_SIZE;

/** Where everything goes, decided from the unit map before the first byte is written. */
export interface VhdDynamicLayout {
  /** Entries in the block allocation table: the blocks the disk spans. */
  entries: number;
  /** Bytes the table occupies: 4 per entry, padded with 0xFF to a whole sector. */
  tableBytes: number;
  firstBlockOffset: number;
  storedBlocks: number;
  outputSize: number;
}

export function planVhdDynamicLayout(currentSize: number, storedBlocks: number): VhdDynamicLayout {
  const entries = Math.ceil(currentSize / BLOCK_SIZE);
  const tableBytes = Math.max(512, Math.ceil((entries * 4) / 512) * 512);
  const firstBlockOffset = TABLE_OFFSET + tableBytes;
  const outputSize = firstBlockOffset + storedBlocks * (BITMAP_SIZE + BLOCK_SIZE) + VHD_FOOTER_SIZE;
  return { entries, tableBytes, firstBlockOffset, storedBlocks, outputSize };
}

/**
 * Dynamic VHD output ("Virtual Hard Disk Image Format Specification" v1.0, §"Dynamic Hard Disk Image"): footer
 * copy, dynamic disk header, block allocation table, then only the 2 MiB blocks that hold data, each behind an
 * all-ones sector bitmap (every sector of a stored block is this disk's), then the footer. Size:
 * 512 + 1024 + table + stored × (512 + 2 MiB) + 512, known before writing.
 */
export const vhdDynamicWriter: DiskWriter = {
  format: 'vhd',
  unitSize: () => BLOCK_SIZE,
  plan(disk: VirtualDisk, units: UnitMap | null, options: WriterOptions): DiskWritePlan {
    if (!units || units.unitSize !== BLOCK_SIZE) throw new Error('The dynamic VHD writer needs a unit map of 2 MiB blocks');
    const footer = encodeVhdFooter(outputVhdFooter(disk, VHD_DYNAMIC, VHD_FOOTER_SIZE, options));
    const layout = planVhdDynamicLayout(vhdCurrentSize(disk), units.dataUnits);
    let dataBytes = 0;
    for (const index of units.indexes()) dataBytes += units.unitLength(index);
    return {
      outputSize: layout.outputSize,
      dataBytes,
      write: (sink, context) => writeVhdDynamic(disk, units, layout, footer, sink, context),
    };
  },
  planSinglePass(disk: VirtualDisk, options: WriterOptions): SinglePassPlan {
    const footer = encodeVhdFooter(outputVhdFooter(disk, VHD_DYNAMIC, VHD_FOOTER_SIZE, options));
    return { dataBytes: disk.virtualSize, write: (sink, context) => writeVhdDynamicOnePass(disk, footer, sink, context) };
  },
};

/**
 * The same file in one pass: the table goes out as "nothing stored", each block that holds data is appended as
 * it is found, and the table is written over its placeholder at the end.
 */
async function writeVhdDynamicOnePass(disk: VirtualDisk, footer: Uint8Array, sink: ByteSink & { writeAt: NonNullable<ByteSink['writeAt']> }, { signal, onProgress }: WriteContext): Promise<void> {
  const layout = planVhdDynamicLayout(vhdCurrentSize(disk), 0);
  await sink.write(footer);
  await sink.write(encodeVhdDynamicHeader({ tableOffset: TABLE_OFFSET, maxTableEntries: layout.entries, blockSize: BLOCK_SIZE }));
  const table = new Uint8Array(layout.tableBytes).fill(0xff);
  await sink.write(table);
  const view = new DataView(table.buffer);
  const bitmap = new Uint8Array(BITMAP_SIZE).fill(0xff);
  let stored = 0;
  for await (const unit of nonZeroUnits(disk, BLOCK_SIZE, { signal, onProgress })) {
    throwIfAborted(signal);
    view.setUint32(unit.index * 4, blockSector(layout, stored, unit.index), false);
    await sink.write(bitmap);
    await sink.write(unit.data);
    stored++;
  }
  await sink.write(footer);
  await sink.writeAt(TABLE_OFFSET, table);
}

/** The sector where the `stored`-th stored block begins (blocks follow each other in disk order). */
function blockSector(layout: VhdDynamicLayout, stored: number, index: number): number {
  const sector = (layout.firstBlockOffset + stored * (BITMAP_SIZE + BLOCK_SIZE)) / 512;
  if (sector >= UNALLOCATED) throw new Error(`VHD block ${index} would start beyond sector 2^32`);
  return sector;
}

async function writeVhdDynamic(
  disk: VirtualDisk,
  units: UnitMap,
  layout: VhdDynamicLayout,
  footer: Uint8Array,
  sink: ByteSink,
  { signal, onProgress }: WriteContext,
): Promise<void> {
  await sink.write(footer);
  await sink.write(encodeVhdDynamicHeader({ tableOffset: TABLE_OFFSET, maxTableEntries: layout.entries, blockSize: BLOCK_SIZE }));
  await sink.write(blockAllocationTable(units, layout));
  const bitmap = new Uint8Array(BITMAP_SIZE).fill(0xff);
  let done = 0;
  for await (const unit of readUnits(disk, units, { signal })) {
    throwIfAborted(signal);
    await sink.write(bitmap);
    await sink.write(unit.data);
    done += units.unitLength(unit.index);
    onProgress?.(done);
  }
  await sink.write(footer);
}

/** Stored blocks follow each other in disk order; every other entry is "not stored". */
function blockAllocationTable(units: UnitMap, layout: VhdDynamicLayout): Uint8Array {
  const bytes = new Uint8Array(layout.tableBytes).fill(0xff); // 0xFFFFFFFF: not stored
  const view = new DataView(bytes.buffer);
  let stored = 0;
  for (const index of units.indexes()) view.setUint32(index * 4, blockSector(layout, stored++, index), false);
  return bytes;
}
