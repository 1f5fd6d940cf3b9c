import { randomIdentity, type DiskIdentity } from '../identity';
import { throwIfAborted } from '../../errors';
import { writeZeros, type ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, SinglePassPlan, WriteContext, WriterOptions } from '../disk-writer';
import { nonZeroUnits } from '../non-zero-units';
import { readUnits } from '../read-units';
import { UnitMap } from '../unit-map';
import type { VirtualDisk } from '../virtual-disk';
import { PAYLOAD_FULLY_PRESENT } from './bat';
import { MiB, viewOf } from './fields';
import { buildFileIdentifier } from './file-identifier';
import { GUID_SIZE, randomGuid } from './guid';
import { buildHeader, HEADER_OFFSETS } from './header';
import {
  BAT_OFFSET,
  LOG_LENGTH,
  LOG_OFFSET,
  LOGICAL_SECTOR_SIZE,
  METADATA_LENGTH,
  METADATA_OFFSET,
  PHYSICAL_SECTOR_SIZE,
  planLayout,
  type VhdxLayout,
} from './layout';
import { buildMetadataRegion } from './metadata';
import { buildRegionTable, REGION_TABLE_OFFSETS, REGION_TABLE_SIZE } from './region-table';

const CREATOR = 'VM Ferry';
/** BAT bytes generated and written per step. */
const BAT_CHUNK = MiB;

/**
 * Dynamic VHDX output ([MS-VHDX] 2): the layout of `layout.ts`, a BAT whose entries are FULLY_PRESENT for the
 * blocks holding data and NOT_PRESENT (Hyper-V's state for blocks never written, read as zeros) for the rest,
 * and only the data blocks after it. The whole layout follows from the unit map, so the size is exact.
 */
export const vhdxWriter: DiskWriter = {
  format: 'vhdx',
  unitSize: (disk) => planLayout(disk.virtualSize).blockSize,
  plan(disk: VirtualDisk, units: UnitMap | null, options: WriterOptions): DiskWritePlan {
    const layout = planLayout(disk.virtualSize);
    if (!units || units.unitSize !== layout.blockSize) throw new Error(`The VHDX writer needs a unit map of ${layout.blockSize}-byte blocks`);
    let dataBytes = 0;
    for (const index of units.indexes()) dataBytes += units.unitLength(index);
    return {
      outputSize: layout.dataOffset + units.dataUnits * layout.blockSize,
      dataBytes,
      write: (sink, context) => writeVhdx(disk, units, layout, options.identity ?? randomIdentity, sink, context),
    };
  },
  planSinglePass(disk: VirtualDisk, options: WriterOptions): SinglePassPlan {
    const layout = planLayout(disk.virtualSize);
    return { dataBytes: disk.virtualSize, write: (sink, context) => writeVhdxOnePass(disk, layout, options.identity ?? randomIdentity, sink, context) };
  },
};

async function writeVhdx(
  disk: VirtualDisk,
  units: UnitMap,
  layout: VhdxLayout,
  identity: DiskIdentity,
  sink: ByteSink,
  { signal, onProgress }: WriteContext,
): Promise<void> {
  await writeHeadersLogAndMetadata(layout, identity, sink);
  let batWritten = 0;
  for (const chunk of batChunks(units, layout)) {
    throwIfAborted(signal);
    await sink.write(chunk);
    batWritten += chunk.length;
  }
  await writeZeros(sink, layout.batLength - batWritten);
  let done = 0;
  for await (const unit of readUnits(disk, units, { signal })) {
    throwIfAborted(signal);
    await sink.write(unit.data);
    done += units.unitLength(unit.index);
    onProgress?.(done);
  }
}

/**
 * The same file in one pass: the BAT goes out as all NOT_PRESENT, each block that holds data is appended as it
 * is found, and the BAT is written over its placeholder at the end.
 */
