import type { DistroReport, GuestReport, KernelReport, StorageDriverReport } from '../inspect/guest-report';
import type { GuestTree } from '../inspect/guest-tree';
import { decodeGuestText } from '../inspect/guest-text';
import type { InstalledKernel } from '../inspect/kernels';
import { listInitrd } from './list-initrd';
import { ALL_NIC_MODULES, NIC_CONFIGS } from './network-drivers';
import { ALL_STORAGE_MODULES, BUS_DRIVERS, moduleNameOf, type StorageBus } from './storage-drivers';

/** Kernel config options that build a storage driver in, and the module name it would otherwise have. */
const BUILTIN_CONFIGS: Record<string, string> = {
  CONFIG_VIRTIO_BLK: 'virtio_blk',
  CONFIG_HYPERV_STORAGE: 'hv_storvsc',
  CONFIG_XEN_BLKDEV_FRONTEND: 'xen_blkfront',
  CONFIG_FUSION_SPI: 'mptspi',
  CONFIG_VMWARE_PVSCSI: 'vmw_pvscsi',
  CONFIG_ATA_PIIX: 'ata_piix',
  CONFIG_BLK_DEV_PIIX: 'piix',
  CONFIG_SATA_AHCI: 'ahci',
};

/**
 * Where each storage driver of a kernel is: built in (`CONFIG_*=y` in /boot/config-<ver>, or listed in
 * modules.builtin), in its initrd (the cpio listing), or only in /lib/modules (modules.dep) — the case that
 * needs the initrd rebuilt inside the guest (notes §1.6). Paravirtual NIC drivers are found the same way, where
 * built in or in /lib/modules is enough.
 */
export async function findKernelDrivers(tree: GuestTree, kernel: InstalledKernel): Promise<Pick<KernelReport, 'storageDrivers' | 'initrdProblem' | 'networkDrivers'>> {
  const where = new Map<string, StorageDriverReport['where']>();
  const wanted = new Set([...ALL_STORAGE_MODULES, ...ALL_NIC_MODULES]);
  const note = (module: string | null, place: StorageDriverReport['where']) => {
    if (module === null || !wanted.has(module)) return;
    const rank = { builtin: 3, initrd: 2, modules: 1 };
    const had = where.get(module);
    if (!had || rank[place] > rank[had]) where.set(module, place);
  };
  for (const [config, module] of Object.entries({ ...BUILTIN_CONFIGS, ...NIC_CONFIGS })) {
    if (kernel.configValues.get(config) === 'y') note(module, 'builtin');
  }
  if (kernel.modules) {
    for (const line of await readLines(tree, `${kernel.modules}/modules.builtin`)) note(moduleNameOf(line.trim()), 'builtin');
    for (const line of await readLines(tree, `${kernel.modules}/modules.dep`)) note(moduleNameOf(line.split(':')[0]!.trim()), 'modules');
  }
  let initrdProblem: string | null = null;
  if (kernel.initrd) {
    const bytes = await tree.readFile(kernel.initrd);
    if (bytes) {
      const listing = await listInitrd(bytes, kernel.initrd);
      for (const name of listing.names) note(moduleNameOf(name), 'initrd');
      initrdProblem = listing.problem;
    } else {
      initrdProblem = `cannot read ${kernel.initrd}`;
    }
  }
  const found = [...where].map(([driver, place]) => ({ driver, where: place })).sort((a, b) => (a.driver < b.driver ? -1 : 1));
  const isNic = (driver: string) => ALL_NIC_MODULES.includes(driver);
  const storageDrivers = found.filter((d) => !isNic(d.driver));
  // A NIC module that is also in the initrd is still a module; what matters is that it can be loaded.
  const networkDrivers = found.filter((d) => isNic(d.driver)).map((d) => ({ driver: d.driver, where: d.where === 'builtin' ? ('builtin' as const) : ('modules' as const) }));
  return { storageDrivers, initrdProblem, networkDrivers };
}

async function readLines(tree: GuestTree, path: string): Promise<string[]> {
  const bytes = await tree.readFile(path);
  return bytes ? decodeGuestText(bytes).split('\n') : [];
}

