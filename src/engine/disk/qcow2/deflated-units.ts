import type { UnitData } from '../read-units';
import { deflateRaw } from './deflate-raw';
import { looksIncompressible } from './incompressible';

export interface DeflatedUnit extends UnitData {
  /** The raw deflate of `data` when it is smaller than a cluster; null when the cluster is stored as is. */
  compressed: Uint8Array | null;
}

/** Clusters compressed concurrently (Node runs CompressionStream on its thread pool). */
const IN_FLIGHT = 8;

/**
 * Units in order, each deflated (qcow2 compressed clusters are raw deflate: qemu docs/interop/qcow2.txt,
 * "Compressed Clusters Descriptor"), with up to IN_FLIGHT deflates running while the next units are read. A
 * cluster that does not shrink below the cluster size is stored as is, as qemu does; one that looks
 * incompressible is not even tried. Both answers depend only on the data, so two passes over a disk agree.
 */
export async function* deflatedUnits(units: AsyncIterable<UnitData>, clusterSize: number): AsyncGenerator<DeflatedUnit> {
  const window: { index: number; data: Uint8Array; compressed: Promise<Uint8Array | null> }[] = [];
  const take = async (): Promise<DeflatedUnit> => {
    const { index, data, compressed } = window.shift()!;
    return { index, data, compressed: await compressed };
  };
  for await (const unit of units) {
    // Readers hand out views of their read buffers; a copy outlives whatever the reader does next.
    const data = new Uint8Array(unit.data);
    const compressed = looksIncompressible(data) ? Promise.resolve(null) : deflateRaw(data).then((d) => (d.length < clusterSize ? d : null));
    compressed.catch(() => undefined); // surfaced when its turn comes
    window.push({ index: unit.index, data, compressed });
    if (window.length >= IN_FLIGHT) yield await take();
  }
  while (window.length > 0) yield await take();
}
