import type { ControllerOffer, NicOffer } from './profile-types';

/**
 * Controller and NIC names as the OVF descriptors of each product write them (ResourceSubType), shared by the
 * profiles. Accept lists are lower case; a source subtype may list alternatives ("VMXNET3 virtio", fixture
 * cot-csr1000v; "virtio lsilogic", fixture cot-vmware-vsphere), each token is tried.
 */

/** Every IDE spelling seen: VMware writes no subtype, VirtualBox PIIX3/PIIX4, Hyper-V its own name. */
export const IDE_NAMES = ['', 'piix3', 'piix4', 'ich6', 'piix', 'microsoft:hyper-v:emulated ide controller'];
export const AHCI_NAMES = ['ahci', 'vmware.sata.ahci'];
export const NVME_NAMES = ['nvme', 'vmware.nvme.controller'];
export const LSILOGIC_NAMES = ['lsilogic'];
export const LSISAS_NAMES = ['lsilogicsas'];
export const PVSCSI_NAMES = ['virtualscsi', 'pvscsi'];
export const BUSLOGIC_NAMES = ['buslogic'];
export const VIRTIO_SCSI_NAMES = ['virtioscsi', 'virtio-scsi'];
export const VIRTIO_BLK_NAMES = ['virtio', 'virtio-blk', 'virtioblk'];

export const E1000_NAMES = ['e1000', '82540em', '82543gc', '82545em', 'i82540em', 'i82543gc', 'i82545em'];
export const E1000E_NAMES = ['e1000e', '82574l'];
export const VMXNET3_NAMES = ['vmxnet3'];
/** VirtualBox names AMD's PCnet by chip (Am79C970A PCnet-PCI II, Am79C973 PCnet-FAST III); VMware says vlance. */
export const PCNET_NAMES = ['pcnet32', 'pcnet', 'am79c970a', 'am79c973', 'vlance', 'flexible'];
export const VIRTIO_NET_NAMES = ['virtio', 'virtio-net', 'virtionet'];
export const HYPERV_SYNTHETIC_NIC = 'Microsoft:Hyper-V:Synthetic Ethernet Port';
export const HYPERV_LEGACY_NIC = 'Microsoft:Hyper-V:Emulated Ethernet Port';

/** SCSI IDs 0-15 with 7 taken by the HBA itself (VMware's rule). */
const SCSI_VMWARE = { devicesPerController: 16, reservedAddresses: [7] } as const;
const BOTH = { bios: true, efi: true } as const;

export function ide(resourceSubType: string | null, overrides: Partial<ControllerOffer> = {}): ControllerOffer {
  return {
    bus: 'ide',
    resourceType: 5,
    resourceSubType,
    accepts: IDE_NAMES,
    devicesPerController: 2,
    maxControllers: 2,
    reservedAddresses: [],
    needs: null,
    bootable: BOTH,
    // libata (ata_piix, Linux 2.6.19+) names IDE disks sd*; only kernels with the old IDE driver say hd*.
    guestPrefix: 'sd',
    ...overrides,
  };
}

export function ahci(resourceSubType: string, overrides: Partial<ControllerOffer> = {}): ControllerOffer {
  return {
    bus: 'sata',
    resourceType: 20,
    resourceSubType,
    accepts: AHCI_NAMES,
    devicesPerController: 30,
    maxControllers: 4,
    reservedAddresses: [],
    needs: 'ahci',
    bootable: BOTH,
    guestPrefix: 'sd',
    ...overrides,
  };
}

export function scsi(
  resourceSubType: string,
  accepts: readonly string[],
  needs: ControllerOffer['needs'],
  overrides: Partial<ControllerOffer> = {},
): ControllerOffer {
  return {
    bus: 'scsi',
    resourceType: 6,
    resourceSubType,
    accepts,
    ...SCSI_VMWARE,
    maxControllers: 4,
    needs,
    bootable: BOTH,
    guestPrefix: 'sd',
    ...overrides,
  };
}

/** NVMe disks are nvme0n1 in Linux: no sd/hd/vd prefix applies, so the guest must mount them by UUID. */
export function nvme(resourceSubType: string, overrides: Partial<ControllerOffer> = {}): ControllerOffer {
  return {
    bus: 'nvme',
    resourceType: 20,
    resourceSubType,
    accepts: NVME_NAMES,
    devicesPerController: 15,
    maxControllers: 4,
    reservedAddresses: [],
    needs: 'nvme',
    // VMware and VirtualBox boot NVMe only from UEFI.
    bootable: { bios: false, efi: true },
    guestPrefix: 'uuid',
    ...overrides,
  };
}

export function nic(
  model: NicOffer['model'],
  resourceSubType: string,
  accepts: readonly string[],
  needs: NicOffer['needs'],
): NicOffer {
  return { model, resourceSubType, accepts, needs };
}
