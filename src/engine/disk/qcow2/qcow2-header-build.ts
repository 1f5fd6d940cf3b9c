import { QCOW2_MAGIC } from './qcow2-header';
import { CLUSTER_BITS, CLUSTER_SIZE, REFCOUNT_ORDER, type Qcow2Layout } from './qcow2-layout';

/**
 * The header cluster of a qcow2 v3 image we write (qemu docs/interop/qcow2.txt, "Header"): no backing file, no
 * encryption, no snapshots, no feature bits, 16-bit refcounts, a 112-byte header (the v3 fields plus the
 * compression type byte, 0 = zlib, padded to 8 as qemu writes it), then the end-of-extensions marker (zeros).
 */
export const HEADER_LENGTH = 112;

export function buildQcow2Header(layout: Qcow2Layout): Uint8Array {
  const cluster = new Uint8Array(CLUSTER_SIZE);
  const view = new DataView(cluster.buffer);
  view.setUint32(0, QCOW2_MAGIC);
  view.setUint32(4, 3);
  view.setUint32(20, CLUSTER_BITS);
  view.setBigUint64(24, BigInt(layout.virtualSize));
  view.setUint32(36, layout.l1Entries);
  view.setBigUint64(40, BigInt(layout.l1Entries > 0 ? layout.l1TableOffset : 0));
  view.setBigUint64(48, BigInt(layout.refcountTableOffset));
  view.setUint32(56, layout.refcountTableClusters);
  view.setUint32(96, REFCOUNT_ORDER);
  view.setUint32(100, HEADER_LENGTH);
  return cluster;
}
