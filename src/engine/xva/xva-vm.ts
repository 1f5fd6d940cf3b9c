import { booleanField, integerField, mapField, refListField, stringField, type OvaXml, type XvaObject } from './ova-xml';

/**
 * The VMs of an `ova.xml`, as VM Ferry needs them: sizing, boot mode (HVM with BIOS or UEFI, or PV through a
 * bootloader such as pygrub), disks by VBD position and NICs by VIF device. Field names and meanings follow the
 * XenAPI data model (VM, VBD, VDI, VIF, network, SR classes).
 */
export interface XvaVm {
  /** The export id (`Ref:0`). */
  id: string;
  name: string;
  description: string;
  vcpusMax: number | null;
  vcpusAtStartup: number | null;
  /** `memory_static_max`, bytes. */
  memoryBytes: number | null;
  /** `HVM_boot_policy`: "BIOS order" for HVM, "" for PV. */
  hvmBootPolicy: string;
  bootMode: 'hvm' | 'pv';
  /** `HVM_boot_params.firmware` ("bios" or "uefi"); BIOS when absent. */
  firmware: 'bios' | 'efi';
  /** `HVM_boot_params.order`, e.g. "dc" (disk, then CD). */
  bootOrder: string | null;
  pvBootloader: string;
  pvArgs: string;
  platform: Record<string, string>;
  otherConfig: Record<string, string>;
  isTemplate: boolean;
  disks: XvaDiskRecord[];
  cdroms: XvaDiskRecord[];
  nics: XvaNicRecord[];
}

export interface XvaDiskRecord {
  vbdId: string;
  /** The VDI's export id: its chunks are the tar members `<vdiId>/00000000`, ... Null for an empty CD drive. */
  vdiId: string | null;
  /** `userdevice`: the position (0 = first disk, 3 = the CD drive XenServer's templates use). */
  userdevice: string;
  /** `device` as the guest last saw it (xvda, hda), often empty in exports. */
  device: string;
  bootable: boolean;
  type: 'Disk' | 'CD';
  readOnly: boolean;
  /** The VDI's `name_label` and `virtual_size` (bytes). */
  name: string;
  virtualSize: number | null;
  /** The VDI lives on an ISO SR (a CD image): it is not in the XVA. */
  onIsoSr: boolean;
}

export interface XvaNicRecord {
  vifId: string;
  /** `device`: the VIF's position, "0", "1", ... */
  device: string;
  mac: string;
  /** The network's `name_label` (the import matches networks by it, then by `bridge`). */
  network: string;
  bridge: string;
}

export interface XvaContents {
  vms: XvaVm[];
  /** Snapshots exported with the VM (is_a_snapshot); not converted, but listed. */
  snapshots: string[];
  warnings: string[];
}

export function interpretOvaXml(ova: OvaXml, fileName: string): XvaContents {
  const byId = new Map(ova.objects.map((object) => [object.id, object]));
  const warnings: string[] = [];
  const vms: XvaVm[] = [];
  const snapshots: string[] = [];
  for (const object of ova.objects) {
    if (object.cls !== 'VM') continue;
    const record = object.snapshot;
    if (booleanField(record, 'is_control_domain')) continue;
    if (booleanField(record, 'is_a_snapshot')) {
      snapshots.push(stringField(record, 'name_label', object.id));
      continue;
    }
    vms.push(readVm(object, byId, warnings, fileName));
  }
  if (vms.length === 0) warnings.push(`${fileName} describes no virtual machine (no VM object in ova.xml)`);
  if (snapshots.length > 0) {
    warnings.push(`The XVA also holds ${snapshots.length} snapshot(s) (${snapshots.join(', ')}); VM Ferry converts the current state only`);
  }
  return { vms, snapshots, warnings };
}

function readVm(object: XvaObject, byId: ReadonlyMap<string, XvaObject>, warnings: string[], fileName: string): XvaVm {
  const record = object.snapshot;
  const bootParams = mapField(record, 'HVM_boot_params');
  const hvmBootPolicy = stringField(record, 'HVM_boot_policy');
  const disks: XvaDiskRecord[] = [];
  const cdroms: XvaDiskRecord[] = [];
  for (const vbdId of refListField(record, 'VBDs')) {
    const vbd = byId.get(vbdId);
    if (vbd?.cls !== 'VBD') {
      warnings.push(`${fileName}: the VM refers to ${vbdId} as a VBD, but ova.xml has no such object`);
      continue;
    }
    const disk = readVbd(vbd, byId);
    (disk.type === 'CD' ? cdroms : disks).push(disk);
  }
  disks.sort((a, b) => Number(a.userdevice) - Number(b.userdevice) || a.userdevice.localeCompare(b.userdevice));
  const nics = refListField(record, 'VIFs')
    .map((vifId) => byId.get(vifId))
    .filter((vif): vif is XvaObject => vif?.cls === 'VIF')
    .map((vif) => readVif(vif, byId))
    .sort((a, b) => Number(a.device) - Number(b.device));
  return {
    id: object.id,
    name: stringField(record, 'name_label', object.id),
    description: stringField(record, 'name_description'),
    vcpusMax: integerField(record, 'VCPUs_max'),
    vcpusAtStartup: integerField(record, 'VCPUs_at_startup'),
    memoryBytes: integerField(record, 'memory_static_max'),
    hvmBootPolicy,
    bootMode: hvmBootPolicy === '' ? 'pv' : 'hvm',
    firmware: bootParams.firmware === 'uefi' ? 'efi' : 'bios',
    bootOrder: bootParams.order ?? null,
    pvBootloader: stringField(record, 'PV_bootloader'),
    pvArgs: stringField(record, 'PV_args'),
    platform: mapField(record, 'platform'),
    otherConfig: mapField(record, 'other_config'),
    isTemplate: booleanField(record, 'is_a_template') ?? false,
    disks,
    cdroms,
    nics,
  };
}

function readVbd(vbd: XvaObject, byId: ReadonlyMap<string, XvaObject>): XvaDiskRecord {
  const record = vbd.snapshot;
  const vdiRef = stringField(record, 'VDI');
  const vdi = byId.get(vdiRef);
  const sr = vdi ? byId.get(stringField(vdi.snapshot, 'SR')) : undefined;
  const type = stringField(record, 'type') === 'CD' ? 'CD' : 'Disk';
  return {
    vbdId: vbd.id,
    vdiId: vdi?.cls === 'VDI' ? vdi.id : null,
    userdevice: stringField(record, 'userdevice'),
    device: stringField(record, 'device'),
    bootable: booleanField(record, 'bootable') ?? false,
    type,
    readOnly: stringField(record, 'mode') === 'RO',
    name: vdi ? stringField(vdi.snapshot, 'name_label') : '',
    virtualSize: vdi ? integerField(vdi.snapshot, 'virtual_size') : null,
    onIsoSr: sr ? stringField(sr.snapshot, 'content_type') === 'iso' : false,
  };
}

function readVif(vif: XvaObject, byId: ReadonlyMap<string, XvaObject>): XvaNicRecord {
  const record = vif.snapshot;
  const network = byId.get(stringField(record, 'network'));
  return {
    vifId: vif.id,
    device: stringField(record, 'device'),
    mac: stringField(record, 'MAC'),
    network: network ? stringField(network.snapshot, 'name_label') : '',
    bridge: network ? stringField(network.snapshot, 'bridge') : '',
  };
}
