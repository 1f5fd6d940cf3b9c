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
  /** FLAT/VMFS: where the extent's data starts in its file, in sectors. */
  offset: number;
}

export interface VmdkDescriptorText {
  createType: string | null;
  values: Map<string, string>;
  extents: VmdkExtentLine[];
  /** Content ID of this link of a chain (§"Disk Database"... the `CID` line), null when absent or not hex. */
  cid: number | null;
  /** The parent's CID; null for a standalone disk (`ffffffff`, or no line at all). */
  parentCid: number | null;
  /** Where the parent is, relative to this file (or an absolute path on the machine that made it). */
  parentFileNameHint: string | null;
}

/** `parentCID=ffffffff` is how a descriptor says "no parent" (§"Descriptor File", "Parent Content ID"). */
export const NO_PARENT_CID = 0xffffffff;

const EXTENT = /^(RW|RDONLY|NOACCESS)\s+(\d+)\s+(\w+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?/i;
const VALUE = /^([\w.]+)\s*=\s*"?([^"]*)"?\s*$/;

export function readVmdkDescriptorText(text: string): VmdkDescriptorText {
  const values = new Map<string, string>();
  const extents: VmdkExtentLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\0.*$/, '').trim();
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
  const parentCid = hexValue(values.get('parentCID'));
  return {
    createType: values.get('createType') ?? null,
    values,
    extents,
    cid: hexValue(values.get('CID')),
    parentCid: parentCid === NO_PARENT_CID ? null : parentCid,
    parentFileNameHint: values.get('parentFileNameHint') || null,
  };
}

export function vmdkDescriptorSize(descriptor: VmdkDescriptorText): number | null {
  if (descriptor.extents.length === 0) return null;
  return descriptor.extents.reduce((sum, extent) => sum + extent.sectors * 512, 0);
}

function hexValue(text: string | undefined): number | null {
  if (text === undefined || !/^[0-9a-f]{1,8}$/i.test(text.trim())) return null;
  return parseInt(text.trim(), 16);
}
