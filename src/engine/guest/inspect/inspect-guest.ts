import { findKernelDrivers } from '../initrd/driver-check';
import { BLS_DIR, describeBootloader, findBootConfigs, GRUBENV_PATHS } from './bootloader';
import { classifyFilesystem } from './classify';
import { parseDeviceName } from './device-name';
import { deviceUsesIn, namingStyles } from './device-uses';
import { detectDistro, parseShellVars } from './distro';
import { isRemovableMediaEntry, parseFstab } from './fstab';
import { decodeGuestText } from './guest-text';
import type { FilesystemReport, FilesystemRole, FstabEntryReport, GuestReport, DeviceUseReport } from './guest-report';
import { GuestTree, type GuestVolumeView, type Mount } from './guest-tree';
import { kernelGeneration } from './kernel-generation';
import { findKernels } from './kernels';
import { resolveDevice } from './resolve-device';

export interface InspectOptions {
  /** How many disks the appliance has (by-id names resolve only with one). */
  diskCount: number;
  /** The root filesystem's id, when several are found (virt-v2v `--root`). */
  root?: string;
}

export interface Inspection {
  report: GuestReport;
  /** The guest's tree as its fstab mounts it; null without a root. */
  tree: GuestTree | null;
  volumes: readonly GuestVolumeView[];
  diskCount: number;
}

/**
 * Finds the Linux guest on a set of volumes and describes it (libguestfs inspection rules, notes §1.1):
 * classify each filesystem, pick the root, mount the rest by the root's fstab, then read the distribution,
 * kernels, initrds, boot configuration and device names.
 */
