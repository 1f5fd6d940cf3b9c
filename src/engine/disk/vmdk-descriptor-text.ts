/**
 * The VMDK text descriptor (VMware "Virtual Disk Format 1.1", §"The Descriptor File"): `key = "value"` lines,
 * and extent lines `RW 41943040 SPARSE "disk-s001.vmdk"` (access, size in sectors, type, file, [offset]).
 * Either a file of its own (monolithicFlat, twoGbMaxExtent*, vmfs) or embedded in a sparse extent.
 */
export interface VmdkExtentLine {
  access: string;
  sectors: number;
  type: string;
  file: string | null;
  offset: number;
}

export interface VmdkDescriptorText {
  createType: string | null;
  values: Map<string, string>;
  extents: VmdkExtentLine[];
}

const EXTENT = /^(RW|RDONLY|NOACCESS)\s+(\d+)\s+(\w+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?/i;
const VALUE = /^([\w.]+)\s*=\s*"?([^"]*)"?\s*$/;

export function readVmdkDescriptorText(text: string): VmdkDescriptorText {
  const values = new Map<string, string>();
  const extents: VmdkExtentLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const extent = EXTENT.exec(line);
    if (extent) {
      extents.push({
        access: extent[1]!.toUpperCase(),
        sectors: Number(extent[2]),
        type: extent[3]!.toUpperCase(),
        file: extent[4] ?? null,
        offset: extent[5] ? Number(extent[5]) : 0,
      });
      continue;
    }
    const value = VALUE.exec(line);
    if (value) values.set(value[1]!, value[2]!);
  }
  return { createType: values.get('createType') ?? null, values, extents };
}

export function vmdkDescriptorSize(descriptor: VmdkDescriptorText): number | null {
  if (descriptor.extents.length === 0) return null;
  return descriptor.extents.reduce((sum, extent) => sum + extent.sectors * 512, 0);
}