async function writeVhdxOnePass(
  disk: VirtualDisk,
  layout: VhdxLayout,
  identity: DiskIdentity,
  sink: ByteSink & { writeAt: NonNullable<ByteSink['writeAt']> },
  { signal, onProgress }: WriteContext,
): Promise<void> {
  await writeHeadersLogAndMetadata(layout, identity, sink);
  await writeZeros(sink, layout.batLength);
  const stored = new UnitMap(layout.blockSize, disk.virtualSize);
  for await (const unit of nonZeroUnits(disk, layout.blockSize, { signal, onProgress })) {
    throwIfAborted(signal);
    await sink.write(unit.data);
    stored.set(unit.index);
  }
  let at = BAT_OFFSET;
  for (const chunk of batChunks(stored, layout)) {
    await sink.writeAt(at, chunk);
    at += chunk.length;
  }
}

/** File identifier, headers and region tables, the (empty) log, and the metadata region: all before the BAT. */
async function writeHeadersLogAndMetadata(layout: VhdxLayout, identity: DiskIdentity, sink: ByteSink): Promise<void> {
  await sink.write(headerSection(layout, identity));
  await writeZeros(sink, MiB - headerSectionLength());
  await writeZeros(sink, LOG_LENGTH);
  const metadata = buildMetadataRegion({
    blockSize: layout.blockSize,
    leaveBlocksAllocated: false,
    virtualSize: layout.virtualSize,
    logicalSectorSize: LOGICAL_SECTOR_SIZE,
    physicalSectorSize: PHYSICAL_SECTOR_SIZE,
    page83Data: randomGuid(identity, 'vhdx page 83 data'),
  });
  await sink.write(metadata);
  await writeZeros(sink, METADATA_LENGTH - metadata.length);
}

/** The first 320 KiB: file identifier, both headers (sequence numbers 1 and 2), both region table copies. */
function headerSection(layout: VhdxLayout, identity: DiskIdentity): Uint8Array {
  const out = new Uint8Array(headerSectionLength());
  out.set(buildFileIdentifier(CREATOR), 0);
  const fields = {
    fileWriteGuid: randomGuid(identity, 'vhdx file write guid'),
    dataWriteGuid: randomGuid(identity, 'vhdx data write guid'),
    logGuid: new Uint8Array(GUID_SIZE),
    logVersion: 0,
    version: 1,
    logLength: LOG_LENGTH,
    logOffset: LOG_OFFSET,
  };
  out.set(buildHeader({ ...fields, sequenceNumber: 1n }), HEADER_OFFSETS[0]);
  out.set(buildHeader({ ...fields, sequenceNumber: 2n }), HEADER_OFFSETS[1]);
  const table = buildRegionTable({
    bat: { offset: BAT_OFFSET, length: layout.batLength },
    metadata: { offset: METADATA_OFFSET, length: METADATA_LENGTH },
  });
  for (const offset of REGION_TABLE_OFFSETS) out.set(table, offset);
  return out;
}

function headerSectionLength(): number {
  return REGION_TABLE_OFFSETS[1] + REGION_TABLE_SIZE;
}

/**
 * The BAT in chunks: payload entries in disk order, a sector bitmap entry (NOT_PRESENT: 0) after every
 * `chunkRatio` of them (2.5). The n-th stored block sits n blocks after the start of the data.
 */
function* batChunks(units: UnitMap, layout: VhdxLayout): Generator<Uint8Array> {
  const entriesPerChunk = BAT_CHUNK / 8;
  const stride = layout.chunkRatio + 1;
  const blocksPerMiB = layout.blockSize / MiB;
  let stored = 0;
  for (let first = 0; first < layout.batEntries; first += entriesPerChunk) {
    const count = Math.min(entriesPerChunk, layout.batEntries - first);
    const chunk = new Uint8Array(count * 8);
    const view = viewOf(chunk);
    for (let i = 0; i < count; i++) {
      const index = first + i;
      if (index % stride === layout.chunkRatio) continue;
      const block = Math.floor(index / stride) * layout.chunkRatio + (index % stride);
      if (!units.has(block)) continue;
      const offsetMiB = layout.dataOffset / MiB + stored * blocksPerMiB;
      stored++;
      // FileOffsetMB occupies bits 20..63 (2.5.1): its low 12 bits share the low word with the state.
      view.setUint32(i * 8, (((offsetMiB % 4096) << 20) | PAYLOAD_FULLY_PRESENT) >>> 0, true);
      view.setUint32(i * 8 + 4, Math.floor(offsetMiB / 4096), true);
    }
    yield chunk;
  }
}
