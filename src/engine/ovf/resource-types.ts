import type { HardwareItem } from './model';

/**
 * CIM_ResourceAllocationSettingData.ResourceType (the ValueMap in the CIM schema, 1..33; fixture schema
 * `CIM_ResourceAllocationSettingData.xsd`), plus 35 for sound cards, which VirtualBox writes (fixtures
 * `cot-ubuntu-ovf20.ovf`, `vbox32-winxp-ovf10-vboxmachine-2disks.ovf`) although the schema reserves it.
 */
export const RESOURCE_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'Other'],
  [2, 'Computer System'],
  [3, 'Processor'],
  [4, 'Memory'],
  [5, 'IDE Controller'],
  [6, 'Parallel SCSI HBA'],
  [7, 'FC HBA'],
  [8, 'iSCSI HBA'],
  [9, 'IB HCA'],
  [10, 'Ethernet Adapter'],
  [11, 'Other Network Adapter'],
  [12, 'I/O Slot'],
  [13, 'I/O Device'],
  [14, 'Floppy Drive'],
  [15, 'CD Drive'],
  [16, 'DVD Drive'],
  [17, 'Disk Drive'],
  [18, 'Tape Drive'],
  [19, 'Storage Extent'],
  [20, 'Other Storage Device'],
  [21, 'Serial Port'],
  [22, 'Parallel Port'],
  [23, 'USB Controller'],
  [24, 'Graphics Controller'],
  [25, 'IEEE 1394 Controller'],
  [26, 'Partitionable Unit'],
  [27, 'Base Partitionable Unit'],
  [28, 'Power'],
  [29, 'Cooling Capacity'],
  [30, 'Ethernet Switch Port'],
  [31, 'Logical Disk'],
  [32, 'Storage Volume'],
  [33, 'Ethernet Connection'],
  [35, 'Sound Card'],
]);

export const CPU = 3;
export const MEMORY = 4;

/** What an item is, for the report. */
export type ItemRole =
  | 'cpu'
  | 'memory'
  | 'controller'
  | 'disk'
  | 'nic'
  | 'cdrom'
  | 'floppy'
  | 'serial'
  | 'sound'
  | 'graphics'
  | 'other';

export function itemRole(item: HardwareItem): ItemRole {
  switch (item.resourceType) {
    case 3:
      return 'cpu';
    case 4:
      return 'memory';
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 20:
    case 23:
    case 25:
      return 'controller';
    // 19 (Storage Extent) is XenServer's disk (fixture xenadmin-sample_app…); 31 is CIM's Logical Disk.
    case 17:
    case 19:
    case 31:
      return 'disk';
    case 10:
    case 11:
      return 'nic';
    case 15:
    case 16:
      return 'cdrom';
    case 14:
      return 'floppy';
    case 21:
      return 'serial';
    case 24:
      return 'graphics';
    case 35:
      return 'sound';
    default:
      return 'other';
  }
}

/**
 * The report's controller type: 'ide', 'scsi', 'sata', 'nvme', 'usb' or 'other'. ResourceType 20 ("other
 * storage device") covers SATA and NVMe: VirtualBox writes subtype `AHCI`, VMware `vmware.sata.ahci` and
 * `vmware.nvme.controller`.
 */
export function controllerType(item: HardwareItem): string {
  const subtype = (item.resourceSubType ?? '').toLowerCase();
  switch (item.resourceType) {
    case 5:
      return 'ide';
    case 6:
      return 'scsi';
    case 23:
      return 'usb';
    case 20:
      if (subtype.includes('nvme')) return 'nvme';
      if (subtype.includes('ahci') || subtype.includes('sata')) return 'sata';
      return 'other';
    default:
      return 'other';
  }
}

export interface HostResourceRef {
  kind: 'disk' | 'file';
  id: string;
}

/**
 * `rasd:HostResource` (DSP0243 1.1 §8.3): `ovf:/disk/<diskId>` or `ovf:/file/<fileId>`. VirtualBox and OVF 0.9
 * drop the `ovf:` scheme (`/disk/vmdisk1`, fixtures `cot-ubuntu-ovf20.ovf`, `cot-v0.9-vmx04.ovf`).
 */
export function parseHostResource(value: string): HostResourceRef | null {
  const match = /^(?:ovf:)?\/{1,2}(disk|file)\/(.+)$/i.exec(value.trim());
  if (!match) return null;
  return { kind: match[1]!.toLowerCase() === 'disk' ? 'disk' : 'file', id: match[2]! };
}
