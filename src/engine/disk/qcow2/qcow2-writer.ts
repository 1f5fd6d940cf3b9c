import { throwIfAborted } from '../../errors';
import type { ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, WriteContext } from '../disk-writer';
import { readUnits, type UnitData } from '../read-units';
import type { UnitMap } from '../unit-map';
import type { VirtualDisk } from '../virtual-disk';
import { BatchedSink } from './batched-sink';
import { DataPlacement, STORED_RAW } from './qcow2-data-placement';
import { deflateRaw } from './deflate-raw';
import { looksIncompressible } from './incompressible';
import { buildQcow2Header } from './qcow2-header-build';
import { CLUSTER_SIZE, planQcow2Layout, type Qcow2Layout } from './qcow2-layout';
import { writeL1Table, writeL2Tables, writeRefcountBlocks, writeRefcountTable } from './qcow2-metadata-write';

/**
 * qcow2 v3 output, 64 KiB clusters, 16-bit refcounts, no backing file (qemu docs/interop/qcow2.txt).
 *
 * Uncompressed: the whole layout comes from the unit map, so the output size is exact before a byte is written.
 *
 * Compressed (`options.compress`): an L2 entry holds the compressed cluster's offset and sector count, and every
 * offset after it depends on its size; the tables come first in the file and the sink only goes forward. So the
 * write makes two passes over the data: the first deflates every cluster and keeps only its length (2 bytes per
 * cluster), which fixes the layout; the second deflates again and streams. Deflate is deterministic for one
 * implementation and level, and the second pass checks every length against the first. This doubles the
 * compression work; in exchange the file is written in one forward pass and nothing but the lengths is held.
 * The planned size is null (unknown until the first pass), as the contract allows for compressed output.
 */
export const qcow2Writer: DiskWriter = {
  format: 'qcow2',
  unitSize: () => CLUSTER_SIZE,
  plan(disk: VirtualDisk, units: UnitMap | null, options): DiskWritePlan {
    if (!units || units.unitSize !== CLUSTER_SIZE) throw new Error('qcow2 writer needs a unit map of 64 KiB units');
    const dataBytes = storedBytes(units);
    if (options.compress) {
      return { outputSize: null, dataBytes: 2 * dataBytes, write: (sink, context) => writeCompressed(disk, units, sink, context, dataBytes) };
    }
    const placement = new DataPlacement(units.dataUnits, null);
    const layout = planQcow2Layout(disk.virtualSize, units.indexes(), placement.areaClusters);
    return {
      outputSize: layout.totalClusters * CLUSTER_SIZE,
      dataBytes,
      write: (sink, context) => writeImage(disk, units, layout, placement, sink, context, false),
    };
  },
};

/** Virtual-disk bytes covered by the stored units (the last unit may be short). */
function storedBytes(units: UnitMap): number {
  let total = units.dataUnits * units.unitSize;
  if (units.count > 0 && units.has(units.count - 1)) total -= units.unitSize - units.unitLength(units.count - 1);
  return total;
}

/** Clusters compressed concurrently (Node runs CompressionStream on its thread pool). */
const IN_FLIGHT = 8;

async function writeCompressed(disk: VirtualDisk, units: UnitMap, sink: ByteSink, context: WriteContext, dataBytes: number): Promise<void> {
  // First pass: only the deflated lengths.
  const lengths = new Uint16Array(units.dataUnits);
  let rank = 0;
  let done = 0;
  for await (const batch of deflatedBatches(disk, units, context.signal)) {
    for (const { unit, deflated } of batch) {
      lengths[rank++] = deflated && deflated.length < CLUSTER_SIZE ? deflated.length : STORED_RAW;
      done += units.unitLength(unit.index);
    }
    context.onProgress?.(done);
  }
  const placement = new DataPlacement(units.dataUnits, lengths);
  const layout = planQcow2Layout(disk.virtualSize, units.indexes(), placement.areaClusters);
  const second = { ...context, onProgress: (n: number) => context.onProgress?.(dataBytes + n) };
  await writeImage(disk, units, layout, placement, sink, second, true);
}

/** Units in order, deflated IN_FLIGHT at a time (null: not worth deflating, stored raw). */
async function* deflatedBatches(disk: VirtualDisk, units: UnitMap, signal: AbortSignal | undefined) {
  let batch: UnitData[] = [];
  const finish = async () => {
    const deflated = await Promise.all(batch.map((unit) => (looksIncompressible(unit.data) ? null : deflateRaw(unit.data))));
    const out = batch.map((unit, i) => ({ unit, deflated: deflated[i] ?? null }));
    batch = [];
    return out;
  };
  for await (const unit of readUnits(disk, units, { signal })) {
    // readUnits hands out views of one read buffer; copy so a batch outlives the next read.
    batch.push({ index: unit.index, data: new Uint8Array(unit.data) });
    if (batch.length === IN_FLIGHT) yield await finish();
  }
  if (batch.length > 0) yield await finish();
}

/** Whether `next` starts right where `previous` ends, in the same buffer. */
function continues(previous: Uint8Array, next: Uint8Array): boolean {
  return previous.buffer === next.buffer && previous.byteOffset + previous.length === next.byteOffset;
}

/** Streams header, refcount table and blocks, L1, L2 tables, then the data area, padded to whole clusters. */
async function writeImage(
  disk: VirtualDisk,
  units: UnitMap,
  layout: Qcow2Layout,
  placement: DataPlacement,
  sink: ByteSink,
  { signal, onProgress }: WriteContext,
  compressed: boolean,
): Promise<void> {
  const out = new BatchedSink(sink);
  await out.write(buildQcow2Header(layout));
  await writeRefcountTable(out, layout);
  await writeRefcountBlocks(out, layout, placement);
  await writeL1Table(out, layout);
  await writeL2Tables(out, layout, units, placement);

  const places = placement.placements();
  let done = 0;
  const emit = async (unit: UnitData, deflated: Uint8Array | null) => {
    const place = places.next().value!;
    let bytes = unit.data;
    if (place.compressedLength !== STORED_RAW) {
      if (!deflated || deflated.length !== place.compressedLength) {
        throw new Error(`qcow2: cluster ${unit.index} deflated to ${deflated?.length} bytes on the second pass, ${place.compressedLength} on the first`);
      }
      bytes = deflated;
    }
    const at = layout.dataOffset + place.offset;
    if (out.position < at) await out.zeros(at - out.position);
    await out.write(bytes);
    done += units.unitLength(unit.index);
  };
  if (compressed) {
    for await (const batch of deflatedBatches(disk, units, signal)) {
      for (const { unit, deflated } of batch) await emit(unit, deflated);
      onProgress?.(done);
    }
  } else {
    // Consecutive units are views of one read buffer and go to consecutive clusters: write them as one piece.
    let pending: Uint8Array | null = null;
    for await (const unit of readUnits(disk, units, { signal })) {
      throwIfAborted(signal);
      const place = places.next().value!;
      const at = layout.dataOffset + place.offset;
      if (pending && at === out.position + pending.length && continues(pending, unit.data)) {
        pending = new Uint8Array(pending.buffer, pending.byteOffset, pending.length + unit.data.length);
      } else {
        if (pending) await out.write(pending);
        if (out.position < at) await out.zeros(at - out.position);
        pending = unit.data;
      }
      done += units.unitLength(unit.index);
      onProgress?.(done);
    }
    if (pending) await out.write(pending);
  }
  const end = layout.totalClusters * CLUSTER_SIZE;
  if (out.position > end) throw new Error(`qcow2 writer overran its plan: ${out.position} > ${end} bytes`);
  await out.zeros(end - out.position);
  await out.flush();
}
