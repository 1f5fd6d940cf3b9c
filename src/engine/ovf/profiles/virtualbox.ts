import type { TargetProfile } from './profile-types';
import {
  ahci,
  BUSLOGIC_NAMES,
  E1000_NAMES,
  ide,
  LSILOGIC_NAMES,
  LSISAS_NAMES,
  nic,
  nvme,
  PCNET_NAMES,
  scsi,
  VIRTIO_NET_NAMES,
  VIRTIO_SCSI_NAMES,
} from './vocabulary';

/**
 * Oracle VirtualBox. Its OVF reader (VirtualBox ovfreader.cpp) matches elements by local name, accepts controller
 * types 5 (IDE), 6 (SCSI: LsiLogic, BusLogic, LsiLogicSas) and 20 only with AHCI, VirtioSCSI or NVMe, throws on
 * any other resource type unless the item says `ovf:required="false"`, and reads memory only in MegaBytes/MB/
 * `byte * 2^20` (or the GB forms). It reads the OS from `<vbox:OSType>` and the CIM id.
 *
 * Firmware: VirtualBox takes UEFI only from `vbox:Machine`, its complete machine settings, which DSP8023 has no
 * slot for (it fails schema validation) and which must restate every storage attachment by disk UUID ("medium
 * attachment for the disk image ... but the OVF describes no such image", kiwi #1417, open-vagrant-boxes #1).
 * VM Ferry does not write one: the firmware is recorded as `vmw:Config firmware` (ignored by VirtualBox) and an
 * EFI guest gets a warning naming the `VBoxManage modifyvm --firmware efi` step.
 */
export const VIRTUALBOX: TargetProfile = {
  id: 'virtualbox',
  label: 'Oracle VirtualBox',
  description:
    'Oracle VirtualBox 5 or later: an OVA with an OVF 1.0 descriptor (virtualbox-2.2), streamOptimized VMDK disks and ' +
    'a SHA-256 manifest. Import it with File > Import Appliance or `VBoxManage import`. VirtualBox takes UEFI only ' +
    'from its own machine section, so a UEFI guest needs `VBoxManage modifyvm <vm> --firmware efi` once imported.',
  container: 'ova',
  containers: ['ova', 'ovf'],
  ovfVersion: '1.0',
  virtualSystemType: 'virtualbox-2.2',
  disk: { format: 'vmdk', alternatives: [], options: { vmdkAdapterType: 'ide' } },
  hardware: 'translate',
  controllers: [
    // VirtualBox's default for every guest with an AHCI driver; one controller with 30 ports.
    ahci('AHCI', { maxControllers: 1 }),
    ide('PIIX4'),
    scsi('lsilogic', LSILOGIC_NAMES, 'lsilogic', { maxControllers: 1, reservedAddresses: [] }),
    scsi('LsiLogicSas', LSISAS_NAMES, 'lsilogicSas', { maxControllers: 1, devicesPerController: 8, reservedAddresses: [] }),
    nvme('NVMe', { maxControllers: 1 }),
    { ...scsi('VirtioSCSI', VIRTIO_SCSI_NAMES, 'virtio', { maxControllers: 1, reservedAddresses: [] }), resourceType: 20 },
    scsi('buslogic', BUSLOGIC_NAMES, null, { maxControllers: 1, reservedAddresses: [], bootable: { bios: true, efi: false } }),
  ],
  nics: [
    nic('e1000', 'E1000', E1000_NAMES, 'e1000'),
    nic('virtio', 'virtio', VIRTIO_NET_NAMES, 'virtio'),
    nic('pcnet32', 'PCNet32', PCNET_NAMES, null),
  ],
  defaultNic: 'e1000',
  firmware: 'vmw-config',
  osIdentifier: 'virtualbox',
  manifest: 'sha256',
  deploymentOptions: 'resolve',
  rejects: {
    virtualSystemTypes: [],
    resourceTypes: [3, 4, 5, 6, 10, 14, 15, 16, 17, 20, 23, 35],
    sections: [{ name: 'StartupSection', where: 'outside-collection', why: 'it orders the systems of a collection only' }],
    vendorFamilies: ['vbox'],
    vmwareConfigKeys: [],
    vmwareExtraConfigKeys: [],
    keepsVboxMachine: false,
  },
  guestNaming: 'sd',
  importHelper: 'none',
};
