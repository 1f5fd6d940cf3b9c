import type { VirtualDisk } from '../disk/virtual-disk';
import { VmferryError } from '../errors';
import type { ByteSource } from '../io/byte-source';
import type { FileSet } from '../io/file-set';
import { detectDisk, probeInputOf } from '../disk/detect';
import { readVmdkDescriptorText } from '../disk/vmdk/descriptor-text';
import { emptyReport, type Appliance } from './appliance';
import { describeDiskImage } from './describe-disk-image';

/** A bare disk image; a VMDK text descriptor also lists its extent files and whether each is present. */
export async function openDiskImage(input: ByteSource, files: FileSet): Promise<Appliance> {
  const detected = await detectDisk(probeInputOf(input));
  if (!detected) {
    throw new VmferryError('unknown-format', 'Not an OVA, OVF descriptor, XVA or disk image that VM Ferry recognises', {
      file: input.name,
      hint: 'VM Ferry opens .ova, .ovf (with its files), .xva, and VMDK, VHD, VHDX, qcow2, VDI or raw disk images.',
    });
  }
  const report = emptyReport(input.name, 'disk');
  const present = new Map<string, ByteSource>([[input.name, input]]);
  const described = await describeDiskImage(input, false, input.name, { find: (path, relativeTo) => files.find(path, relativeTo) });
  report.diskImages.push(described.report);
  const disks = new Map<string, VirtualDisk>();
  if (described.disk) disks.set(input.name, described.disk);
  else if (described.report.problem) report.warnings.push(described.report.problem);
  report.files.push({ name: input.name, size: input.size, declaredSize: null, role: 'disk', present: true, compression: null, chunks: 0 });
  for (const extent of await vmdkExtentFiles(input, detected.format)) {
    const source = await files.find(extent.file, input.name);
    report.files.push({ name: extent.file, size: source?.size ?? null, declaredSize: null, role: 'disk', present: source !== null, compression: null, chunks: 0 });
    if (source) present.set(extent.file, source);
    else report.warnings.push(`Missing extent ${extent.file}: the VMDK descriptor ${input.name} refers to it but it is not next to it`);
  }
  report.warnings.push(...detected.notes.filter((note) => /encrypted|backing file/.test(note)).map((note) => `${input.name}: ${note}`));
  return { kind: 'disk', input, files: present, disks, manifest: null, report };
}

/** The separate extent files a text VMDK descriptor names (monolithicFlat, twoGbMaxExtent*, vmfs). */
async function vmdkExtentFiles(input: ByteSource, format: string): Promise<{ file: string }[]> {
  if (format !== 'vmdk') return [];
  const head = await input.read(0, 64 * 1024);
  const text = new TextDecoder('latin1').decode(head);
  if (!/^\s*#\s*Disk DescriptorFile/im.test(text)) return [];
  return readVmdkDescriptorText(text)
    .extents.filter((extent) => extent.file !== null && extent.type !== 'ZERO')
    .map((extent) => ({ file: extent.file! }));
}
