import type { TargetProfile } from './profile-types';
import { ide, nic } from './vocabulary';

/**
 * XenServer / Citrix Hypervisor and XCP-ng. What XenCenter's OVF import (xenadmin XenOvfApi) expects:
 * - VirtualSystemType `hvm-3.0-unknown` for HVM and `xen-3.0-unknown` for PV (its xenDefaultVirtualSystemType and
 *   xenDefaultPVVirtualSystemType settings);
 * - VHD disks named by the format URI it writes itself (vhdspec.mspx), VHD creator `tap` like XenServer's own;
 * - it reads ResourceType 17, 19, 20 and 21 items all as disks (Validation.cs: "Microsoft uses [21] for Hard Disk
 *   Image also"), so serial ports and type-20 controllers must not be written; floppy, USB, sound and graphics
 *   items it does not handle;
 * - VM settings come as `xenovf:VirtualSystemOtherConfigurationData` (HVM_boot_policy, HVM_boot_params with
 *   `firmware=uefi`, platform, PV_bootloader), which it applies to the new VM;
 * - manifests in SHA-1 (its securityAlgorithm setting).
 * The HVM guest sees emulated IDE disks (sd with libata) until Xen PV drivers take them over (xvd); only 4 IDE
 * devices are emulated, more are visible through the PV drivers only.
 */
const XEN_IDE = ide(null, { maxControllers: 8, visibleControllers: 2, guestPrefixWithXenDrivers: 'xvd' });

const BASE: Omit<TargetProfile, 'id' | 'label' | 'description' | 'virtualSystemType' | 'guestNaming' | 'controllers'> = {
  container: 'xva',
  containers: ['xva', 'ova', 'ovf'],
  ovfVersion: '1.0',
  disk: { format: 'vhd', alternatives: ['vhd-fixed'], options: { vhdCreator: 'tap' } },
  hardware: 'translate',
  nics: [nic('xen-vif', 'netfront', ['netfront', 'xen-vif', 'vif', 'rtl8139'], null)],
  defaultNic: 'xen-vif',
  firmware: 'xen-hvm-boot-params',
  osIdentifier: 'cim',
  manifest: 'sha1',
  deploymentOptions: 'resolve',
  rejects: {
    virtualSystemTypes: [],
    resourceTypes: [3, 4, 5, 6, 10, 15, 16, 17],
    // XenCenter writes its own StartupSection at envelope level and reads it back.
    sections: [],
    vendorFamilies: ['xenovf'],
    vmwareConfigKeys: [],
    vmwareExtraConfigKeys: [],
    keepsVboxMachine: false,
  },
  importHelper: 'xe',
};

export const XENSERVER: TargetProfile = {
  ...BASE,
  id: 'xenserver',
  label: 'XenServer / XCP-ng (HVM)',
  description:
    'XenServer (Citrix Hypervisor) and XCP-ng, hardware-virtualised: an XVA for `xe vm-import` or XCP-ng Center, or an ' +
    'OVA/OVF with dynamic VHD disks for XenCenter, plus the `xe` commands to import it. Linux guests with Xen drivers ' +
    'see their disks as xvd, others as sd.',
  virtualSystemType: 'hvm-3.0-unknown',
  controllers: [XEN_IDE],
  guestNaming: 'sd',
};

export const XENSERVER_PV: TargetProfile = {
  ...BASE,
  id: 'xenserver-pv',
  label: 'XenServer / XCP-ng (PV)',
  description:
    'XenServer and XCP-ng, paravirtualised Linux booted by pygrub: the same package as for HVM, with `xe` commands that ' +
    'switch the VM to PV boot (empty HVM boot policy, pygrub). The guest sees its disks as xvd and needs a Xen-capable ' +
    'kernel (not RHEL 8 or later).',
  virtualSystemType: 'xen-3.0-unknown',
  controllers: [{ ...XEN_IDE, guestPrefix: 'xvd', visibleControllers: 8 }],
  guestNaming: 'xvd',
};
