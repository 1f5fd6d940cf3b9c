import { VmferryError } from '../../errors';

/**
 * Sets the content ID in a sparse VMDK's embedded descriptor. The disk writers give every output a random CID (a
 * fresh CID is what tells a snapshot's child that its parent changed), but the sample must be the same bytes on
 * every build. The descriptor sits at `descriptorOffset` sectors for `descriptorSize` sectors (header offsets 28
 * and 36, VMware "Virtual Disk Format 1.1" §"Hosted Sparse Extent Header") and holds `CID=` and eight hex digits
 * on a line of its own (§"The Descriptor File"); nothing else covers those bytes (the footer repeats the header
 * only), so changing them in place keeps the file valid.
 */
const SPARSE_MAGIC = 0x564d444b; // 'KDMV' read little-endian

export function setSparseVmdkCid(vmdk: Uint8Array, cid: number, name: string): void {
  const view = new DataView(vmdk.buffer, vmdk.byteOffset, vmdk.byteLength);
  if (vmdk.length < 512 || view.getUint32(0, true) !== SPARSE_MAGIC) throw new VmferryError('corrupt', 'Not a sparse VMDK (no KDMV header)', { file: name });
  const start = Number(view.getBigUint64(28, true)) * 512;
  const end = Math.min(vmdk.length, start + Number(view.getBigUint64(36, true)) * 512);
  const text = new TextDecoder('latin1').decode(vmdk.subarray(start, end));
  const match = /(^|\n)CID=[0-9a-f]{8}\n/.exec(text);
  if (!match) throw new VmferryError('corrupt', 'The embedded descriptor has no CID line', { file: name, offset: start });
  const at = start + match.index + match[1]!.length + 'CID='.length;
  vmdk.set(new TextEncoder().encode(cid.toString(16).padStart(8, '0')), at);
}
