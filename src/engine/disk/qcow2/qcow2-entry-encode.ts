/**
 * Table entries of a qcow2 image we write (qemu docs/interop/qcow2.txt, "Host cluster management", "Cluster
 * mapping", "Compressed Clusters Descriptor"), big-endian 64-bit, set as two 32-bit halves. Bit 63 ("copied":
 * refcount exactly one) is set on every L1 entry and on standard L2 entries, never on compressed ones, as the spec
 * asks; refcount table entries carry no flags.
 */
const COPIED = 0x80000000;
const COMPRESSED = 0x40000000;

/** A refcount table entry: the refcount block's offset. */
export function setRefcountTableEntry(view: DataView, at: number, offset: number): void {
  setOffset(view, at, offset, 0);
}

/** An L1 entry (the L2 table's offset) or a standard L2 entry (the data cluster's offset), refcount one. */
export function setCopiedEntry(view: DataView, at: number, offset: number): void {
  setOffset(view, at, offset, COPIED);
}

/**
 * The L2 entry of a compressed cluster: bit 62 set, the host offset in the low x = 62 - (cluster_bits - 8) bits,
 * and the number of 512-byte sectors after the first in bits x..61.
 */
export function setCompressedEntry(view: DataView, at: number, clusterBits: number, hostOffset: number, length: number): void {
  const additionalSectors = Math.floor((hostOffset + length - 1) / 512) - Math.floor(hostOffset / 512);
  const sectorsShift = 62 - (clusterBits - 8) - 32; // within the high half
  view.setUint32(at, (COMPRESSED + additionalSectors * 2 ** sectorsShift + Math.floor(hostOffset / 0x1_0000_0000)) >>> 0);
  view.setUint32(at + 4, hostOffset % 0x1_0000_0000);
}

/**
 * The end of the last 512-byte sector holding compressed bytes [offset, offset + length): what a compressed
 * cluster references, and so what qemu counts (qemu-img check).
 */
export function sectorEnd(offset: number, length: number): number {
  return Math.ceil((offset + length) / 512) * 512;
}

function setOffset(view: DataView, at: number, offset: number, flags: number): void {
  view.setUint32(at, (flags | Math.floor(offset / 0x1_0000_0000)) >>> 0);
  view.setUint32(at + 4, offset % 0x1_0000_0000);
}
