import { serialiseRpcValue, struct, type RpcStruct, type RpcValue } from './xmlrpc';

/**
 * What VM Ferry puts into an XVA: one halted VM, its disks and NICs. The records are full XenAPI records of
 * the fields XenServer's importer parses (xapi import.ml reads each with `API.*_t_of_rpc`; the field set
 * follows a real XenServer export and Xen Orchestra's `@xen-orchestra/xva` templates). The importer replaces
 * what belongs to the host: the SR (the one chosen at import), MACs unless restoring, UUIDs, the MAC seed.
 */
export interface XvaVmSpec {
  name: string;
  description: string;
  vcpus: number;
  memoryBytes: number;
  boot: { mode: 'hvm'; firmware: 'bios' | 'efi' } | { mode: 'pv'; bootloader: string; args: string };
  /** Extra `platform` keys (viridian for Windows guests, ...), over VM Ferry's defaults. */
  platform?: Record<string, string>;
  disks: XvaDiskSpec[];
  nics: XvaNicSpec[];
}

export interface XvaDiskSpec {
  name: string;
  virtualSize: number;
  /** Position: "0" is the first disk. */
  userdevice: string;
  bootable: boolean;
}

export interface XvaNicSpec {
  device: string;
  /** Empty: XenServer generates one. */
  mac: string;
  /** The network's `name_label`: the importer attaches the VIF to the host network of that name. */
  network: string;
}

/**
 * Export ids, zero-padded so that string order is number order: XenServer streams and expects the disks
 * sorted by their id as a string (stream_vdi.ml, `vdi_ordering`), so disk N must also sort N-th.
 */
export function xvaRefs(count: number): string[] {
  const width = Math.max(3, String(count - 1).length);
  return Array.from({ length: count }, (_, i) => `Ref:${String(i).padStart(width, '0')}`);
}

const NULL_REF = 'OpaqueRef:NULL';

/** The runtime fields every VBD and VIF record carries, as an exported (halted) VM has them. */
function unpluggedDeviceFields(): Record<string, RpcValue> {
  return {
    currently_attached: false,
    status_code: 0,
    status_detail: '',
    runtime_properties: struct({}),
    qos_algorithm_type: '',
    qos_algorithm_params: struct({}),
    qos_supported_algorithms: [],
    metrics: NULL_REF,
  };
}
const EPOCH: RpcValue = { dateTime: '19700101T00:00:00Z' };

/**
 * Builds ova.xml and says which export id each disk got (its chunks' directory). `uuid` makes fresh UUIDs (the caller passes crypto.randomUUID, or a fixed one in tests);
 * `date` is the export date written in the version header.
 */
export function buildOvaXml(vm: XvaVmSpec, { uuid, date }: { uuid: () => string; date: string }): { xml: string; diskRefs: string[] } {
  const ids = xvaRefs(3 + vm.disks.length * 2 + vm.nics.length * 2);
  let next = 0;
  const take = () => ids[next++]!;
  const vmRef = take();
  const srRef = take();
  const objects: RpcValue[] = [];
  const vbdRefs: string[] = [];
  const vdiRefs: string[] = [];
  const diskObjects: RpcValue[] = [];
  for (const disk of vm.disks) {
    const vbdRef = take();
    const vdiRef = take();
    vbdRefs.push(vbdRef);
    vdiRefs.push(vdiRef);
    diskObjects.push(object('VBD', vbdRef, vbdRecord(disk, vmRef, vdiRef, uuid())), object('VDI', vdiRef, vdiRecord(disk, srRef, vbdRef, uuid())));
  }
  const vifRefs: string[] = [];
  const nicObjects: RpcValue[] = [];
  for (const nic of vm.nics) {
    const vifRef = take();
    const networkRef = take();
    vifRefs.push(vifRef);
    nicObjects.push(object('VIF', vifRef, vifRecord(nic, vmRef, networkRef, uuid())), object('network', networkRef, networkRecord(nic.network, vifRef, uuid())));
  }
  objects.push(object('VM', vmRef, vmRecord(vm, vbdRefs, vifRefs, uuid())), object('SR', srRef, srRecord(vdiRefs, uuid())), ...diskObjects, ...nicObjects);
  const version = struct({
    hostname: 'vmferry',
    date,
    product_version: '0',
    product_brand: 'VM Ferry',
    build_number: '0',
    // The importer refuses exports from a newer XAPI than its own (importexport.ml, assert_compatible); 1.3 is
    // XenServer 5.5's, so every XenServer and XCP-ng since accepts the file. export_vsn 2: checksums follow chunks.
    xapi_major: 1,
    xapi_minor: 3,
    export_vsn: 2,
  });
  // VDI ids are taken in disk order from ids whose string order is their number order: the chunks follow suit.
  return { xml: serialiseRpcValue(struct({ version, objects })), diskRefs: vdiRefs };
}

