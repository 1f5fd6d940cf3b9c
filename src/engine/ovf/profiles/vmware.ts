import type { TargetProfile } from './profile-types';
import {
  ahci,
  BUSLOGIC_NAMES,
  E1000_NAMES,
  E1000E_NAMES,
  ide,
  LSILOGIC_NAMES,
  LSISAS_NAMES,
  nic,
  nvme,
  PCNET_NAMES,
  PVSCSI_NAMES,
  scsi,
  VMXNET3_NAMES,
} from './vocabulary';

/**
 * `vmw:Config` keys VMware's own exports write (VirtualMachineConfigSpec paths; fixture cot-vmware-vsphere), and
 * the firmware keys. ESXi refuses keys it cannot parse, even optional ones ("Unable to parse 'tools.syncTime' for
 * attribute 'key' on element 'Config'", sexigraf #240; 'flags.vvtdEnabled' on 6.5, ansible-vsphere-gos-validation
 * #268), so anything else is dropped.
 */
export const VMWARE_CONFIG_KEYS = [
  // VM level (VirtualHardwareSection)
  'cpuHotAddEnabled',
  'cpuHotRemoveEnabled',
  'firmware',
  'bootOptions.efiSecureBootEnabled',
  'virtualICH7MPresent',
  'virtualSMCPresent',
  'memoryHotAddEnabled',
  'nestedHVEnabled',
  'powerOpInfo.powerOffType',
  'powerOpInfo.resetType',
  'powerOpInfo.standbyAction',
  'powerOpInfo.suspendType',
  'tools.afterPowerOn',
  'tools.afterResume',
  'tools.beforeGuestShutdown',
  'tools.beforeGuestStandby',
  'tools.syncTimeWithHost',
  'tools.toolsUpgradePolicy',
  // device level (Item)
  'slotInfo.pciSlotNumber',
  'connectable.allowGuestControl',
  'wakeOnLanEnabled',
  'backing.writeThrough',
  'enable3DSupport',
  'use3dRenderer',
  'useAutoDetect',
  'videoRamSizeInKB',
  'allowUnrestrictedCommunication',
];

/**
 * ExtraConfig holds raw vmx keys; ovftool refuses device keys (ethernet1.present, vhv.enable: GNS3/gns3-vm #40)
 * and skips others it does not allow. Only guest properties and the disk UUID switch are kept.
 */
export const VMWARE_EXTRA_CONFIG_KEYS = ['guestinfo.*', 'disk.EnableUUID'];

/**
 * VMware ESXi, vSphere, Workstation and Fusion. Hardware version 13 is ESXi 6.5's: every ESXi from 6.5 (the
 * oldest still deployed with current vCenter tooling) and Workstation 14 / Fusion 10 onwards run it, and it has
 * everything a converted appliance needs (EFI with secure boot, AHCI, NVMe, vmxnet3); a source already on a newer
 * vmx-NN keeps its version. Streamoptimized VMDK is the only disk ESXi imports from an OVA reliably (notes c21).
 */
export const VMWARE: TargetProfile = {
  id: 'vmware',
  label: 'VMware ESXi / Workstation',
  description:
    'VMware ESXi and vSphere 6.5 or later, Workstation 14 or later and Fusion 10 or later: an OVA with an OVF 1.0 ' +
    'descriptor for virtual hardware version 13 (vmx-13), streamOptimized VMDK disks and a SHA-256 manifest. ' +
    'Deploy it with "Deploy OVF Template" (vSphere, ESXi host client) or File > Open (Workstation, Fusion).',
  container: 'ova',
  containers: ['ova', 'ovf'],
  ovfVersion: '1.0',
  virtualSystemType: 'vmx-13',
  disk: { format: 'vmdk', alternatives: [], options: { vmdkAdapterType: 'lsilogic', vmdkHardwareVersion: 13 } },
  hardware: 'translate',
  controllers: [
    scsi('lsilogic', LSILOGIC_NAMES, 'lsilogic'),
    scsi('lsilogicsas', LSISAS_NAMES, 'lsilogicSas'),
    ahci('vmware.sata.ahci'),
    nvme('vmware.nvme.controller'),
    // PVSCSI needs the same VMware paravirtual drivers as vmxnet3 (Linux 2.6.32+, VMware Tools on Windows).
    scsi('VirtualSCSI', PVSCSI_NAMES, 'vmxnet3'),
    ide(null),
    scsi('buslogic', BUSLOGIC_NAMES, null, { bootable: { bios: true, efi: false } }),
  ],
  nics: [
    nic('vmxnet3', 'VmxNet3', VMXNET3_NAMES, 'vmxnet3'),
    nic('e1000', 'E1000', E1000_NAMES, 'e1000'),
    nic('e1000e', 'E1000e', E1000E_NAMES, 'e1000'),
    nic('pcnet32', 'PCNet32', PCNET_NAMES, null),
  ],
  defaultNic: 'e1000',
  firmware: 'vmw-config',
  osIdentifier: 'vmware',
  manifest: 'sha256',
  deploymentOptions: 'keep',
  rejects: {
    // ESXi refuses other vendors' hardware families (virtualbox-2.2: dradispro #297, opensemanticsearch #96).
    virtualSystemTypes: ['virtualbox-2.2', 'xen-3.0-unknown', 'hvm-3.0-unknown', 'Microsoft:Hyper-V', 'kvm'],
    // VirtualBox's sound card (35) is not a CIM type VMware knows; VMware writes sound as type 1 vmware.soundcard.*.
    resourceTypes: [1, 3, 4, 5, 6, 10, 14, 15, 16, 17, 20, 21, 22, 23, 24],
    sections: [
      {
        name: 'StartupSection',
        where: 'outside-collection',
        why: "VMware Workstation refuses a StartupSection outside a vApp (\"Unsupported section 'StartupSection'\", xcp-ng/xenadmin #202)",
      },
    ],
    vendorFamilies: ['vmw'],
    vmwareConfigKeys: VMWARE_CONFIG_KEYS,
    vmwareExtraConfigKeys: VMWARE_EXTRA_CONFIG_KEYS,
    keepsVboxMachine: false,
  },
  guestNaming: 'sd',
  importHelper: 'none',
};
