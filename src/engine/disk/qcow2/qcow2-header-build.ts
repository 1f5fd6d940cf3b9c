import { QCOW2_MAGIC } from './qcow2-header';
import { REFCOUNT_ORDER, type Qcow2Prefix } from './qcow2-layout';

/**
 * The header cluster of a qcow2 v3 image we write (qemu docs/interop/qcow2.txt, "Header"): no backing file, no
 * encryption, no snapshots, no feature bits, 16-bit refcounts, a 112-byte header (the v3 fields plus the
 * compression type byte, 0 = zlib, padded to 8 as qemu writes it), then the end-of-extensions marker (zeros).
 * It only points at the refcount table and the L1 table, whose places depend on the virtual size alone, so it is
 * final before any data is seen.
 */
export const HEADER_LENGTH = 112;

export function buildQcow2Header(prefix: Qcow2Prefix): Uint8Array {
  const cluster = new Uint8Array(prefix.geometry.clusterSize);
  const view = new DataView(cluster.buffer);
  view.setUint32(0, QCOW2_MAGIC);
  view.setUint32(4, 3);
  view.setUint32(20, prefix.geometry.clusterBits);
  view.setBigUint64(24, BigInt(prefix.virtualSize));
  view.setUint32(36, prefix.l1Entries);
  view.setBigUint64(40, BigInt(prefix.l1TableOffset));
  view.setBigUint64(48, BigInt(prefix.refcountTableOffset));
  view.setUint32(56, prefix.refcountTableClusters);
  view.setUint32(96, REFCOUNT_ORDER);
  view.setUint32(100, HEADER_LENGTH);
  return cluster;
}