function object(cls: string, id: string, snapshot: RpcStruct): RpcValue {
  return struct({ class: cls, id, snapshot });
}

function vmRecord(vm: XvaVmSpec, vbds: string[], vifs: string[], uuid: string): RpcStruct {
  const hvm = vm.boot.mode === 'hvm';
  const memory = vm.memoryBytes;
  const platform: Record<string, RpcValue> = hvm
    ? { acpi: '1', apic: 'true', pae: 'true', nx: 'true', hpet: 'true', viridian: 'false', timeoffset: '0', 'device-model': 'qemu-upstream-compat' }
    : {};
  if (vm.boot.mode === 'hvm' && vm.boot.firmware === 'efi') platform.secureboot = 'false';
  Object.assign(platform, vm.platform ?? {});
  return struct({
    uuid,
    name_label: vm.name,
    name_description: vm.description,
    power_state: 'Halted',
    user_version: 1,
    is_a_template: false,
    is_default_template: false,
    is_control_domain: false,
    is_a_snapshot: false,
    snapshot_of: NULL_REF,
    snapshots: [],
    snapshot_time: EPOCH,
    snapshot_info: struct({}),
    snapshot_metadata: '',
    transportable_snapshot_id: '',
    parent: NULL_REF,
    children: [],
    allowed_operations: [],
    current_operations: struct({}),
    blocked_operations: struct({}),
    memory_static_max: memory,
    memory_dynamic_max: memory,
    memory_dynamic_min: memory,
    memory_static_min: memory,
    memory_target: memory,
    memory_overhead: 0,
    VCPUs_max: vm.vcpus,
    VCPUs_at_startup: vm.vcpus,
    VCPUs_params: struct({}),
    actions_after_shutdown: 'destroy',
    actions_after_reboot: 'restart',
    actions_after_crash: 'restart',
    consoles: [],
    VIFs: vifs,
    VBDs: vbds,
    VGPUs: [],
    VUSBs: [],
    VTPMs: [],
    attached_PCIs: [],
    crash_dumps: [],
    PV_bootloader: vm.boot.mode === 'pv' ? vm.boot.bootloader : '',
    PV_kernel: '',
    PV_ramdisk: '',
    PV_args: vm.boot.mode === 'pv' ? vm.boot.args : '',
    PV_bootloader_args: '',
    PV_legacy_args: '',
    // "BIOS order" is XenServer's only HVM policy (UEFI too, with firmware=uefi); empty means PV.
    HVM_boot_policy: hvm ? 'BIOS order' : '',
    HVM_boot_params: hvm ? struct({ order: 'cdn', firmware: vm.boot.mode === 'hvm' && vm.boot.firmware === 'efi' ? 'uefi' : 'bios' }) : struct({}),
    HVM_shadow_multiplier: { double: 1 },
    domain_type: hvm ? 'hvm' : 'pv',
    platform: struct(platform),
    PCI_bus: '',
    other_config: struct({}),
    domid: -1,
    domarch: '',
    last_boot_CPU_flags: struct({}),
    last_booted_record: '',
    recommendations: '',
    xenstore_data: struct({}),
    ha_always_run: false,
    ha_restart_priority: '',
    tags: [],
    blobs: struct({}),
    bios_strings: struct({}),
    NVRAM: struct({}),
    has_vendor_device: false,
    generation_id: '',
    hardware_platform_version: 0,
    order: 0,
    shutdown_delay: 0,
    start_delay: 0,
    version: 0,
    reference_label: '',
    requires_reboot: false,
    is_snapshot_from_vmpp: false,
    is_vmss_snapshot: false,
    metrics: NULL_REF,
    guest_metrics: NULL_REF,
    suspend_VDI: NULL_REF,
    suspend_SR: NULL_REF,
    resident_on: NULL_REF,
    affinity: NULL_REF,
  });
}

