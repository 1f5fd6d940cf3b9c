import type { UnitMap } from '../unit-map';
import type { BatchedSink } from './batched-sink';
import { compressedEntry, STORED_RAW, type DataPlacement } from './qcow2-data-placement';
import { CLUSTER_SIZE, L2_ENTRIES, REFCOUNTS_PER_BLOCK, type Qcow2Layout } from './qcow2-layout';

/**
 * The metadata of a qcow2 image we write, cluster by cluster (qemu docs/interop/qcow2.txt, "Host cluster
 * management" and "Cluster mapping"). Entries are big-endian 64-bit; bit 63 ("copied": refcount exactly one) is
 * set on every L1 entry and on standard L2 entries, never on compressed ones, as the spec asks.
 */
const COPIED = 0x80000000;

/** Refcount table: one entry per refcount block, the rest of its clusters zero. */
export async function writeRefcountTable(out: BatchedSink, layout: Qcow2Layout): Promise<void> {
  const perCluster = CLUSTER_SIZE / 8;
  for (let c = 0; c < layout.refcountTableClusters; c++) {
    const cluster = new Uint8Array(CLUSTER_SIZE);
    const view = new DataView(cluster.buffer);
    for (let i = 0; i < perCluster; i++) {
      const block = c * perCluster + i;
      if (block >= layout.refcountBlockCount) break;
      setOffset(view, i * 8, layout.refcountBlocksOffset + block * CLUSTER_SIZE, 0);
    }
    await out.write(cluster);
  }
}

/** Refcount blocks: 1 for every metadata cluster, the data area's counts after them, 0 past the end of the file. */
export async function writeRefcountBlocks(out: BatchedSink, layout: Qcow2Layout, placement: DataPlacement): Promise<void> {
  const dataCounts = placement.refcounts();
  for (let b = 0; b < layout.refcountBlockCount; b++) {
    const cluster = new Uint8Array(CLUSTER_SIZE);
    const view = new DataView(cluster.buffer);
    for (let i = 0; i < REFCOUNTS_PER_BLOCK; i++) {
      const host = b * REFCOUNTS_PER_BLOCK + i;
      if (host >= layout.totalClusters) break;
      const count = host < layout.metadataClusters ? 1 : dataCounts[host - layout.metadataClusters]!;
      view.setUint16(i * 2, count);
    }
    await out.write(cluster);
  }
}

/** L1 table: the offset of each L2 table, 0 where an L1 entry maps nothing. */
export async function writeL1Table(out: BatchedSink, layout: Qcow2Layout): Promise<void> {
  const table = new Uint8Array(layout.l1TableClusters * CLUSTER_SIZE);
  const view = new DataView(table.buffer);
  for (let i = 0; i < layout.l1Entries; i++) {
    const l2 = layout.l2TableOf[i]!;
    if (l2 >= 0) setOffset(view, i * 8, layout.l2TablesOffset + l2 * CLUSTER_SIZE, COPIED);
  }
  await out.write(table);
}

/** L2 tables, in L1 order: each stored guest cluster's host offset (or compressed descriptor). */
export async function writeL2Tables(out: BatchedSink, layout: Qcow2Layout, units: UnitMap, placement: DataPlacement): Promise<void> {
  const places = placement.placements();
  let table: DataView | null = null;
  let tableL1 = -1;
  for (const unit of units.indexes()) {
    const l1Index = Math.floor(unit / L2_ENTRIES);
    if (l1Index !== tableL1) {
      if (table) await out.write(new Uint8Array(table.buffer));
      table = new DataView(new ArrayBuffer(CLUSTER_SIZE));
      tableL1 = l1Index;
    }
    const place = places.next().value!;
    const at = (unit - l1Index * L2_ENTRIES) * 8;
    const host = layout.dataOffset + place.offset;
    if (place.compressedLength === STORED_RAW) {
      setOffset(table!, at, host, COPIED);
    } else {
      const { high, low } = compressedEntry(host, place.compressedLength);
      table!.setUint32(at, high);
      table!.setUint32(at + 4, low);
    }
  }
  if (table) await out.write(new Uint8Array(table.buffer));
}

function setOffset(view: DataView, at: number, offset: number, flags: number): void {
  view.setUint32(at, (flags | Math.floor(offset / 0x1_0000_0000)) >>> 0);
  view.setUint32(at + 4, offset % 0x1_0000_0000);
}
