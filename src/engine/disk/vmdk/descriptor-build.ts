import { randomIdentity, type DiskIdentity } from '../identity';
import { VmferryError } from '../../errors';
import type { WriterOptions } from '../disk-writer';
import { NO_PARENT_CID } from './descriptor-text';

/**
 * Descriptors we write (VMware "Virtual Disk Format 1.1", §"The Descriptor File" and §"The Disk Database").
 * No indentation anywhere: VirtualBox cannot parse indented descriptors (notes c18).
 */

/** `ddb.adapterType` values the format defines (§"The Disk Database"). */
const ADAPTER_TYPES = ['ide', 'buslogic', 'lsilogic', 'legacyESX'] as const;

/**
 * lsilogic is what VMware's own converter (open-vmdk) writes and what ESXi attaches a disk to by default; the
 * OVF decides the real controller. Hardware version 11 is ESXi 6.0's: every ESXi from 6.0 on (and Workstation
 * 11+) accepts it, while VMDKstream's old hard-coded "4" drew complaints (notes c19).
 */
export const DEFAULT_ADAPTER_TYPE = 'lsilogic';
export const DEFAULT_HARDWARE_VERSION = 11;

/** Sectors left free after the descriptor text: VirtualBox rewrites it in place, adding ddb.uuid.* (notes c18). */
export const DESCRIPTOR_SLACK_SECTORS = 20;

export interface DescriptorFields {
  createType: 'streamOptimized' | 'monolithicSparse';
  /** Sectors of the (single) extent. */
  capacity: number;
  extentFile: string;
  cid: number;
  adapterType: string;
  hardwareVersion: number;
}

export function resolveDescriptorOptions(options: WriterOptions, file: string): { adapterType: string; hardwareVersion: number } {
  const adapterType = options.vmdkAdapterType ?? DEFAULT_ADAPTER_TYPE;
  if (!(ADAPTER_TYPES as readonly string[]).includes(adapterType)) {
    throw new VmferryError('usage', `VMDK adapter type "${adapterType}" is not one of ${ADAPTER_TYPES.join(', ')}`, { file });
  }
  const hardwareVersion = options.vmdkHardwareVersion ?? DEFAULT_HARDWARE_VERSION;
  if (!Number.isInteger(hardwareVersion) || hardwareVersion < 3 || hardwareVersion > 99) {
    throw new VmferryError('usage', `VMDK virtual hardware version ${hardwareVersion} is not a hardware version (3 to 99)`, { file });
  }
  return { adapterType, hardwareVersion };
}

export function buildVmdkDescriptor(fields: DescriptorFields): string {
  const { cylinders, heads, sectors } = geometryFor(fields.capacity, fields.adapterType);
  return [
    '# Disk DescriptorFile',
    'version=1',
    'encoding="UTF-8"',
    `CID=${hex(fields.cid)}`,
    `parentCID=${hex(NO_PARENT_CID)}`,
    `createType="${fields.createType}"`,
    '',
    '# Extent description',
    `RW ${fields.capacity} SPARSE "${fields.extentFile.replace(/"/g, '_')}"`,
    '',
    '# The Disk Data Base',
    '#DDB',
    '',
    `ddb.virtualHWVersion = "${fields.hardwareVersion}"`,
    `ddb.adapterType = "${fields.adapterType}"`,
    `ddb.geometry.cylinders = "${cylinders}"`,
    `ddb.geometry.heads = "${heads}"`,
    `ddb.geometry.sectors = "${sectors}"`,
    '',
  ].join('\n');
}

/**
 * The CHS geometry VMware records (§"The Disk Database"): IDE disks use 16 heads and 63 sectors per track with
 * at most 16383 cylinders; SCSI disks 255 heads and 63 sectors with at most 65535. Cylinders round up, so the
 * geometry covers the whole disk unless the disk is larger than CHS can describe.
 */
export function geometryFor(capacitySectors: number, adapterType: string): { cylinders: number; heads: number; sectors: number } {
  const ide = adapterType === 'ide';
  const heads = ide ? 16 : 255;
  const sectors = 63;
  const cylinders = Math.max(1, Math.min(ide ? 16383 : 65535, Math.ceil(capacitySectors / (heads * sectors))));
  return { cylinders, heads, sectors };
}

/** A content ID from the writer's identity; never ffffffff ("no parent") nor fffffffe (read as special by some tools). */
export function randomCid(identity: DiskIdentity = randomIdentity): number {
  for (let attempt = 0; ; attempt++) {
    const bytes = identity.bytes(4, `vmdk cid ${attempt}`);
    const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
    if (value < 0xfffffffe) return value;
  }
}

/** Longest extent file name we write (UTF-8 bytes); the usual file-system limit. */
const MAX_NAME_BYTES = 255;

/**
 * Sectors to reserve for a descriptor, decided at plan time before the output's name is known: the text with an
 * empty name, room for the longest name, and the slack VirtualBox needs.
 */
export function descriptorSectorsFor(fields: Omit<DescriptorFields, 'extentFile'>): number {
  const base = new TextEncoder().encode(buildVmdkDescriptor({ ...fields, extentFile: '' })).length;
  return Math.ceil((base + MAX_NAME_BYTES) / 512) + DESCRIPTOR_SLACK_SECTORS;
}

/** The descriptor text NUL-padded to `sectors` (from descriptorSectorsFor). */
export function descriptorBytes(fields: DescriptorFields, sectors: number): Uint8Array {
  const encoded = new TextEncoder().encode(buildVmdkDescriptor({ ...fields, extentFile: extentFileName(fields.extentFile) }));
  const bytes = new Uint8Array(sectors * 512);
  bytes.set(encoded);
  return bytes;
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/** The extent file name a descriptor names: the output's last path element, at most MAX_NAME_BYTES long. */
export function extentFileName(sinkName: string): string {
  let name = sinkName.split(/[\\/]/).pop() || 'disk.vmdk';
  while (new TextEncoder().encode(name).length > MAX_NAME_BYTES) name = name.slice(1);
  return name;
}
