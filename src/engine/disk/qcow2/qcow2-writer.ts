import { throwIfAborted } from '../../errors';
import type { ByteSink } from '../../io/byte-sink';
import type { DiskWriter, DiskWritePlan, WriteContext, WriterOptions } from '../disk-writer';
import { readUnits } from '../read-units';
import type { UnitMap } from '../unit-map';
import type { VirtualDisk } from '../virtual-disk';
import { deflatedUnits } from './deflated-units';
import { Qcow2Appender, STORED_RAW } from './qcow2-appender';
import { CLUSTER_SIZE, OUTPUT_GEOMETRY, planQcow2Prefix, type Qcow2Geometry, type Qcow2Prefix } from './qcow2-layout';
import { Qcow2Output } from './qcow2-output';
import { writeQcow2SinglePass } from './qcow2-single-pass';

/**
 * qcow2 v3 output, 64 KiB clusters, 16-bit refcounts, no backing file (qemu docs/interop/qcow2.txt); layout in
 * qcow2-layout.ts. Two ways to write the same bytes:
 *
 * - Single pass (`planSinglePass`, where the sink can patch: a file): data written as it is found, the refcount
 *   table and L1 table patched at the end (qcow2-single-pass.ts). Compressed output deflates each cluster once.
 * - Planned (`plan`, any sink): the appender is run over the unit map without data first, which gives the two
 *   tables and the exact size; then the file streams out front to back. Compressed output cannot know where
 *   anything goes before every cluster's deflated length is known, so it deflates every cluster twice: the first
 *   pass keeps only the lengths (2 bytes per stored cluster), the second writes and checks each length against
 *   the first (deflate is deterministic for one implementation and level). Its planned size is null, as the
 *   contract allows for compressed output.
 */
export const qcow2Writer: DiskWriter = {
  format: 'qcow2',
  unitSize: () => CLUSTER_SIZE,
  plan(disk: VirtualDisk, units: UnitMap | null, options: WriterOptions): DiskWritePlan {
    if (!units) throw new Error('qcow2 writer needs a unit map');
    return planQcow2Write(disk, units, options);
  },
  planSinglePass(disk: VirtualDisk, options: WriterOptions) {
    return { dataBytes: disk.virtualSize, write: (sink, context) => writeQcow2SinglePass(disk, sink, context, options.compress ?? false) };
  },
};

export function planQcow2Write(disk: VirtualDisk, units: UnitMap, options: WriterOptions, geometry: Qcow2Geometry = OUTPUT_GEOMETRY): DiskWritePlan {
  if (units.unitSize !== geometry.clusterSize) throw new Error(`qcow2 writer needs a unit map of ${geometry.clusterSize}-byte units`);
  const prefix = planQcow2Prefix(disk.virtualSize, geometry);
  const dataBytes = storedBytes(units);
  if (options.compress) {
    return { outputSize: null, dataBytes: 2 * dataBytes, write: (sink, context) => writeCompressed(disk, units, prefix, sink, context, dataBytes) };
  }
  const tables = placeWithoutData(prefix, units, null);
  return {
    outputSize: tables.size,
    dataBytes,
    write: async (sink, { signal, onProgress }) => {
      const output = new Qcow2Output(sink, prefix);
      await output.front(tables);
      let done = 0;
      for await (const unit of readUnits(disk, units, { signal })) {
        throwIfAborted(signal);
        await output.add(unit.index, unit.data, null);
        done += units.unitLength(unit.index);
        onProgress?.(done);
      }
      expectSameTables(output.appender, await output.finish(), tables);
    },
  };
}

/** Virtual-disk bytes covered by the stored units (the last unit may be short). */
function storedBytes(units: UnitMap): number {
  let total = units.dataUnits * units.unitSize;
  if (units.count > 0 && units.has(units.count - 1)) total -= units.unitSize - units.unitLength(units.count - 1);
  return total;
}

interface PlacedTables {
  size: number;
  refcountTable: Uint8Array;
  l1Table: Uint8Array;
}

/** The layout the write will arrive at: the stored units placed in order (deflated lengths where given), no bytes. */
function placeWithoutData(prefix: Qcow2Prefix, units: UnitMap, compressedLengths: Uint16Array | null): PlacedTables {
  const appender = new Qcow2Appender(prefix);
  let rank = 0;
  for (const index of units.indexes()) {
    appender.place(index, compressedLengths ? compressedLengths[rank++]! : STORED_RAW);
    appender.tables.length = 0;
  }
  const size = appender.finish();
  return { size, refcountTable: appender.refcountTable, l1Table: appender.l1Table };
}

/** The write placed everything where the plan said (the tables written up front are the true ones). */
function expectSameTables(appender: Qcow2Appender, size: number, planned: PlacedTables): void {
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
  if (size !== planned.size || !same(appender.refcountTable, planned.refcountTable) || !same(appender.l1Table, planned.l1Table)) {
    throw new Error(`qcow2 writer: the write placed ${size} bytes of clusters differently from its plan (${planned.size})`);
  }
}

async function writeCompressed(disk: VirtualDisk, units: UnitMap, prefix: Qcow2Prefix, sink: ByteSink, { signal, onProgress }: WriteContext, dataBytes: number): Promise<void> {
  const clusterSize = prefix.geometry.clusterSize;
  // First pass: only the deflated lengths.
  const lengths = new Uint16Array(units.dataUnits);
  let rank = 0;
  let done = 0;
  for await (const unit of deflatedUnits(readUnits(disk, units, { signal }), clusterSize)) {
    throwIfAborted(signal);
    lengths[rank++] = unit.compressed ? unit.compressed.length : STORED_RAW;
    done += units.unitLength(unit.index);
    onProgress?.(done);
  }
  const tables = placeWithoutData(prefix, units, lengths);
  // Second pass: the same deflates, written.
  const output = new Qcow2Output(sink, prefix);
  await output.front(tables);
  rank = 0;
  done = 0;
  for await (const unit of deflatedUnits(readUnits(disk, units, { signal }), clusterSize)) {
    throwIfAborted(signal);
    const length = unit.compressed ? unit.compressed.length : STORED_RAW;
    if (length !== lengths[rank]) {
      throw new Error(`qcow2: cluster ${unit.index} deflated to ${length} bytes on the second pass, ${lengths[rank]} on the first`);
    }
    rank++;
    await output.add(unit.index, unit.data, unit.compressed);
    done += units.unitLength(unit.index);
    onProgress?.(dataBytes + done);
  }
  expectSameTables(output.appender, await output.finish(), tables);
}
