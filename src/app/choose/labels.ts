import type { Container, DeviceNaming, ManifestChoice } from '../../engine/appliance/plan-types';
import type { OutputFormat } from '../../engine/disk/disk-writer';

/** What each choice means, in words an administrator uses. */
export const CONTAINER_LABELS: Record<Container, string> = {
  ova: 'OVA: one file (the descriptor, disks and manifest in a tar archive)',
  ovf: 'OVF folder: descriptor, disks, manifest and the import script side by side',
  xva: 'XVA: XenServer’s own export, one file for xe vm-import',
  disk: 'Disk image only: the converted disk, without a descriptor',
};

export const FORMAT_LABELS: Record<OutputFormat, string> = {
  vmdk: 'VMDK streamOptimized (compressed; what OVAs and ESXi use)',
  'vmdk-sparse': 'VMDK monolithicSparse (Workstation, VirtualBox)',
  vhd: 'VHD dynamic (grows as data is written)',
  'vhd-fixed': 'VHD fixed (full size on disk)',
  vhdx: 'VHDX dynamic (Hyper-V 2012 and later; needed for UEFI)',
  qcow2: 'qcow2 v3 (QEMU/KVM, sparse)',
  vdi: 'VDI dynamic (VirtualBox)',
  raw: 'raw image (full size, every tool reads it)',
};

export const NAMING_LABELS: Record<DeviceNaming | 'auto', string> = {
  auto: 'Automatic: what the target’s controller and the guest’s kernel give',
  sd: 'sdX: SCSI, SATA and libata IDE; Hyper-V storvsc',
  hd: 'hdX: the old IDE driver (kernels before libata)',
  xvd: 'xvdX: Xen paravirtual disks',
  vd: 'vdX: virtio-blk (KVM)',
  uuid: 'UUID=: by filesystem UUID, whatever the controller',
};

export const MANIFEST_LABELS: Record<ManifestChoice, string> = {
  sha256: 'SHA-256 (current importers)',
  sha1: 'SHA-1 (older importers, XenCenter)',
  none: 'No manifest',
};