function vbdRecord(disk: XvaDiskSpec, vm: string, vdi: string, uuid: string): RpcStruct {
  return struct({
    uuid,
    allowed_operations: [],
    current_operations: struct({}),
    VM: vm,
    VDI: vdi,
    device: '',
    userdevice: disk.userdevice,
    bootable: disk.bootable,
    mode: 'RW',
    type: 'Disk',
    unpluggable: false,
    storage_lock: false,
    empty: false,
    other_config: struct({ owner: 'true' }),
    ...unpluggedDeviceFields(),
  });
}

function vdiRecord(disk: XvaDiskSpec, sr: string, vbd: string, uuid: string): RpcStruct {
  return struct({
    uuid,
    name_label: disk.name,
    name_description: '',
    allowed_operations: [],
    current_operations: struct({}),
    SR: sr,
    VBDs: [vbd],
    crash_dumps: [],
    virtual_size: disk.virtualSize,
    physical_utilisation: disk.virtualSize,
    type: 'user',
    sharable: false,
    read_only: false,
    other_config: struct({}),
    storage_lock: false,
    location: '',
    managed: true,
    missing: false,
    parent: NULL_REF,
    xenstore_data: struct({}),
    sm_config: struct({}),
    is_a_snapshot: false,
    snapshot_of: NULL_REF,
    snapshots: [],
    snapshot_time: EPOCH,
    tags: [],
    allow_caching: false,
    on_boot: 'persist',
    metrics: NULL_REF,
    cbt_enabled: false,
  });
}

function srRecord(vdis: string[], uuid: string): RpcStruct {
  return struct({
    uuid,
    name_label: 'Local storage',
    name_description: '',
    allowed_operations: [],
    current_operations: struct({}),
    VDIs: vdis,
    PBDs: [],
    virtual_allocation: 0,
    physical_utilisation: 0,
    physical_size: 0,
    type: 'ext',
    // Anything but "iso": the importer then puts the disks on the SR chosen for the import (import.ml, SR).
    content_type: 'user',
    shared: false,
    other_config: struct({}),
    tags: [],
    sm_config: struct({}),
    blobs: struct({}),
  });
}

function vifRecord(nic: XvaNicSpec, vm: string, network: string, uuid: string): RpcStruct {
  return struct({
    uuid,
    allowed_operations: [],
    current_operations: struct({}),
    device: nic.device,
    network,
    VM: vm,
    MAC: nic.mac,
    MAC_autogenerated: nic.mac === '',
    MTU: 1500,
    other_config: struct({}),
    ...unpluggedDeviceFields(),
    locking_mode: 'network_default',
    ipv4_allowed: [],
    ipv6_allowed: [],
  });
}

function networkRecord(name: string, vif: string, uuid: string): RpcStruct {
  return struct({
    uuid,
    // The importer looks the network up by this name, then by bridge; it creates a network only if neither matches.
    name_label: name,
    name_description: '',
    allowed_operations: [],
    current_operations: struct({}),
    VIFs: [vif],
    PIFs: [],
    MTU: 1500,
    other_config: struct({}),
    bridge: 'xenbr0',
    blobs: struct({}),
    tags: [],
  });
}
