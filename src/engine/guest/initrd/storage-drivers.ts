import type { TargetId } from '../../appliance/plan-types';

/**
 * Which Linux driver a guest needs to see its boot disk on each target (notes §2 "Disk names per hypervisor and
 * bus"), by module name and by the kernel config option that builds it in. Any one of a bus's drivers is enough.
 */
export type StorageBus = 'virtio-blk' | 'hyperv' | 'xen-pv' | 'lsi-scsi' | 'ide' | 'sata' | 'pvscsi';

export interface BusDrivers {
  /** What the user reads: "Hyper-V storage (hv_storvsc)". */
  label: string;
  /** Module names as modprobe writes them (underscores); the first is the one to add. */
  modules: string[];
  configs: string[];
  /** A bus the target also offers for the boot disk, slower but enough to boot (Hyper-V Gen 1's emulated IDE). */
  fallback?: StorageBus;
}

export const BUS_DRIVERS: Record<StorageBus, BusDrivers> = {
  'virtio-blk': { label: 'virtio block (virtio_blk)', modules: ['virtio_blk'], configs: ['CONFIG_VIRTIO_BLK'] },
  hyperv: { label: 'Hyper-V storage (hv_storvsc)', modules: ['hv_storvsc'], configs: ['CONFIG_HYPERV_STORAGE'], fallback: 'ide' },
  // xen-blkfront (pvops, RHEL 6+), xenblk (RHEL 5 kernel-xen); SUSE's xenblk is built into its -xen kernel.
  'xen-pv': { label: 'Xen PV block (xen-blkfront / xenblk)', modules: ['xen_blkfront', 'xenblk'], configs: ['CONFIG_XEN_BLKDEV_FRONTEND', 'CONFIG_XEN_BLKDEV_FRONTEND_MODULE'] },
  // mptscsih drove the LSI 53c1030 on 2.6.9-era kernels (RHEL 4) before mptspi split from it.
  'lsi-scsi': { label: 'LSI Logic SCSI (mptspi)', modules: ['mptspi', 'mptscsih'], configs: ['CONFIG_FUSION_SPI'] },
  pvscsi: { label: 'VMware paravirtual SCSI (vmw_pvscsi)', modules: ['vmw_pvscsi'], configs: ['CONFIG_VMWARE_PVSCSI'] },
  // libata ata_piix, or the old IDE piix driver (with ide-disk).
  ide: { label: 'IDE (ata_piix, or piix on old IDE kernels)', modules: ['ata_piix', 'piix'], configs: ['CONFIG_ATA_PIIX', 'CONFIG_BLK_DEV_PIIX'] },
  sata: { label: 'SATA AHCI (ahci)', modules: ['ahci'], configs: ['CONFIG_SATA_AHCI'] },
};

export const ALL_STORAGE_MODULES = [...new Set(Object.values(BUS_DRIVERS).flatMap((bus) => bus.modules))];

/**
 * The bus the boot disk is on for each target profile (DESIGN.md target profiles): VMware's default LSI Logic
 * controller, emulated IDE for VirtualBox and XenServer HVM, Hyper-V Gen 1 (storvsc takes the IDE disk when the
 * guest has it), Xen PV, KVM virtio-blk. The generic OVF target changes nothing, so needs nothing.
 */
export function targetBus(target: TargetId): StorageBus | null {
  switch (target) {
    case 'vmware':
      return 'lsi-scsi';
    case 'virtualbox':
    case 'xenserver':
      return 'ide';
    case 'hyperv':
      return 'hyperv';
    case 'xenserver-pv':
      return 'xen-pv';
    case 'kvm':
      return 'virtio-blk';
    case 'ovf':
      return null;
  }
}

/** `lib/modules/5.15.0/kernel/drivers/block/virtio_blk.ko.zst` → `virtio_blk`; null when not a module file. */
export function moduleNameOf(path: string): string | null {
  const match = /(?:^|\/)([^/]+)\.ko(?:\.(?:gz|xz|zst|bz2))?$/.exec(path);
  return match ? match[1]!.replace(/-/g, '_') : null;
}
