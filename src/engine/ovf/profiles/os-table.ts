/**
 * Guest operating systems: the identifiers each hypervisor uses for one OS family, and which device drivers the
 * stock install carries (what decides the NIC and the boot controller a converted guest can use).
 * Filled in by the OS table module below; the shape is the contract.
 */
export type OsFamily = 'linux' | 'windows' | 'bsd' | 'solaris' | 'other';

/** Drivers present in the guest's stock install (no tools or driver disks added). */
export interface GuestDrivers {
  /** virtio-blk and virtio-net (Linux 2.6.25+; never stock Windows). */
  virtio: boolean;
  /** Hyper-V storvsc/netvsc, or Windows integration components in the box (Windows 7 / 2008 R2 and later). */
  hypervSynthetic: boolean;
  /** VMware vmxnet3 (Linux 2.6.32+; Windows only with VMware Tools). */
  vmxnet3: boolean;
  /** Xen blkfront/netfront as a PV guest (pvops or a distribution xen kernel). */
  xenPv: boolean;
  /** AHCI (SATA): Linux, Windows Vista and later. */
  ahci: boolean;
  /** Intel e1000: Linux, Windows 2003 and Vista and later (not XP). */
  e1000: boolean;
  /** LSI Logic parallel SCSI: Linux, Windows 2000/2003 (not XP, not Vista/2008 and later). */
  lsilogic: boolean;
  /** LSI Logic SAS: Linux, Windows Vista/2008 and later. */
  lsilogicSas: boolean;
  /** NVMe: Linux 3.3+, Windows 8.1 / 2012 R2 and later. */
  nvme: boolean;
}

export interface OsEntry {
  /** VM Ferry's id: 'rhel7-64', 'win2016', 'other-linux-26-64'. */
  id: string;
  label: string;
  family: OsFamily;
  bits: 32 | 64;
  /** CIM_OperatingSystem.OSType (DSP0243 OperatingSystemSection `ovf:id`). */
  cim: number;
  /** VMware guest id (`vmw:osType`) that ESXi 6.5 (hardware version 13) knows. */
  vmware: string;
  /** VirtualBox OS type (`vbox:OSType`). */
  virtualbox: string;
  /** XenServer template name for `xe vm-install`, where one exists; null means "Other install media". */
  xenTemplate: string | null;
  /** libosinfo short id for libvirt's `<libosinfo:os>` and virt-install `--osinfo`; null: none fits. */
  libvirt: string | null;
  drivers: GuestDrivers;
}
