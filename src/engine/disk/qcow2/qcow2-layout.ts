import { VmferryError } from '../../errors';

/**
 * Where everything goes in a qcow2 file we write (qemu docs/interop/qcow2.txt, "Host cluster management",
 * "Cluster mapping"), decided before the first byte:
 *
 *   cluster 0          header (+ end-of-extensions marker)
 *   refcount table     RT clusters, pointing at the refcount blocks
 *   refcount blocks    RB clusters, 16-bit refcounts for every cluster of the file, themselves included
 *   L1 table           pointing at the L2 tables
 *   L2 tables          one per L1 entry that maps any data
 *   data               the data clusters (or packed compressed clusters), in guest order
 *
 * The refcount blocks count every cluster of the file including themselves and the refcount table, so their
 * number depends on the total, which depends on their number: we iterate from one block up to the fixed point
 * (it only grows, and settles within a couple of rounds).
 */
export const CLUSTER_BITS = 16;
export const CLUSTER_SIZE = 2 ** CLUSTER_BITS;
export const REFCOUNT_ORDER = 4; // 16-bit refcounts
export const REFCOUNTS_PER_BLOCK = (CLUSTER_SIZE * 8) / 2 ** REFCOUNT_ORDER;
const ENTRIES_PER_TABLE_CLUSTER = CLUSTER_SIZE / 8;
/** L2 entries per table, and so guest clusters per L1 entry. */
export const L2_ENTRIES = CLUSTER_SIZE / 8;

export interface Qcow2Layout {
  virtualSize: number;
  l1Entries: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  refcountBlocksOffset: number;
  refcountBlockCount: number;
  l1TableOffset: number;
  l1TableClusters: number;
  l2TablesOffset: number;
  /** L2 table number for each L1 index, or -1 where that L1 entry maps nothing. */
  l2TableOf: Int32Array;
  l2TableCount: number;
  dataOffset: number;
  /** Host clusters in the file: the file is exactly totalClusters * CLUSTER_SIZE bytes. */
  totalClusters: number;
  /** Clusters before the data area; all have refcount 1. */
  metadataClusters: number;
}

/** Plans the layout for a disk whose data units (guest clusters with data) are `dataUnits`, in order. */
export function planQcow2Layout(virtualSize: number, dataUnits: Iterable<number>, dataAreaClusters: number): Qcow2Layout {
  const l1Entries = Math.ceil(virtualSize / (CLUSTER_SIZE * L2_ENTRIES));
  const l2TableOf = new Int32Array(l1Entries).fill(-1);
  let l2TableCount = 0;
  for (const unit of dataUnits) {
    const l1Index = Math.floor(unit / L2_ENTRIES);
    if (l2TableOf[l1Index] === -1) l2TableOf[l1Index] = l2TableCount++;
  }
  // An empty disk has an empty L1 table and no cluster for it (qemu writes l1_table_offset 0 then).
  const l1TableClusters = Math.ceil(l1Entries / ENTRIES_PER_TABLE_CLUSTER);
  let refcountBlockCount = 1;
  let refcountTableClusters = 1;
  let totalClusters = 0;
  for (;;) {
    const metadata = 1 + refcountTableClusters + refcountBlockCount + l1TableClusters + l2TableCount;
    totalClusters = metadata + dataAreaClusters;
    const blocksNeeded = Math.ceil(totalClusters / REFCOUNTS_PER_BLOCK);
    const tableNeeded = Math.ceil(blocksNeeded / ENTRIES_PER_TABLE_CLUSTER);
    if (blocksNeeded <= refcountBlockCount && tableNeeded <= refcountTableClusters) break;
    refcountBlockCount = Math.max(refcountBlockCount, blocksNeeded);
    refcountTableClusters = Math.max(refcountTableClusters, tableNeeded);
  }
  const refcountTableOffset = CLUSTER_SIZE;
  const refcountBlocksOffset = refcountTableOffset + refcountTableClusters * CLUSTER_SIZE;
  const l1TableOffset = refcountBlocksOffset + refcountBlockCount * CLUSTER_SIZE;
  const l2TablesOffset = l1TableOffset + l1TableClusters * CLUSTER_SIZE;
  const dataOffset = l2TablesOffset + l2TableCount * CLUSTER_SIZE;
  if (!Number.isSafeInteger(totalClusters * CLUSTER_SIZE) || l1Entries * 8 > 32 * 1024 * 1024) {
    throw new VmferryError('unsupported', `A ${virtualSize}-byte disk is too large for a qcow2 image with 64 KiB clusters`);
  }
  return {
    virtualSize,
    l1Entries,
    refcountTableOffset,
    refcountTableClusters,
    refcountBlocksOffset,
    refcountBlockCount,
    l1TableOffset,
    l1TableClusters,
    l2TablesOffset,
    l2TableOf,
    l2TableCount,
    dataOffset,
    totalClusters,
    metadataClusters: dataOffset / CLUSTER_SIZE,
  };
}
