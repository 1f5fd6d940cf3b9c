import type { NetworkReport, VirtualSystemReport } from '../appliance/report';
import type { XvaVm } from './xva-vm';

/** The file name the report and the appliance use for an XVA disk: its tar directory, `Ref:5/`. */
export function xvaDiskFileName(vdiId: string): string {
  return `${vdiId}/`;
}

/** One line saying how the VM boots: what decides the guest's device names and the target's boot setup. */
export function describeBoot(vm: XvaVm): string {
  if (vm.bootMode === 'pv') {
    const loader = vm.pvBootloader || 'no bootloader (kernel from dom0)';
    return `paravirtualised (PV) boot via ${loader}${vm.pvArgs ? `, kernel arguments "${vm.pvArgs}"` : ''}`;
  }
  return `HVM boot (${vm.hvmBootPolicy}), ${vm.firmware === 'efi' ? 'UEFI' : 'BIOS'} firmware${vm.bootOrder ? `, order "${vm.bootOrder}"` : ''}`;
}

/** The same report shapes an OVF gives, so the app and `inspect` show an XVA like any other appliance. */
export function describeXvaVm(vm: XvaVm): VirtualSystemReport {
  return {
    id: vm.id,
    name: vm.name,
    info: `XenServer/XCP-ng VM: ${describeBoot(vm)}`,
    os: vm.otherConfig['install-distro'] || vm.otherConfig.base_template_name
      ? { cimId: null, description: vm.otherConfig.base_template_name ?? vm.otherConfig['install-distro'] ?? null, vmwareOsType: null }
      : null,
    // XenServer's own OVF export names every VM this way (fixture xenadmin-sample_app-xenovf-utf16decl.ovf).
    virtualSystemTypes: ['xen-3.0-unknown'],
    cpus: vm.vcpusAtStartup ?? vm.vcpusMax,
    coresPerSocket: Number(vm.platform['cores-per-socket']) || null,
    memoryBytes: vm.memoryBytes,
    firmware: vm.bootMode === 'pv' ? null : vm.firmware,
    controllers: [],
    disks: vm.disks.map((disk) => ({
      instanceId: disk.vbdId,
      diskId: disk.vdiId,
      capacityBytes: disk.virtualSize,
      populatedBytes: null,
      fileRef: disk.vdiId,
      fileName: disk.vdiId ? xvaDiskFileName(disk.vdiId) : null,
      format: 'xva-chunks',
      controller: null,
      addressOnParent: disk.userdevice,
    })),
    nics: vm.nics.map((nic) => ({ instanceId: nic.vifId, type: 'xen-vif', network: nic.network || null, connected: null, mac: nic.mac || null })),
    otherDevices: vm.cdroms.map((cd) => ({
      instanceId: cd.vbdId,
      kind: 'cdrom',
      resourceType: null,
      description: `CD drive (userdevice ${cd.userdevice})${cd.name ? ` with ${cd.name}` : ' (empty)'}`,
    })),
    product: [],
    eula: [],
    annotation: vm.description || null,
    deploymentOptions: [],
  };
}

export function describeXvaNetworks(vms: readonly XvaVm[]): NetworkReport[] {
  const names = new Set(vms.flatMap((vm) => vm.nics.map((nic) => nic.network)).filter((name) => name !== ''));
  return [...names].map((name) => ({ name, description: null }));
}
