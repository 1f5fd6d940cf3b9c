import { throwIfAborted } from '../../errors';
import type { ByteSink } from '../../io/byte-sink';
import type { WriteContext } from '../disk-writer';
import { nonZeroUnits } from '../non-zero-units';
import type { VirtualDisk } from '../virtual-disk';
import { deflatedUnits } from './deflated-units';
import { OUTPUT_GEOMETRY, planQcow2Prefix, type Qcow2Geometry } from './qcow2-layout';
import { Qcow2Output } from './qcow2-output';

/**
 * qcow2 in one pass, for a sink that can patch what it wrote (a file): the disk is read once, each cluster holding
 * data is written (deflated first when compressing) as it is found, L2 tables and refcount blocks as they become
 * final; at the end the refcount table and the L1 table are written over their zero placeholders. The bytes are
 * those of the planned write (qcow2-writer.ts); compression deflates each cluster once instead of twice.
 */
export async function writeQcow2SinglePass(
  disk: VirtualDisk,
  sink: ByteSink & Required<Pick<ByteSink, 'writeAt'>>,
  { signal, onProgress }: WriteContext,
  compress: boolean,
  geometry: Qcow2Geometry = OUTPUT_GEOMETRY,
): Promise<void> {
  const prefix = planQcow2Prefix(disk.virtualSize, geometry);
  const output = new Qcow2Output(sink, prefix);
  await output.front();
  if (compress) {
    // Deflating keeps several units in flight: they must be copies.
    for await (const unit of deflatedUnits(nonZeroUnits(disk, geometry.clusterSize, { signal, onProgress }), geometry.clusterSize)) {
      throwIfAborted(signal);
      await output.add(unit.index, unit.data, unit.compressed);
    }
  } else {
    // Each cluster is copied into the output batch before the next is asked for.
    for await (const unit of nonZeroUnits(disk, geometry.clusterSize, { signal, onProgress, transient: true })) {
      throwIfAborted(signal);
      await output.add(unit.index, unit.data, null, { transient: true });
    }
  }
  await output.finish();
  await sink.writeAt(prefix.refcountTableOffset, output.appender.refcountTable);
  if (prefix.l1TableClusters > 0) await sink.writeAt(prefix.l1TableOffset, output.appender.l1Table);
}
