import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { openVirtualDisk, parentContext, type DiskOpenContext, type DiskReader } from '../open-disk';
import type { VirtualDisk } from '../virtual-disk';
import { readDescriptorFile, readEmbeddedDescriptor } from './descriptor-read';
import type { VmdkDescriptorText } from './descriptor-text';
import { checkDescriptorSupported, openDescriptorExtents } from './open-extents';
import { isCompressed, isSparseMagic, SECTOR } from './sparse-header';
import { SparseExtent } from './sparse-extent';
import { VmdkDisk } from './vmdk-disk';

/** A flat-only disk has no grains; 64 KiB is the unit its extents are reported in (like a raw image). */
const FLAT_BLOCK_SIZE = 64 * 1024;

/**
 * Opens any VMDK VM Ferry reads: a sparse extent with its descriptor embedded (monolithicSparse,
 * streamOptimized), or a descriptor file with its extents next to it (monolithicFlat, vmfs,
 * twoGbMaxExtentSparse/Flat, ZERO extents, snapshots), over its parent when it is a snapshot.
 */
export const readVmdk: DiskReader = async (source, context) => {
  const head = await readExact(source, 0, Math.min(SECTOR, source.size), 'VMDK header');
  if (isSparseMagic(head)) return openSparseFile(source, context);
  if (new TextDecoder('latin1').decode(head.subarray(0, 4)) === 'COWD') {
    throw new VmferryError('unsupported', 'This is an ESXi COWD (vmfsSparse) snapshot extent, which VM Ferry cannot read', { file: source.name });
  }
  return openDescriptorFile(source, context);
};

async function openSparseFile(source: ByteSource, context: DiskOpenContext): Promise<VmdkDisk> {
  const { extent, header } = await SparseExtent.open(source);
  const descriptor = await readEmbeddedDescriptor(source, header);
  if (descriptor) checkDescriptorSupported(descriptor, source.name);
  const subformat = descriptor?.createType ?? (isCompressed(header) ? 'streamOptimized' : 'monolithicSparse');
  const parent = descriptor ? await openParent(source.name, descriptor, context) : null;
  return new VmdkDisk(source.name, subformat, [extent], parent, descriptor?.cid ?? null, extent.grainSize, 0);
}

async function openDescriptorFile(source: ByteSource, context: DiskOpenContext): Promise<VmdkDisk> {
  const descriptor = await readDescriptorFile(source);
  checkDescriptorSupported(descriptor, source.name);
  const extents = await openDescriptorExtents(descriptor, source.name, context);
  const parent = await openParent(source.name, descriptor, context);
  const grain = extents.find((extent): extent is SparseExtent => extent instanceof SparseExtent)?.grainSize ?? FLAT_BLOCK_SIZE;
  return new VmdkDisk(source.name, descriptor.createType, extents, parent, descriptor.cid, grain, source.size);
}

/**
 * A snapshot's parent (§"Descriptor File": parentCID, parentFileNameHint): found by the hint next to the child
 * (or by its last path element, since hints are often absolute paths on the machine that made them), and
 * accepted only if its CID is the parentCID the child recorded: otherwise the parent changed after the snapshot
 * was taken and the merged disk would be garbage.
 */
async function openParent(childName: string, descriptor: VmdkDescriptorText, context: DiskOpenContext): Promise<VirtualDisk | null> {
  if (descriptor.parentCid === null) return null;
  const hint = descriptor.parentFileNameHint;
  if (!hint) {
    throw new VmferryError('corrupt', `The descriptor has a parentCID (${hex(descriptor.parentCid)}) but no parentFileNameHint naming the parent`, {
      file: childName,
    });
  }
  const baseName = hint.split(/[\\/]/).pop()!;
  const source = (await context.find(hint, childName)) ?? (baseName !== hint ? await context.find(baseName, childName) : null);
  if (!source) {
    throw new VmferryError('missing-file', `The parent disk "${hint}" of this snapshot is not next to it`, {
      file: childName,
      hint: 'Select or copy the whole snapshot chain (every parent .vmdk) together.',
    });
  }
  if (source.name === childName) {
    throw new VmferryError('corrupt', `The descriptor names the file itself ("${hint}") as its parent`, { file: childName });
  }
  const parent = await openVirtualDisk(source, parentContext(context));
  if (!(parent instanceof VmdkDisk)) {
    throw new VmferryError('unsupported', `The parent ${parent.name} of this VMDK snapshot is a ${parent.format} disk, not a VMDK`, { file: childName });
  }
  if (parent.cid !== descriptor.parentCid) {
    throw new VmferryError(
      'corrupt',
      `This snapshot expects its parent to have CID ${hex(descriptor.parentCid)}, but ${parent.name} has CID ${parent.cid === null ? '(none)' : hex(parent.cid)}`,
      { file: childName, hint: `The parent ${parent.name} was changed after the snapshot was taken, or it is not this snapshot's parent.` },
    );
  }
  return parent;
}

function hex(cid: number): string {
  return cid.toString(16).padStart(8, '0');
}
