import { VmferryError } from '../../errors';

/**
 * Where everything goes in a qcow2 file we write (qemu docs/interop/qcow2.txt, "Header", "Host cluster
 * management", "Cluster mapping"). The header only points at the tables, which may sit anywhere, so the file is
 * laid out to be written front to back as the data is found:
 *
 *   cluster 0          header (+ end-of-extensions marker)
 *   refcount table     RT clusters, sized for the largest file this disk can give (below)
 *   L1 table           one entry per 512 MiB of the disk (64 KiB clusters)
 *   then, appended in order (qcow2-appender.ts):
 *     data clusters    in guest order (uncompressed one host cluster each; compressed ones packed)
 *     L2 table         right after the data of the L1 entry it serves, once that entry's span is done
 *     refcount block   right after the 32 768 host clusters it counts are all placed (64 KiB clusters,
 *                      16-bit refcounts), and one last block, counting itself, at the end of the file
 *
 * Everything before the appended part depends only on the virtual size: the header is final from the start, and
 * the two tables are the only bytes that change after being placed (patched at the end in a single pass; filled in
 * before writing when the layout is planned first). Both writers produce the same bytes.
 *
 * The refcount table must have room for every refcount block, and their number depends on the file size. Its
 * size is taken from an upper bound of the file, in clusters: 1 header + RT + L1 + G data clusters (G = guest
 * clusters: each stored cluster takes at most one host cluster, and packed compressed clusters never take more
 * than one each either) + one L2 table per L1 entry + one refcount block per REFCOUNTS_PER_BLOCK clusters of
 * that total. The block count and RT feed back into the total: iterate to the fixed point. Any real file is no
 * larger, so its blocks always fit the table. RT is one cluster up to 16 TiB of file.
 */
export const REFCOUNT_ORDER = 4; // 16-bit refcounts
const REFCOUNT_BYTES = 2 ** REFCOUNT_ORDER / 8;

/** The sizes that follow from the cluster size: our output uses 64 KiB clusters; tests may use smaller ones. */
export interface Qcow2Geometry {
  clusterBits: number;
  clusterSize: number;
  /** L2 entries per table, and so guest clusters per L1 entry; also L1 and refcount table entries per cluster. */
  entriesPerCluster: number;
  /** Host clusters counted by one refcount block. */
  refcountsPerBlock: number;
}

export function qcow2Geometry(clusterBits: number): Qcow2Geometry {
  // 9..16: qemu's minimum, and compressed lengths (below one cluster) must fit 16 bits.
  if (!Number.isInteger(clusterBits) || clusterBits < 9 || clusterBits > 16) throw new Error(`qcow2 writer: cluster_bits ${clusterBits} is not supported`);
  const clusterSize = 2 ** clusterBits;
  return { clusterBits, clusterSize, entriesPerCluster: clusterSize / 8, refcountsPerBlock: clusterSize / REFCOUNT_BYTES };
}

/** What we write: 64 KiB clusters, as qemu-img does by default. */
export const OUTPUT_GEOMETRY = qcow2Geometry(16);
export const CLUSTER_SIZE = OUTPUT_GEOMETRY.clusterSize;

/** The fixed front of the file; the appended part starts at `appendOffset`. */
export interface Qcow2Prefix {
  geometry: Qcow2Geometry;
  virtualSize: number;
  l1Entries: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  /** 0 when the disk is empty (no L1 entries, no L1 cluster: qemu writes l1_table_offset 0 then). */
  l1TableOffset: number;
  l1TableClusters: number;
  appendOffset: number;
  /** Upper bound of the file size in clusters (see above); the refcount table covers it. */
  maxClusters: number;
}

/** qemu refuses L1 tables above 32 MiB (block/qcow2.h QCOW_MAX_L1_SIZE). */
const MAX_L1_BYTES = 32 * 1024 * 1024;

export function planQcow2Prefix(virtualSize: number, geometry: Qcow2Geometry = OUTPUT_GEOMETRY): Qcow2Prefix {
  const { clusterSize, entriesPerCluster, refcountsPerBlock } = geometry;
  const guestClusters = Math.ceil(virtualSize / clusterSize);
  const l1Entries = Math.ceil(guestClusters / entriesPerCluster);
  if (l1Entries * 8 > MAX_L1_BYTES) {
    throw new VmferryError('unsupported', `A ${virtualSize}-byte disk is too large for a qcow2 image with ${clusterSize}-byte clusters`);
  }
  const l1TableClusters = Math.ceil(l1Entries / entriesPerCluster);
  let refcountTableClusters = 1;
  let refcountBlocks = 1;
  let maxClusters = 0;
  for (;;) {
    maxClusters = 1 + refcountTableClusters + l1TableClusters + guestClusters + l1Entries + refcountBlocks;
    const blocksNeeded = Math.ceil(maxClusters / refcountsPerBlock);
    const tableNeeded = Math.ceil(blocksNeeded / entriesPerCluster);
    if (blocksNeeded <= refcountBlocks && tableNeeded <= refcountTableClusters) break;
    refcountBlocks = Math.max(refcountBlocks, blocksNeeded);
    refcountTableClusters = Math.max(refcountTableClusters, tableNeeded);
  }
  // Offsets must stay exact Numbers (and so below the 2^54 of compressed descriptors and 2^56 of L2 entries).
  if (!Number.isSafeInteger(maxClusters * clusterSize)) {
    throw new VmferryError('unsupported', `A ${virtualSize}-byte disk is too large for a qcow2 image with ${clusterSize}-byte clusters`);
  }
  const refcountTableOffset = clusterSize;
  const l1Start = refcountTableOffset + refcountTableClusters * clusterSize;
  return {
    geometry,
    virtualSize,
    l1Entries,
    refcountTableOffset,
    refcountTableClusters,
    l1TableOffset: l1Entries > 0 ? l1Start : 0,
    l1TableClusters,
    appendOffset: l1Start + l1TableClusters * clusterSize,
    maxClusters,
  };
}
