import type { ByteSource } from '../io/byte-source';
import { readVmdkDescriptorText, vmdkDescriptorSize } from './vmdk/descriptor-text';

/**
 * Recognises a disk image by its content, never by its name: the magic numbers and the few header fields that
 * say which subformat it is and how large the virtual disk is. The full readers come with the disk engine; this
 * is what `inspect` needs to say what a file is.
 */
export type DiskFormat = 'vmdk' | 'vhd' | 'vhdx' | 'qcow2' | 'vdi' | 'raw';

export interface DetectedDisk {
  format: DiskFormat;
  subformat: string | null;
  /** Virtual size in bytes where the header states it; null where it takes the full reader to know. */
  virtualSize: number | null;
  /** Facts worth showing (encryption, backing file, parent). */
  notes: string[];
}

/** Reads at an offset; for gzipped input the size is unknown, so probes that need the end are skipped. */
export interface ProbeInput {
  name: string;
  size: number | null;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function probeInputOf(source: ByteSource): ProbeInput {
  return { name: source.name, size: source.size, read: (offset, length) => source.read(offset, length) };
}

const SECTOR = 512;

export async function detectDisk(input: ProbeInput): Promise<DetectedDisk | null> {
  const head = await input.read(0, 4096);
  const ascii = (offset: number, length: number) => latin1(head.subarray(offset, offset + length));
  const le = new DataView(head.buffer, head.byteOffset, head.byteLength);

  if (ascii(0, 4) === 'KDMV') return probeVmdkSparse(input, head);
  if (ascii(0, 4) === 'COWD') return { format: 'vmdk', subformat: 'vmfsSparse', virtualSize: null, notes: [] };
  if (ascii(0, 8) === 'vhdxfile') return { format: 'vhdx', subformat: null, virtualSize: null, notes: [] };
  if (ascii(0, 4) === 'QFI\xfb') return probeQcow2(head);
  if (head.length >= 72 && le.getUint32(64, true) === 0xbeda107f) return probeVdi(head);
  if (ascii(0, 8) === 'conectix') return probeVhdFooter(head.subarray(0, SECTOR));
  if (isVmdkDescriptorText(head)) return probeVmdkDescriptorText(input);
  if (input.size !== null && input.size >= SECTOR) {
    // A fixed VHD is raw data with the footer as its last sector (qemu probes only offset 0 and calls it raw).
    const footer = await input.read(input.size - SECTOR, SECTOR);
    if (latin1(footer.subarray(0, 8)) === 'conectix') return probeVhdFooter(footer);
  }
  return probeRaw(input, head);
}

/** VMDK hosted sparse extent header (VMware "Virtual Disk Format 1.1", §"Hosted Sparse Extent Header"). */
async function probeVmdkSparse(input: ProbeInput, head: Uint8Array): Promise<DetectedDisk> {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = view.getUint32(4, true);
  const capacitySectors = Number(view.getBigUint64(12, true));
  const descriptorOffset = Number(view.getBigUint64(28, true));
  const descriptorSize = Number(view.getBigUint64(36, true));
  const compression = view.getUint16(77, true);
  let subformat: string | null = compression === 1 ? 'streamOptimized' : 'monolithicSparse';
  if (descriptorOffset > 0 && descriptorSize > 0 && descriptorSize < 2048) {
    const text = latin1(await input.read(descriptorOffset * SECTOR, descriptorSize * SECTOR)).replace(/\0+$/, '');
    subformat = readVmdkDescriptorText(text).createType ?? subformat;
  }
  return { format: 'vmdk', subformat, virtualSize: capacitySectors * SECTOR, notes: [`sparse header version ${version}`] };
}

async function probeVmdkDescriptorText(input: ProbeInput): Promise<DetectedDisk> {
  const text = latin1(await input.read(0, 64 * 1024));
  const descriptor = readVmdkDescriptorText(text);
  return {
    format: 'vmdk',
    subformat: descriptor.createType,
    virtualSize: vmdkDescriptorSize(descriptor),
    notes: descriptor.extents.map((e) => `extent ${e.access} ${e.type} ${e.file ?? ''}`.trim()),
  };
}

function isVmdkDescriptorText(head: Uint8Array): boolean {
  const text = latin1(head.subarray(0, 1024));
  return /^\s*#\s*Disk DescriptorFile/im.test(text) && /createType\s*=/.test(latin1(head));
}

/** VHD footer (Microsoft "Virtual Hard Disk Image Format Specification" §"Hard Disk Footer Format"). */
function probeVhdFooter(footer: Uint8Array): DetectedDisk {
  const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
  const creator = latin1(footer.subarray(28, 32));
  const currentSize = Number(view.getBigUint64(48, false));
  const cylinders = view.getUint16(56, false);
  const heads = footer[58]!;
  const sectorsPerTrack = footer[59]!;
  const type = view.getUint32(60, false);
  const subformat = ({ 2: 'fixed', 3: 'dynamic', 4: 'differencing' } as Record<number, string>)[type] ?? `type ${type}`;
  return {
    format: 'vhd',
    subformat,
    virtualSize: vhdVirtualSize(creator, currentSize, cylinders, heads, sectorsPerTrack),
    notes: [`creator "${creator.replace(/\0/g, '\\0')}"`],
  };
}

/**
 * Which VHD size field to trust depends on the program that made the file (qemu block/vpc.c, vpc_open): Virtual
 * PC and old qemu size disks by CHS geometry; Hyper-V (`win `), Disk2vhd (`d2v `), XenServer (`tap\0`),
 * XenConverter (`CTXS`) and qemu with force_size (`qem2`) use current_size, as does any disk whose geometry is
 * the maximum 65535×16×255 (too large for CHS).
 */
export function vhdVirtualSize(creator: string, currentSize: number, cylinders: number, heads: number, spt: number): number {
  const trustsCurrentSize = ['win ', 'd2v ', 'tap\0', 'CTXS', 'qem2'].includes(creator);
  const geometryIsMaximum = cylinders === 65535 && heads === 16 && spt === 255;
  if (trustsCurrentSize || geometryIsMaximum) return currentSize;
  return cylinders * heads * spt * SECTOR;
}

/** qcow2 header (qemu docs/interop/qcow2.txt): magic, version, backing file offset, size, crypt method. */
function probeQcow2(head: Uint8Array): DetectedDisk {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = view.getUint32(4, false);
  const backingOffset = Number(view.getBigUint64(8, false));
  const size = Number(view.getBigUint64(24, false));
  const crypt = view.getUint32(32, false);
  const notes: string[] = [];
  if (backingOffset !== 0) notes.push('has a backing file (differencing)');
  if (crypt !== 0) notes.push(`encrypted (method ${crypt})`);
  return { format: 'qcow2', subformat: `v${version}`, virtualSize: size, notes };
}

/** VirtualBox VDI header 1.1 (VBox/vd-vdi.h): image type at 76, disk size at 368. */
function probeVdi(head: Uint8Array): DetectedDisk {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const type = view.getUint32(76, true);
  const subformat = ({ 1: 'dynamic', 2: 'fixed', 3: 'undo', 4: 'differencing' } as Record<number, string>)[type] ?? null;
  const size = head.length >= 376 ? Number(view.getBigUint64(368, true)) : null;
  return { format: 'vdi', subformat, virtualSize: size, notes: [] };
}

/**
 * A raw image has no header of its own, so we accept it only where something on it says "disk": an MBR or GPT,
 * or a filesystem or LVM signature at its known place. Anything else is not a disk we recognise.
 */
async function probeRaw(input: ProbeInput, head: Uint8Array): Promise<DetectedDisk | null> {
  if (input.size === null || input.size % SECTOR !== 0 || input.size === 0) return null;
  const signature = await rawSignature(input, head);
  if (signature) return { format: 'raw', subformat: signature, virtualSize: input.size, notes: [] };
  // Raw data has no signature of its own; a whole number of sectors named as a raw image is taken at its word.
  if (RAW_NAME.test(input.name)) {
    return { format: 'raw', subformat: null, virtualSize: input.size, notes: ['no partition table or filesystem recognised'] };
  }
  return null;
}

const RAW_NAME = /\.(img|raw|dd|bin)$/i;

async function rawSignature(input: ProbeInput, head: Uint8Array): Promise<string | null> {
  if (latin1(head.subarray(512, 520)) === 'EFI PART') return 'gpt';
  if (head[510] === 0x55 && head[511] === 0xaa) return 'mbr';
  if (latin1(head.subarray(512, 520)) === 'LABELONE') return 'lvm2-pv';
  if (head[1080] === 0x53 && head[1081] === 0xef) return 'ext2/3/4';
  if (latin1(head.subarray(0, 4)) === 'XFSB') return 'xfs';
  const iso = await input.read(0x8001, 5);
  if (latin1(iso) === 'CD001') return 'iso9660';
  return null;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}
