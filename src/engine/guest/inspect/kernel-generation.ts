import type { DeviceUseReport, DistroReport, KernelGeneration } from './guest-report';
import type { InstalledKernel } from './kernels';
import { compareVersions } from './kernels';

/**
 * Does the guest's kernel name emulated IDE disks `hdX` (the old IDE driver) or `sdX` (libata)? Notes §2
 * "When hdX became sdX": the guest's own files first (a guest that boots from /dev/hda1 runs old IDE), then a
 * kernel built without the old IDE driver, then the distribution's release (virt-v2v `ide_block_prefix`:
 * RHEL ≤ 5 and SUSE → hd), then the kernel version (libata PATA drivers from 2.6.19, old IDE removed in 5.14).
 */
export function kernelGeneration(
  distro: DistroReport | null,
  kernels: readonly InstalledKernel[],
  devices: readonly DeviceUseReport[],
): { generation: KernelGeneration; reason: string } {
  const hd = devices.find((use) => use.kind === 'disk' && /^\/dev\/hd[a-z]/.test(use.name));
  if (hd) return { generation: 'old-ide', reason: `the guest itself names its disks hdX (${hd.name} in ${hd.file} line ${hd.line})` };
  const newest = kernels[0];
  if (newest && newest.config !== null && !newest.configValues.has('CONFIG_IDE') && !newest.configValues.has('CONFIG_BLK_DEV_IDE')) {
    return { generation: 'libata', reason: `kernel ${newest.version} is built without the old IDE driver (no CONFIG_IDE in ${newest.config})` };
  }
  if (distro && distro.major !== null) {
    const v = distro.major + (distro.minor ?? 0) / 100;
    const name = `${distro.name}`;
    if (['rhel', 'centos', 'scientificlinux', 'oraclelinux', 'redhat-based'].includes(distro.id)) {
      return distro.major <= 5
        ? { generation: 'old-ide', reason: `${name}: RHEL 5 and older name IDE disks hdX (libata only for SATA)` }
        : { generation: 'libata', reason: `${name}: RHEL 6 and newer use libata for IDE disks (sdX)` };
    }
    if (distro.id === 'fedora') {
      return distro.major < 7 ? { generation: 'old-ide', reason: `${name}: Fedora before 7 used the old IDE driver` } : { generation: 'libata', reason: `${name}: Fedora uses libata since Fedora 7` };
    }
    if (distro.family === 'suse') {
      return distro.major <= 11
        ? { generation: 'old-ide', reason: `${name}: SUSE of this age presents emulated IDE disks as hdX (virt-v2v ide_block_prefix)` }
        : { generation: 'libata', reason: `${name}: SUSE 12 and newer use libata` };
    }
    if (distro.id === 'debian') {
      return distro.major <= 5
        ? { generation: 'old-ide', reason: `${name}: Debian 5 (lenny) and older used the old IDE driver` }
        : { generation: 'libata', reason: `${name}: Debian 6 (squeeze) moved IDE disks to libata` };
    }
    if (distro.id === 'ubuntu') {
      return v < 7.04 ? { generation: 'old-ide', reason: `${name}: Ubuntu before 7.04 used the old IDE driver` } : { generation: 'libata', reason: `${name}: Ubuntu uses libata for IDE disks since 7.04` };
    }
  }
  if (newest) {
    if (compareVersions(newest.version, '2.6.19') < 0) return { generation: 'old-ide', reason: `kernel ${newest.version} predates the libata PATA drivers (2.6.19)` };
    if (compareVersions(newest.version, '5.14') >= 0) return { generation: 'libata', reason: `kernel ${newest.version} has no old IDE driver (removed in 5.14)` };
  }
  return { generation: 'libata', reason: 'no evidence of the old IDE driver; libata (sdX) assumed' };
}
