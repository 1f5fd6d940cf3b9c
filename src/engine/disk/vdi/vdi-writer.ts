import type { DiskIdentity } from '../identity';
import { throwIfAborted, VmferryError } from '../../errors';
import { writeZeros, type ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, SinglePassPlan, WriteContext, WriterOptions } from '../disk-writer';
import { nonZeroUnits } from '../non-zero-units';
import { readUnits } from '../read-units';
import type { UnitMap } from '../unit-map';
import type { VirtualDisk } from '../virtual-disk';
import { BLOCK_FREE, buildVdiHeader, MAX_BLOCKS } from './vdi-header';

/**
 * Dynamic VDI output (VirtualBox VDICore.h), laid out as VirtualBox lays out a new image: the header in the first
 * sector, the block map at 1 MiB and the data at the next 1 MiB boundary after it (VDI_DATA_ALIGN, "bumped to
 * 1MB because SSDs tend to have 8kb per page"), then 1 MiB blocks for the units holding data, in guest order.
 * Blocks without data are BLOCK_FREE, which reads as zeros in a base image (qemu-img writes the same).
 */
const BLOCK_SIZE = 1024 * 1024;
const DATA_ALIGN = 1024 * 1024;

interface VdiLayout {
  blockCount: number;
  blockMapOffset: number;
  dataOffset: number;
  outputSize: number;
}

function planVdiLayout(disk: VirtualDisk, units: UnitMap | null): VdiLayout {
  const blockCount = Math.ceil(disk.virtualSize / BLOCK_SIZE);
  const blockMapOffset = DATA_ALIGN; // the first 1 MiB boundary after the 512-byte header
  const dataOffset = Math.ceil((blockMapOffset + blockCount * 4) / DATA_ALIGN) * DATA_ALIGN;
  if (blockCount > MAX_BLOCKS || dataOffset > 0xffffffff) {
    throw new VmferryError('unsupported', `A ${disk.virtualSize}-byte disk is too large for a VDI image (block map offsets are 32-bit)`, {
      file: disk.name,
    });
  }
  return { blockCount, blockMapOffset, dataOffset, outputSize: dataOffset + (units?.dataUnits ?? 0) * BLOCK_SIZE };
}

export const vdiWriter: DiskWriter = {
  format: 'vdi',
  unitSize: () => BLOCK_SIZE,
  plan(disk: VirtualDisk, units: UnitMap | null, options: WriterOptions): DiskWritePlan {
    if (!units || units.unitSize !== BLOCK_SIZE) throw new Error('VDI writer needs a unit map of 1 MiB units');
    const layout = planVdiLayout(disk, units);
    let dataBytes = 0;
    for (const index of units.indexes()) dataBytes += units.unitLength(index);
    return { outputSize: layout.outputSize, dataBytes, write: (sink, context) => writeVdi(disk, units, layout, sink, context, options.identity) };
  },
  planSinglePass(disk: VirtualDisk, options: WriterOptions): SinglePassPlan {
    const layout = planVdiLayout(disk, null);
    return { dataBytes: disk.virtualSize, write: (sink, context) => writeVdiOnePass(disk, layout, sink, context, options.identity) };
  },
};

/**
 * The same file in one pass: header and block map go out as for an empty disk, each block that holds data is
 * appended as it is found, and the header (its allocated count) and the block map are written over at the end.
 */
async function writeVdiOnePass(
  disk: VirtualDisk,
  layout: VdiLayout,
  sink: ByteSink & { writeAt: NonNullable<ByteSink['writeAt']> },
  { signal, onProgress }: WriteContext,
  identity: DiskIdentity | undefined,
): Promise<void> {
  const header = (blocksAllocated: number) =>
    buildVdiHeader({ diskSize: disk.virtualSize, blockSize: BLOCK_SIZE, blockCount: layout.blockCount, blocksAllocated, blockMapOffset: layout.blockMapOffset, dataOffset: layout.dataOffset, identity });
  const first = header(0);
  await sink.write(first);
  await writeZeros(sink, layout.blockMapOffset - first.length);
  const map = new Uint8Array(layout.blockCount * 4).fill(0xff); // BLOCK_FREE everywhere
  await sink.write(map);
  await writeZeros(sink, layout.dataOffset - layout.blockMapOffset - map.length);
  const view = new DataView(map.buffer);
  let stored = 0;
  for await (const unit of nonZeroUnits(disk, BLOCK_SIZE, { signal, onProgress })) {
    throwIfAborted(signal);
    await sink.write(unit.data);
    view.setUint32(unit.index * 4, stored++, true);
  }
  await sink.writeAt(0, header(stored));
  await sink.writeAt(layout.blockMapOffset, map);
}

async function writeVdi(
  disk: VirtualDisk,
  units: UnitMap,
  layout: VdiLayout,
  sink: ByteSink,
  { signal, onProgress }: WriteContext,
  identity: DiskIdentity | undefined,
): Promise<void> {
  const header = buildVdiHeader({
    diskSize: disk.virtualSize,
    blockSize: BLOCK_SIZE,
    blockCount: layout.blockCount,
    blocksAllocated: units.dataUnits,
    blockMapOffset: layout.blockMapOffset,
    dataOffset: layout.dataOffset,
    identity,
  });
  await sink.write(header);
  await writeZeros(sink, layout.blockMapOffset - header.length);
  await writeBlockMap(sink, units, layout.blockCount);
  await writeZeros(sink, layout.dataOffset - layout.blockMapOffset - layout.blockCount * 4);
  let done = 0;
  for await (const unit of readUnits(disk, units, { signal })) {
    throwIfAborted(signal);
    await sink.write(unit.data);
    done += units.unitLength(unit.index);
    onProgress?.(done);
  }
}

/** The block map, streamed in 1 MiB pieces: stored blocks numbered in guest order, the rest BLOCK_FREE. */
async function writeBlockMap(sink: ByteSink, units: UnitMap, blockCount: number): Promise<void> {
  const perPiece = 256 * 1024;
  let stored = 0;
  for (let first = 0; first < blockCount; first += perPiece) {
    const count = Math.min(perPiece, blockCount - first);
    const piece = new Uint8Array(count * 4);
    const view = new DataView(piece.buffer);
    for (let i = 0; i < count; i++) view.setUint32(i * 4, units.has(first + i) ? stored++ : BLOCK_FREE, true);
    await sink.write(piece);
  }
}