/**
 * Whether `kernel` can see its boot disk on `bus`; when it cannot, a warning that says what to do inside the
 * guest before migrating, since the initrd cannot be rebuilt here. Null when a driver is there.
 */
export function driverWarning(kernel: KernelReport, bus: StorageBus, distro: DistroReport | null): string | null {
  const drivers = BUS_DRIVERS[bus];
  const usable = (modules: string[]) => kernel.storageDrivers.some((d) => modules.includes(d.driver) && d.where !== 'modules');
  if (usable(drivers.modules)) return null;
  const fallback = drivers.fallback ? BUS_DRIVERS[drivers.fallback] : null;
  if (fallback && usable(fallback.modules)) {
    const module = drivers.modules[0]!;
    const inModules = kernel.storageDrivers.some((d) => d.driver === module && d.where === 'modules');
    const todo = inModules ? rebuildAdvice(module, kernel, distro) : `install a kernel or integration package that has ${module}`;
    return `Kernel ${kernel.version} has no ${drivers.label} ready at boot: its disk will run on ${fallback.label}, which boots but is slow. For the faster driver, inside the guest: ${todo}`;
  }
  // Advise the module this kernel actually ships (RHEL 5 kernel-xen has xenblk, not xen-blkfront).
  const shipped = kernel.storageDrivers.find((d) => drivers.modules.includes(d.driver) && d.where === 'modules');
  const module = shipped?.driver ?? drivers.modules[0]!;
  const inModules = shipped !== undefined;
  if (kernel.initrdProblem && inModules) {
    return `Kernel ${kernel.version}: could not check its initrd for ${drivers.label} (${kernel.initrdProblem}); the module exists in ${kernel.modules}. Make sure the initrd includes it: ${rebuildAdvice(module, kernel, distro)}`;
  }
  if (!inModules && kernel.modules !== null) {
    return `Kernel ${kernel.version} has no ${drivers.label} driver at all (not built in, not in ${kernel.modules}): install a kernel that has it before migrating, or the guest will not find its disk`;
  }
  if (!inModules) {
    return `Kernel ${kernel.version}: ${drivers.label} was not found (no /lib/modules/${kernel.version} and no matching CONFIG_*=y): check the guest before migrating`;
  }
  return `Kernel ${kernel.version}: ${drivers.label} is not in its initrd ${kernel.initrd ?? '(none)'}, so the guest will not find its root disk on the target. Inside the guest, before migrating: ${rebuildAdvice(module, kernel, distro)}`;
}

/** How each distribution family rebuilds its initrd with an extra driver (virt-v2v `rebuild_initrd`, notes §1.3). */
export function rebuildAdvice(module: string, kernel: Pick<KernelReport, 'version' | 'initrd'>, distro: DistroReport | null): string {
  const v = kernel.version;
  const initrd = kernel.initrd ?? `/boot/initrd-${v}.img`;
  const family = distro?.family ?? 'other';
  const major = distro?.major ?? null;
  if (family === 'debian') return `add ${module} to /etc/initramfs-tools/modules and run \`update-initramfs -u -k ${v}\``;
  if (family === 'rhel' && major !== null && major <= 5 && distro?.id !== 'fedora') return `run \`mkinitrd -f --with=${module} ${initrd} ${v}\``;
  if (family === 'suse' && major !== null && major <= 11) return `add ${module} to INITRD_MODULES in /etc/sysconfig/kernel and run \`mkinitrd\``;
  if (family === 'rhel' || family === 'suse') return `run \`dracut -f --add-drivers "${module}" ${initrd} ${v}\``;
  return `rebuild the initrd with ${module} included (dracut --add-drivers, mkinitrd --with= or update-initramfs, as the distribution uses)`;
}

/** The kernel the guest boots by default: the default boot entry's kernel, or the newest installed. */
export function defaultKernel(report: Pick<GuestReport, 'kernels' | 'bootloader'>): KernelReport | null {
  const config = report.bootloader?.configs[0];
  const entry = config ? config.entries[config.defaultEntry ?? 0] ?? config.entries[0] : report.bootloader?.bls[0];
  const byPath = entry?.kernel ? report.kernels.find((kernel) => kernel.vmlinuz === entry.kernel) : undefined;
  return byPath ?? report.kernels[0] ?? null;
}
