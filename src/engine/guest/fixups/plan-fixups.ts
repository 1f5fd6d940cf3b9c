import type { DeviceNaming, GuestEdit, TargetId } from '../../appliance/plan-types';
import { defaultKernel, driverWarning } from '../initrd/driver-check';
import { targetBus } from '../initrd/storage-drivers';
import { BLS_DIR, GRUBENV_PATHS } from '../inspect/bootloader';
import type { KernelReport } from '../inspect/guest-report';
import { decodeGuestText } from '../inspect/guest-text';
import type { GuestTree } from '../inspect/guest-tree';
import type { Inspection } from '../inspect/inspect-guest';
import { addShimEntry, type BootShimOptions } from './boot-shim-entry';
import { FileRewrite } from './file-rewrite';
import { chooseNaming, type KernelFacts } from './naming-rules';
import type { RenameContext } from './rename-device';
import { rewriteCrypttab } from './rewrite-crypttab';
import { rewriteFstab, rewriteInitramfsResume } from './rewrite-fstab';
import { rewriteDeviceMap, rewriteGrubLegacy } from './rewrite-grub-legacy';
import { rewriteBlsEntry, rewriteDefaultGrub, rewriteGrub2Cfg, rewriteGrubenv } from './rewrite-grub2';
import { unifiedDiff } from './unified-diff';
import { enableXenPv } from './xen-pv-entry';

export interface GuestFixupOptions {
  target: TargetId;
  /** Overrides the target's disk names (`--names`). */
  names?: DeviceNaming;
  /** Enable Xen PV boot (`--pv`); implied by the `xenserver-pv` target, whose import switches the VM to pygrub. */
  pv?: boolean;
  /** Add a GRUB legacy entry booting this shim with the default kernel and initrd as modules. */
  bootEntry?: BootShimOptions;
}

export interface GuestFixupPlan {
  /** One per changed file, in the order they are applied. */
  edits: GuestEdit[];
  /** Names left alone that may break, missing drivers, refused filesystems: for Plan.warnings. */
  warnings: string[];
  /** How names were chosen: for Plan.decisions. */
  decisions: string[];
}

type Rule = (rw: FileRewrite, ctx: RenameContext) => void;

/**
 * What to change inside the guest for the target: every file's before and after, with a reason per changed
 * line and a unified diff. Nothing is written here; `applyGuestEdits` writes the enabled edits.
 */
export async function planGuestFixups(guest: Inspection, options: GuestFixupOptions): Promise<GuestFixupPlan> {
  const { report, tree } = guest;
  const warnings: string[] = [];
  const decisions: string[] = [];
  if (report.os === null || tree === null) {
    return { edits: [], warnings: ['No Linux guest found on the disks: nothing to repair'], decisions };
  }
  const pv = options.pv === true || options.target === 'xenserver-pv';
  const naming = chooseNaming(options.target, report.naming.generation, options.names, pv, kernelFacts(defaultKernel(report)));
  decisions.push(`Guest kernel generation: ${report.naming.generation === 'old-ide' ? 'old IDE (hdX)' : 'libata (sdX)'} — ${report.naming.generationReason}`);
  decisions.push(`Guest device names: ${naming.reason}`);
  if (pv && options.names && options.names !== 'xvd' && options.names !== 'uuid') {
    warnings.push(`Xen PV guests see their disks as xvdX, but ${options.names}X names were requested`);
  }
  if (guest.diskCount > 1 && naming.prefix !== null) {
    decisions.push(`Disk order is assumed unchanged on the target (disk 1 = ${naming.prefix}a, disk 2 = ${naming.prefix}b, ...)`);
  }
  const ctx: RenameContext = {
    prefix: naming.prefix,
    uuid: naming.uuid,
    volumes: guest.volumes,
    diskCount: guest.diskCount,
    rootId: report.root,
    why: naming.reason.replace(/^disk names: \S+ \((.*)\)$/, '$1'),
  };

  const files: { path: string; rules: Rule[] }[] = [
    { path: '/etc/fstab', rules: [rewriteFstab] },
    { path: '/etc/crypttab', rules: [rewriteCrypttab] },
  ];
  for (const config of report.bootloader?.configs ?? []) {
    files.push({ path: config.realPath, rules: [config.kind === 'grub2' ? rewriteGrub2Cfg : rewriteGrubLegacy] });
  }
  for (const path of ['/boot/grub/device.map', '/boot/grub2/device.map']) files.push({ path, rules: [rewriteDeviceMap] });
  for (const path of ['/etc/default/grub', '/etc/sysconfig/grub']) files.push({ path, rules: [rewriteDefaultGrub] });
  for (const path of GRUBENV_PATHS) files.push({ path, rules: [rewriteGrubenv] });
  for (const entry of report.bootloader?.bls ?? []) {
    if (entry.source.startsWith(BLS_DIR)) files.push({ path: entry.source, rules: [rewriteBlsEntry] });
  }
  files.push({ path: '/etc/initramfs-tools/conf.d/resume', rules: [rewriteInitramfsResume] });

  const rewrites: FileRewrite[] = [];
  for (const { path, rules } of files) {
    const real = await tree.realpath(path);
    if (real === null || rewrites.some((rw) => rw.path === real) || !(await tree.isFile(real))) continue;
    const bytes = await tree.readFile(real);
    if (!bytes) continue;
    const rw = new FileRewrite(real, decodeGuestText(bytes));
    for (const rule of rules) rule(rw, ctx);
    rewrites.push(rw);
  }

  const legacy = report.bootloader?.configs.find((config) => config.kind === 'grub-legacy');
  const legacyRewrite = legacy ? rewrites.find((rw) => rw.path === legacy.realPath) : undefined;
  let bootKernel = defaultKernel(report);
  if (pv) bootKernel = planXenPv(legacyRewrite, report.kernels, bootKernel, decisions, warnings) ?? bootKernel;
  if (options.bootEntry) {
    const added = legacyRewrite ? addShimEntry(legacyRewrite, options.bootEntry) : null;
    if (added === null) warnings.push(`The boot entry for ${options.bootEntry.kernel} needs a GRUB legacy menu.lst/grub.conf with a plain kernel entry; none was found`);
  }

  const bus = pv ? 'xen-pv' : targetBus(options.target);
  if (bus && bootKernel) {
    const warning = driverWarning(bootKernel, bus, report.distro);
    if (warning) warnings.push(warning);
  }
  warnings.push(...(await lvmFilterWarnings(tree, naming.prefix)));

  const edits: GuestEdit[] = [];
  for (const rw of rewrites) {
    warnings.push(...rw.warnings);
    if (!rw.changed) continue;
    const where = tree.locate(rw.path)!;
    const volume = where.mount.volume;
    const filesystem = `${volume.id} (${volume.type ?? 'unknown'}, ${where.mount.mountpoint})`;
    const refusal = volume.fs.writeRefusal;
    if (refusal) warnings.push(`${rw.path} cannot be changed: ${filesystem} is not safe to write (${refusal})`);
    edits.push({
      id: `${volume.id}:${rw.path}`,
      filesystem,
      path: rw.path,
      before: rw.before,
      after: rw.after,
      reasons: rw.orderedReasons,
      diff: unifiedDiff(rw.before, rw.after, rw.path),
      enabled: refusal === null,
    });
  }
  return { edits, warnings, decisions };
}

