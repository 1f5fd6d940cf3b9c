import { VmferryError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import type { DiskOpenContext } from '../open-disk';
import type { VmdkDescriptorText, VmdkExtentLine } from './descriptor-text';
import { FlatExtent, ZeroExtent, type VmdkExtent } from './extent';
import { SECTOR, isSparseMagic } from './sparse-header';
import { SparseExtent } from './sparse-extent';

/**
 * What VM Ferry refuses, by name (notes c11): createTypes and extent types that need a device, a format we do
 * not read, or keys we cannot honour.
 */
const UNSUPPORTED_CREATE_TYPES: Record<string, string> = {
  vmfsrawdevicemap: 'a raw device mapping (createType vmfsRawDeviceMap)',
  vmfspassthroughrawdevicemap: 'a pass-through raw device mapping (createType vmfsPassthroughRawDeviceMap)',
  vmfsraw: 'a raw device (createType vmfsRaw)',
  fulldevice: 'a whole physical disk (createType fullDevice)',
  partitioneddevice: 'physical disk partitions (createType partitionedDevice)',
  custom: 'a custom layout (createType custom)',
  sesparse: 'an ESXi space-efficient snapshot (createType seSparse)',
  vmfssparse: 'an ESXi COWD snapshot (createType vmfsSparse)',
};

const UNSUPPORTED_EXTENT_TYPES: Record<string, string> = {
  VMFSSPARSE: 'ESXi COWD snapshot extents (VMFSSPARSE)',
  SESPARSE: 'ESXi space-efficient snapshot extents (SESPARSE)',
  VMFSRDM: 'raw device mapping extents (VMFSRDM)',
  VMFSRAW: 'raw device extents (VMFSRAW)',
};

/** Refuses descriptors we cannot read faithfully: raw devices, unsupported snapshots, encryption. */
export function checkDescriptorSupported(descriptor: VmdkDescriptorText, file: string): void {
  const createType = descriptor.createType ?? '';
  const refused = UNSUPPORTED_CREATE_TYPES[createType.toLowerCase()];
  if (refused) {
    throw new VmferryError('unsupported', `This VMDK is ${refused}, which VM Ferry cannot read`, {
      file,
      hint: refused.includes('device') ? 'Export the disk from the hypervisor (vmkfstools -i, or an OVF export) to get a file-based copy.' : undefined,
    });
  }
  if ([...descriptor.values.keys()].some((key) => key.toLowerCase().startsWith('encryption.'))) {
    throw new VmferryError('unsupported', 'This VMDK is encrypted (the descriptor has encryption keys), which VM Ferry cannot read', {
      file,
      hint: 'Decrypt the virtual machine in VMware first.',
    });
  }
}

/** Opens every extent a descriptor file lists, in order, each found next to the descriptor. */
export async function openDescriptorExtents(descriptor: VmdkDescriptorText, descriptorFile: string, context: DiskOpenContext): Promise<VmdkExtent[]> {
  if (descriptor.extents.length === 0) {
    throw new VmferryError('corrupt', 'The VMDK descriptor lists no extents', { file: descriptorFile });
  }
  const extents: VmdkExtent[] = [];
  for (const [index, line] of descriptor.extents.entries()) extents.push(await openExtent(line, index, descriptorFile, context));
  return extents;
}

async function openExtent(line: VmdkExtentLine, index: number, descriptorFile: string, context: DiskOpenContext): Promise<VmdkExtent> {
  const length = line.sectors * SECTOR;
  const refused = UNSUPPORTED_EXTENT_TYPES[line.type];
  if (refused) throw new VmferryError('unsupported', `Extent ${index + 1} uses ${refused}, which VM Ferry cannot read`, { file: descriptorFile });
  if (line.access === 'NOACCESS') {
    throw new VmferryError('unsupported', `Extent ${index + 1} is marked NOACCESS, so its data cannot be read`, { file: descriptorFile });
  }
  if (!Number.isSafeInteger(length)) throw new VmferryError('corrupt', `Extent ${index + 1} claims ${line.sectors} sectors`, { file: descriptorFile });
  if (line.type === 'ZERO') return new ZeroExtent(length);
  if (line.type !== 'SPARSE' && line.type !== 'FLAT' && line.type !== 'VMFS') {
    throw new VmferryError('unsupported', `Extent ${index + 1} has type ${line.type}, which VM Ferry does not know`, { file: descriptorFile });
  }
  const source = await findExtentFile(line, index, descriptorFile, context);
  if (line.type !== 'SPARSE') return new FlatExtent(source, line.offset * SECTOR, length);
  const head = await source.read(0, 4);
  if (!isSparseMagic(head)) {
    const cowd = new TextDecoder('latin1').decode(head) === 'COWD';
    throw new VmferryError(cowd ? 'unsupported' : 'corrupt', cowd ? 'This SPARSE extent is an ESXi COWD (vmfsSparse) file, which VM Ferry cannot read' : 'This SPARSE extent does not start with "KDMV"', {
      file: source.name,
    });
  }
  return (await SparseExtent.open(source, length)).extent;
}

async function findExtentFile(line: VmdkExtentLine, index: number, descriptorFile: string, context: DiskOpenContext): Promise<ByteSource> {
  if (!line.file) throw new VmferryError('corrupt', `Extent ${index + 1} (${line.type}) names no file`, { file: descriptorFile });
  const source = await context.find(line.file, descriptorFile);
  if (!source) {
    throw new VmferryError('missing-file', `The extent file "${line.file}" that this descriptor lists is not next to it`, {
      file: descriptorFile,
      hint: 'Select or copy the extent files together with the descriptor.',
    });
  }
  return source;
}
