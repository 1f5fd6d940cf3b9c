import type { GuestTree } from './guest-tree';
import type { KernelReport } from './guest-report';
import { decodeGuestText } from './guest-text';

/**
 * Installed kernels: `/boot/vmlinuz-<version>` with their `/lib/modules/<version>`, config and initrd, by the
 * rules of libguestfs-common `linux_kernels.ml` (notes §1.4).
 */
export interface InstalledKernel extends Omit<KernelReport, 'storageDrivers' | 'initrdProblem' | 'networkDrivers'> {
  /** `CONFIG_*` values from /boot/config-<version>: 'y', 'm', or absent. */
  configValues: Map<string, string>;
}

export async function findKernels(tree: GuestTree): Promise<InstalledKernel[]> {
  const boot = await tree.list('/boot');
  const kernels: InstalledKernel[] = [];
  for (const name of boot) {
    const match = /^vmlinuz-(.+)$/.exec(name);
    if (!match || !(await tree.isFile(`/boot/${name}`))) continue;
    const version = match[1]!;
    const modules = (await tree.isDirectory(`/lib/modules/${version}`)) ? `/lib/modules/${version}` : null;
    const configPath = `/boot/config-${version}`;
    const configBytes = await tree.readFile(configPath);
    const configValues = configBytes ? parseKernelConfig(decodeGuestText(configBytes)) : new Map<string, string>();
    const initrd = chooseInitrd(boot, version);
    kernels.push({
      version,
      vmlinuz: `/boot/${name}`,
      initrd: initrd ? `/boot/${initrd}` : null,
      modules,
      config: configBytes ? configPath : null,
      xen: xenSupport(version, configBytes ? configValues : null),
      xenPvhvm: configBytes ? configValues.get('CONFIG_XEN_PVHVM') === 'y' : null,
      configValues,
    });
  }
  return kernels.sort((a, b) => compareVersions(b.version, a.version));
}

/**
 * The initrd of a kernel among the names in /boot: `^initr(d|amfs)-.*(\.img)?$` or Debian's `initrd.img-*`,
 * containing the version and not `kdump`; the shortest name wins (so `2.6.18-398.el5` does not take the
 * `…el5xen` initrd).
 */
export function chooseInitrd(bootNames: readonly string[], version: string): string | null {
  const candidates = bootNames.filter(
    (name) => (/^initr(d|amfs)-.*$/.test(name) || /^initrd\.img-.*$/.test(name)) && name.includes(version) && !name.includes('kdump'),
  );
  candidates.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return candidates[0] ?? null;
}

export function parseKernelConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(CONFIG_[A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) values.set(match[1]!, match[2]!);
  }
  return values;
}

/**
 * A Xen-PV-only kernel (RHEL 5 `kernel-xen`, SUSE `-xen`) has CONFIG_X86_XEN / CONFIG_X86_64_XEN; a pvops kernel
 * (2.6.24+) that can also boot as a PV guest has CONFIG_XEN (notes §1.4).
 */
function xenSupport(version: string, config: Map<string, string> | null): KernelReport['xen'] {
  if (config) {
    if (config.get('CONFIG_X86_XEN') === 'y' || config.get('CONFIG_X86_64_XEN') === 'y') return 'only';
    if (config.get('CONFIG_XEN') === 'y') return 'capable';
    return 'no';
  }
  return /xen$/.test(version) ? 'only' : 'unknown';
}

/** Compares kernel versions by their numeric runs: 2.6.18-398 > 2.6.18-8, 5.15.0-91 > 5.4.0-150. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[^0-9]+/).filter(Boolean).map(Number);
  const pb = b.split(/[^0-9]+/).filter(Boolean).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
