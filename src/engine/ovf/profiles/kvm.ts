import type { TargetProfile } from './profile-types';
import { ahci, E1000_NAMES, ide, nic, scsi, VIRTIO_BLK_NAMES, VIRTIO_NET_NAMES, VIRTIO_SCSI_NAMES } from './vocabulary';

/**
 * KVM (libvirt, Proxmox VE, oVirt). qcow2 disks, virtio where the guest has the drivers (Linux 2.6.25+), SATA or
 * IDE otherwise (stock Windows has no virtio drivers). OVF has no word for virtio-blk: it is written as an "other
 * storage device" (20) of subtype `virtio`; `qm importovf` and virt-v2v take the disks from DiskSection and the
 * libvirt domain XML the helper writes says the bus explicitly.
 */
export const KVM: TargetProfile = {
  id: 'kvm',
  label: 'KVM (libvirt, Proxmox, oVirt)',
  description:
    'KVM with libvirt, Proxmox VE or oVirt: a folder with qcow2 disks, an OVF descriptor (for `qm importovf` or ' +
    'virt-v2v) and a libvirt domain XML (`virsh define`), with virtio disks and network where the guest has the ' +
    'drivers (Linux disks then become vd*), SATA or IDE and e1000 where it has not.',
  container: 'ovf',
  containers: ['ovf', 'ova'],
  ovfVersion: '1.0',
  virtualSystemType: 'kvm',
  disk: { format: 'qcow2', alternatives: ['raw'], options: {} },
  hardware: 'translate',
  controllers: [
    {
      bus: 'virtio',
      resourceType: 20,
      resourceSubType: 'virtio',
      accepts: VIRTIO_BLK_NAMES,
      devicesPerController: 24,
      maxControllers: 1,
      reservedAddresses: [],
      needs: 'virtio',
      bootable: { bios: true, efi: true },
      guestPrefix: 'vd',
    },
    ahci('AHCI', { maxControllers: 1, devicesPerController: 6 }),
    scsi('virtio-scsi', VIRTIO_SCSI_NAMES, 'virtio', { maxControllers: 1, devicesPerController: 256, reservedAddresses: [] }),
    ide('PIIX4'),
  ],
  nics: [
    nic('virtio', 'virtio', VIRTIO_NET_NAMES, 'virtio'),
    nic('e1000', 'E1000', E1000_NAMES, 'e1000'),
    nic('rtl8139', 'rtl8139', ['rtl8139'], null),
  ],
  defaultNic: 'e1000',
  firmware: 'vmw-config',
  osIdentifier: 'cim',
  manifest: 'sha256',
  deploymentOptions: 'resolve',
  rejects: {
    virtualSystemTypes: [],
    resourceTypes: [3, 4, 5, 6, 10, 14, 15, 16, 17, 20, 21, 23, 24],
    sections: [{ name: 'StartupSection', where: 'outside-collection', why: 'it orders the systems of a collection only' }],
    vendorFamilies: [],
    vmwareConfigKeys: [],
    vmwareExtraConfigKeys: [],
    keepsVboxMachine: false,
  },
  guestNaming: 'vd',
  importHelper: 'libvirt-xml',
};