export async function inspectGuest(volumes: readonly GuestVolumeView[], options: InspectOptions): Promise<Inspection> {
  const warnings: string[] = [];
  const roles = new Map<string, FilesystemRole>();
  for (const volume of volumes) {
    if (volume.type === 'swap') roles.set(volume.id, 'swap');
    else if (volume.fs) roles.set(volume.id, await classifyFilesystem(volume.fs));
    else roles.set(volume.id, 'unknown');
  }
  const roots = volumes.filter((v) => roles.get(v.id) === 'root');
  const root = options.root !== undefined ? roots.find((v) => v.id === options.root) : roots[0];
  if (options.root !== undefined && !root) warnings.push(`The requested root ${options.root} is not a Linux root filesystem`);
  if (roots.length > 1 && options.root === undefined) {
    warnings.push(`Several Linux root filesystems (${roots.map((v) => v.id).join(', ')}): using ${roots[0]!.id}; choose another with the root option`);
  }
  const filesystems = (mountpoints: Map<string, string>): FilesystemReport[] =>
    volumes.map((v) => ({
      id: v.id,
      type: v.type,
      uuid: v.uuid,
      label: v.label,
      role: v === root ? 'root' : mountpoints.get(v.id) === '/boot' ? 'boot' : roles.get(v.id) ?? 'unknown',
      mountpoint: mountpoints.get(v.id) ?? null,
      readable: v.fs !== null,
      writeRefusal: v.fs ? v.fs.writeRefusal : 'VM Ferry cannot read this filesystem',
    }));
  if (!root?.fs) {
    if (roots.length === 0) warnings.push('No Linux root filesystem found (a directory /etc and /bin with /etc/fstab or /etc/hosts)');
    const unreadable = volumes.filter((v) => v.fs === null && v.type !== null && !['swap', 'lvm2-pv', 'LVM2_member', 'vfat', 'iso9660'].includes(v.type));
    if (roots.length === 0 && unreadable.length > 0) {
      warnings.push(`The root may be on ${unreadable.map((v) => `${v.id} (${v.type})`).join(', ')}, which VM Ferry cannot read: the guest is not inspected or repaired`);
    }
    return { report: emptyReport(filesystems(new Map()), warnings), tree: null, volumes, diskCount: options.diskCount };
  }
  const rootMount: Mount = { mountpoint: '/', volume: { ...root, fs: root.fs } };
  const rootTree = new GuestTree([rootMount]);
  const read = async (tree: GuestTree, path: string) => {
    const bytes = await tree.readFile(path);
    return bytes ? decodeGuestText(bytes) : null;
  };

  // Mount by fstab.
  const fstabText = (await read(rootTree, '/etc/fstab')) ?? '';
  const mounts: Mount[] = [rootMount];
  const mountpoints = new Map<string, string>([[root.id, '/']]);
  const fstab: FstabEntryReport[] = [];
  for (const entry of parseFstab(fstabText)) {
    const name = parseDeviceName(entry.spec);
    const skipped = isRemovableMediaEntry(entry) || /^\/(dev|proc|sys|selinux)(\/|$)|^\/media\//.test(entry.mountpoint);
    const volume: GuestVolumeView | null = skipped ? null : resolveDevice(name, volumes, options.diskCount, root.id);
    fstab.push({
      line: entry.lineIndex + 1,
      spec: entry.spec,
      mountpoint: entry.mountpoint,
      type: entry.type,
      options: entry.options,
      nameKind: name.kind,
      resolvedTo: volume?.id ?? null,
    });
    const namesDevice = entry.spec.startsWith('/dev/') || /^(UUID|LABEL|PARTUUID|PARTLABEL)=/.test(entry.spec);
    if (skipped || !namesDevice) continue;
    if (!volume) {
      warnings.push(`/etc/fstab line ${entry.lineIndex + 1}: ${entry.spec} (${entry.mountpoint}) does not match any volume found on the disks`);
      continue;
    }
    if (entry.type === 'swap' || entry.mountpoint === 'swap') {
      mountpoints.set(volume.id, 'swap');
      continue;
    }
    if (!entry.mountpoint.startsWith('/') || volume === root) continue;
    mountpoints.set(volume.id, entry.mountpoint);
    if (volume.fs) mounts.push({ mountpoint: entry.mountpoint, volume: { ...volume, fs: volume.fs } });
    else warnings.push(`${entry.mountpoint} is on ${volume.id} (${volume.type ?? 'unknown type'}), which VM Ferry cannot read: files there are not inspected or fixed`);
  }
  const tree = new GuestTree(mounts);

  const distro = await detectDistro((path) => read(tree, path));
  if (!distro) warnings.push('The distribution could not be identified (no os-release, lsb-release, redhat-release, SuSE-release or debian_version)');
  const installed = await findKernels(tree);
  if (installed.length === 0) warnings.push('No installed kernels found (/boot/vmlinuz-*)');
  const kernels = [];
  for (const kernel of installed) {
    const { configValues: _config, ...plain } = kernel;
    kernels.push({ ...plain, ...(await findKernelDrivers(tree, kernel)) });
  }
  const configs = await findBootConfigs(tree);
  const bootloader = await describeBootloader(tree, configs);
  if (!bootloader) warnings.push('No bootloader configuration found (GRUB legacy menu.lst/grub.conf or GRUB 2 grub.cfg)');

  const devices: DeviceUseReport[] = deviceUsesIn('/etc/fstab', fstabText, 'fstab');
  for (const config of configs) devices.push(...deviceUsesIn(config.realPath, config.text, 'cmdline'));
  for (const path of ['/etc/default/grub', ...GRUBENV_PATHS]) {
    const text = await read(tree, path);
    if (text !== null) devices.push(...deviceUsesIn(path, text, 'cmdline'));
  }
  for (const entry of bootloader?.bls ?? []) {
    const text = await read(tree, entry.source);
    if (text !== null && entry.source.startsWith(BLS_DIR)) devices.push(...deviceUsesIn(entry.source, text, 'cmdline'));
  }
  if (bootloader?.deviceMap) {
    const text = await read(tree, bootloader.deviceMap.path);
    if (text !== null) devices.push(...deviceUsesIn(bootloader.deviceMap.path, text, 'device-map'));
  }
  const generation = kernelGeneration(distro, installed, devices);

  return {
    report: {
      os: 'linux',
      root: root.id,
      distro,
      hostname: await readHostname((path) => read(tree, path)),
      arch: archOf(await tree.readFile('/bin/bash')) ?? archOf(await tree.readFile('/bin/sh')),
      filesystems: filesystems(mountpoints),
      fstab,
      kernels,
      bootloader,
      naming: { devices, styles: namingStyles(devices), generation: generation.generation, generationReason: generation.reason },
      warnings,
    },
    tree,
    volumes,
    diskCount: options.diskCount,
  };
}

function emptyReport(filesystems: FilesystemReport[], warnings: string[]): GuestReport {
  return {
    os: null,
    root: null,
    distro: null,
    hostname: null,
    arch: null,
    filesystems,
    fstab: [],
    kernels: [],
    bootloader: null,
    naming: { devices: [], styles: [], generation: 'libata', generationReason: 'no guest found' },
    warnings,
  };
}

/** /etc/HOSTNAME (SUSE), /etc/hostname, then HOSTNAME= in /etc/sysconfig/network (RHEL). */
async function readHostname(read: (path: string) => Promise<string | null>): Promise<string | null> {
  for (const path of ['/etc/HOSTNAME', '/etc/hostname']) {
    const text = (await read(path))?.split('\n')[0]?.trim();
    if (text) return text;
  }
  const network = await read('/etc/sysconfig/network');
  return network !== null ? parseShellVars(network).get('HOSTNAME') ?? null : null;
}

/** The ELF header's class and e_machine (System V ABI): which architecture the guest's binaries are for. */
export function archOf(bytes: Uint8Array | null): string | null {
  if (!bytes || bytes.length < 20 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return null;
  const little = bytes[5] === 1;
  const machine = little ? bytes[18]! | (bytes[19]! << 8) : (bytes[18]! << 8) | bytes[19]!;
  const names: Record<number, string> = { 3: 'i386', 62: 'x86_64', 40: 'arm', 183: 'aarch64', 20: 'ppc', 21: 'ppc64', 22: 's390x', 243: 'riscv64' };
  return names[machine] ?? null;
}
