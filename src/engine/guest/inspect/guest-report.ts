/**
 * What inspection found inside a Linux guest: plain, JSON-safe data that `vmferry inspect --json` prints and the
 * app shows. It names filesystems by id (`disk1.vmdk partition 2`, `VolGroup00/LogVol00`) and files by their path
 * inside the guest; it holds no live objects, so it crosses the worker boundary by structured clone.
 */
export interface GuestReport {
  /** 'linux' when a Linux root filesystem was found; null otherwise (the reason is in `warnings`). */
  os: 'linux' | null;
  /** Id of the root filesystem, or null. */
  root: string | null;
  distro: DistroReport | null;
  hostname: string | null;
  /** From the ELF header of /bin/bash (or /bin/sh): 'x86_64', 'i386', 'aarch64', ... or null. */
  arch: string | null;
  filesystems: FilesystemReport[];
  /** The root's /etc/fstab, entry by entry (comments and blank lines left out). */
  fstab: FstabEntryReport[];
  kernels: KernelReport[];
  bootloader: BootloaderReport | null;
  naming: NamingReport;
  warnings: string[];
}

export type DistroFamily = 'rhel' | 'suse' | 'debian' | 'other';

export interface DistroReport {
  /** os-release style id: 'centos', 'rhel', 'debian', 'ubuntu', 'sles', 'opensuse', 'fedora', ... */
  id: string;
  /** What the release file calls it: 'CentOS release 5.11 (Final)', 'SUSE Linux Enterprise Server 10 (x86_64)'. */
  name: string;
  family: DistroFamily;
  major: number | null;
  minor: number | null;
  /** SuSE-release PATCHLEVEL (the service pack), where given. */
  patchlevel: number | null;
  /** The file it was read from. */
  source: string;
}

export type FilesystemRole = 'root' | 'boot' | 'grub-boot' | 'usr' | 'var' | 'swap' | 'data' | 'unknown';

export interface FilesystemReport {
  id: string;
  /** ext2/ext3/ext4/xfs/swap/vfat/..., or null when not recognised. */
  type: string | null;
  uuid: string | null;
  label: string | null;
  role: FilesystemRole;
  /** Where the guest's fstab mounts it ('/', '/boot', 'swap'), or null. */
  mountpoint: string | null;
  /** Whether VM Ferry can read files on it. */
  readable: boolean;
  /** Why files on it cannot be edited, or null when edits are safe. */
  writeRefusal: string | null;
}

/** How a device is written in a guest file. */
export type DeviceNameKind =
  | 'disk' // /dev/sda2, /dev/hda1, /dev/xvda, /dev/vdb3
  | 'uuid' // UUID=...
  | 'label' // LABEL=...
  | 'partuuid'
  | 'partlabel'
  | 'by-uuid' // /dev/disk/by-uuid/...
  | 'by-label'
  | 'by-id' // /dev/disk/by-id/... (SLES 10/11)
  | 'by-path'
  | 'lvm' // /dev/VG/LV
  | 'mapper' // /dev/mapper/VG-LV or another device-mapper name
  | 'cdrom'
  | 'floppy'
  | 'md'
  | 'cciss'
  | 'nvme'
  | 'root' // /dev/root
  | 'other'; // proc, tmpfs, nfs server:/path, ...

export interface FstabEntryReport {
  /** 1-based line number in /etc/fstab. */
  line: number;
  spec: string;
  mountpoint: string;
  type: string;
  options: string;
  nameKind: DeviceNameKind;
  /** The filesystem id the spec resolves to, or null. */
  resolvedTo: string | null;
}