/** The Xen PV structural edit and what the user must know about it; returns the kernel the PV entry boots. */
function planXenPv(legacy: FileRewrite | undefined, kernels: readonly KernelReport[], fallback: KernelReport | null, decisions: string[], warnings: string[]): KernelReport | null {
  const index = legacy ? enableXenPv(legacy) : null;
  let kernel = fallback;
  if (index !== null && legacy) {
    const kernelLine = legacy.after.split('\n').find((line, i, all) => /^\s*kernel\s/.test(line) && entryOf(all, i) === index);
    const path = kernelLine ? /^\s*kernel\s+(?:\([^)]*\))?(\S+)/.exec(kernelLine)?.[1] : undefined;
    kernel = kernels.find((k) => path !== undefined && (k.vmlinuz === path || k.vmlinuz === `/boot${path}`)) ?? fallback;
    decisions.push(`Xen PV: GRUB legacy entry ${index} now boots its Xen kernel directly (pygrub)`);
  } else if (!kernel || (kernel.xen !== 'only' && kernel.xen !== 'capable')) {
    warnings.push(
      `Xen PV boot needs a Xen-capable kernel: ${kernel ? `kernel ${kernel.version} is not one` : 'no kernel found'} and there is no Xen entry (kernel /xen.gz + modules) to convert. Install one in the guest first (RHEL/CentOS 5: kernel-xen; SLES: kernel-xen; RHEL 6+ and current kernels boot as PV guests as they are)`,
    );
  }
  if (kernel?.xen === 'only') {
    decisions.push(`Xen PV console: kernel ${kernel.version} uses xvc0; for a login prompt on the XenServer console, add a getty on xvc0 to /etc/inittab and xvc0 to /etc/securetty`);
  } else if (kernel?.xen === 'capable') {
    decisions.push(`Xen PV console: kernel ${kernel.version} uses hvc0`);
  }
  return kernel;
}

function kernelFacts(kernel: KernelReport | null): KernelFacts {
  const has = (driver: string) => kernel?.storageDrivers.some((d) => d.driver === driver && d.where !== 'modules') ?? false;
  return { storvsc: has('hv_storvsc'), pvhvm: kernel?.xenPvhvm === true && has('xen_blkfront') };
}

/** 0-based entry index of line `i` in GRUB legacy lines. */
function entryOf(lines: string[], i: number): number {
  let count = -1;
  for (let k = 0; k <= i; k++) if (/^\s*title[\s=]/.test(lines[k]!)) count++;
  return count;
}

/** lvm.conf filters that name disks by sd/hd (notes §1.6): they would hide the PVs under new names. */
async function lvmFilterWarnings(tree: GuestTree, prefix: string | null): Promise<string[]> {
  if (prefix === null) return [];
  const bytes = await tree.readFile('/etc/lvm/lvm.conf');
  if (!bytes) return [];
  const warnings: string[] = [];
  decodeGuestText(bytes)
    .split('\n')
    .forEach((line, index) => {
      if (/^\s*(global_)?filter\s*=/.test(line) && /\/dev\/(x?v|s|h)d/.test(line) && !line.includes(`/dev/${prefix}`)) {
        warnings.push(`/etc/lvm/lvm.conf line ${index + 1}: the LVM filter names disks (${line.trim()}); check it accepts /dev/${prefix}* on the target, in the guest and in its initrd`);
      }
    });
  return warnings;
}