export interface KernelReport {
  /** `2.6.18-398.el5xen`, `5.15.0-91-generic`. */
  version: string;
  /** Guest path of the kernel image. */
  vmlinuz: string;
  initrd: string | null;
  /** `/lib/modules/<version>` when it exists. */
  modules: string | null;
  config: string | null;
  /** 'only': a Xen-PV-only kernel (kernel-xen, CONFIG_X86_XEN); 'capable': pvops with CONFIG_XEN; 'no'. */
  xen: 'only' | 'capable' | 'no' | 'unknown';
  /**
   * CONFIG_XEN_PVHVM=y: as a Xen HVM guest it unplugs the emulated disks and uses xen-blkfront, so its disks
   * are xvdX there too (notes §2); null when the config is not available.
   */
  xenPvhvm: boolean | null;
  /** Storage drivers found for this kernel, where each lives. */
  storageDrivers: StorageDriverReport[];
  /** Why the initrd could not be listed ('cannot list (xz)'), or null when it was listed or there is none. */
  initrdProblem: string | null;
  /** Paravirtual NIC drivers the kernel has (hv_netvsc, virtio_net): built in, or a module in /lib/modules. */
  networkDrivers: { driver: string; where: 'builtin' | 'modules' }[];
}

export interface StorageDriverReport {
  /** Module name as modprobe knows it: virtio_blk, hv_storvsc, xen_blkfront, xenblk, mptspi, vmw_pvscsi, ata_piix, ahci, piix. */
  driver: string;
  /** 'initrd': the module is in the initrd; 'builtin': compiled into the kernel; 'modules': only in /lib/modules (not in the initrd). */
  where: 'initrd' | 'builtin' | 'modules';
}

export type BootloaderKind = 'grub-legacy' | 'grub2';

export interface BootloaderReport {
  /** The configuration the bootloader reads, first in virt-v2v's order; others found are in `configs`. */
  kind: BootloaderKind;
  configs: BootConfigReport[];
  /** GRUB legacy device.map or GRUB 2 device.map lines: `(hd0) /dev/sda`. */
  deviceMap: { path: string; entries: { bios: string; device: string }[] } | null;
  /** /etc/default/grub variables that carry kernel arguments. */
  defaultGrub: { path: string; cmdlineLinux: string | null; cmdlineLinuxDefault: string | null } | null;
  grubenv: { path: string; kernelopts: string | null; savedEntry: string | null; size: number } | null;
  /** BLS entries (/boot/loader/entries/*.conf). */
  bls: BootEntryReport[];
}

export interface BootConfigReport {
  kind: BootloaderKind;
  /** Guest path as found (`/boot/grub/menu.lst`) and the file it really is after symlinks (`/boot/grub/grub.conf`). */
  path: string;
  realPath: string;
  /** 0-based index of the default entry (GRUB legacy `default`), or null when not a number (`saved`). */
  defaultEntry: number | null;
  timeout: number | null;
  hiddenmenu: boolean;
  entries: BootEntryReport[];
}

export interface BootEntryReport {
  title: string;
  /** Guest path of the kernel (GRUB device prefix removed, /boot added when /boot is separate). */
  kernel: string | null;
  initrd: string | null;
  /** Kernel command line after the kernel path. */
  args: string;
  /** `module` lines (GRUB legacy multiboot): for a Xen entry the dom0 kernel and initrd. */
  modules: string[];
  /** True for a `kernel /xen.gz` multiboot entry. */
  xenHypervisor: boolean;
  /** Where it came from: a config path, or a BLS file. */
  source: string;
}

/** Old IDE driver (`hda`) or libata (`sda`) for emulated IDE disks. */
export type KernelGeneration = 'old-ide' | 'libata';

export interface NamingReport {
  /** Every device name the guest's boot files use, with where it was seen. */
  devices: DeviceUseReport[];
  /** The naming styles seen: 'disk:hd', 'disk:sd', 'uuid', 'label', 'lvm', 'by-id', ... */
  styles: string[];
  generation: KernelGeneration;
  /** Why that generation: the evidence used. */
  generationReason: string;
}

export interface DeviceUseReport {
  name: string;
  kind: DeviceNameKind;
  /** Guest path and 1-based line. */
  file: string;
  line: number;
}
