import type { GuestTree } from './guest-tree';
import type { BootConfigReport, BootEntryReport, BootloaderKind, BootloaderReport } from './guest-report';
import { decodeGuestText } from './guest-text';
import { entryCommand, globalValue, isXenHypervisorPath, parseGrubLegacy, splitKernelArgs } from './grub-legacy';
import { parseBlsEntry, parseGrub2Linux, parseGrubenv } from './grub2';
import { parseShellVars } from './distro';
import { splitLines } from './fstab';

/**
 * Where the boot configuration lives and what it says. GRUB 2 configs come first (pygrub reads grub.cfg before
 * menu.lst, notes §5); every config found is reported, because fixups edit all of them: a guest upgraded from
 * GRUB legacy keeps a menu.lst that may still be the one installed in the boot sector.
 */
export const BOOT_CONFIG_CANDIDATES: { path: string; kind: BootloaderKind }[] = [
  { path: '/boot/grub2/grub.cfg', kind: 'grub2' },
  { path: '/boot/grub/grub.cfg', kind: 'grub2' },
  { path: '/boot/grub/menu.lst', kind: 'grub-legacy' },
  { path: '/boot/grub/grub.conf', kind: 'grub-legacy' },
];

export interface FoundBootConfig {
  path: string;
  realPath: string;
  kind: BootloaderKind;
  text: string;
}

export async function findBootConfigs(tree: GuestTree): Promise<FoundBootConfig[]> {
  const paths = [...BOOT_CONFIG_CANDIDATES];
  for (const vendor of await tree.list('/boot/efi/EFI')) {
    paths.push({ path: `/boot/efi/EFI/${vendor}/grub.cfg`, kind: 'grub2' }, { path: `/boot/efi/EFI/${vendor}/grub.conf`, kind: 'grub-legacy' });
  }
  const found: FoundBootConfig[] = [];
  for (const { path, kind } of paths) {
    const realPath = await tree.realpath(path);
    if (realPath === null || !(await tree.isFile(realPath))) continue;
    // menu.lst -> grub.conf: one file, reported once under the name GRUB reads.
    if (found.some((other) => other.realPath === realPath)) continue;
    const bytes = await tree.readFile(realPath);
    if (bytes) found.push({ path, realPath, kind, text: decodeGuestText(bytes) });
  }
  return found;
}

/** GRUB paths are relative to the partition GRUB reads: `/vmlinuz` means /boot/vmlinuz when /boot is separate. */
export function grubPrefix(tree: GuestTree): string {
  return tree.mountList.some((mount) => mount.mountpoint === '/boot') ? '/boot' : '';
}

export async function describeBootloader(tree: GuestTree, configs: FoundBootConfig[]): Promise<BootloaderReport | null> {
  if (configs.length === 0) return null;
  const prefix = grubPrefix(tree);
  const reports = configs.map((config) => (config.kind === 'grub2' ? describeGrub2(config, prefix) : describeGrubLegacy(config, prefix)));
  return {
    kind: configs[0]!.kind,
    configs: reports,
    deviceMap: await readDeviceMap(tree),
    defaultGrub: await readDefaultGrub(tree),
    grubenv: await readGrubenv(tree),
    bls: await readBls(tree, prefix),
  };
}

function describeGrubLegacy(config: FoundBootConfig, prefix: string): BootConfigReport {
  const parsed = parseGrubLegacy(config.text);
  const entries: BootEntryReport[] = parsed.entries.map((entry) => {
    const kernel = entryCommand(entry, 'kernel');
    const initrd = entryCommand(entry, 'initrd');
    const split = kernel ? splitKernelArgs(kernel.args) : null;
    const xen = split !== null && isXenHypervisorPath(split.path);
    const modules = entry.commands.filter((command) => command.keyword === 'module').map((command) => command.args.trim());
    // In a Xen entry the first module is the dom0 kernel with its command line.
    const linux = xen && modules[0] ? splitKernelArgs(modules[0]) : split;
    return {
      title: entry.title,
      kernel: linux ? prefix + linux.path : null,
      initrd: xen && modules[1] ? prefix + splitKernelArgs(modules[1]).path : initrd ? prefix + splitKernelArgs(initrd.args).path : null,
      args: linux?.args ?? '',
      modules,
      xenHypervisor: xen,
      source: config.realPath,
    };
  });
  const defaultText = globalValue(parsed, 'default');
  const timeout = globalValue(parsed, 'timeout');
  return {
    kind: 'grub-legacy',
    path: config.path,
    realPath: config.realPath,
    defaultEntry: defaultText !== null && /^\d+$/.test(defaultText) ? Number(defaultText) : defaultText === null ? 0 : null,
    timeout: timeout !== null && /^\d+$/.test(timeout) ? Number(timeout) : null,
    hiddenmenu: parsed.globals.some((command) => command.keyword === 'hiddenmenu'),
    entries,
  };
}

function describeGrub2(config: FoundBootConfig, prefix: string): BootConfigReport {
  const entries: BootEntryReport[] = parseGrub2Linux(config.text).map((line) => ({
    title: line.title,
    kernel: prefix + line.kernel.replace(/^\([^)]*\)/, ''),
    initrd: line.initrd ? prefix + line.initrd.replace(/^\([^)]*\)/, '') : null,
    args: line.args,
    modules: [],
    xenHypervisor: false,
    source: config.realPath,
  }));
  const vars = new Map<string, string>();
  for (const line of splitLines(config.text)) {
    const match = /^\s*set\s+(default|timeout)=["']?([^"'\s]*)/.exec(line);
    if (match && !vars.has(match[1]!)) vars.set(match[1]!, match[2]!);
  }
  const defaultText = vars.get('default');
  const timeout = vars.get('timeout');
  return {
    kind: 'grub2',
    path: config.path,
    realPath: config.realPath,
    defaultEntry: defaultText !== undefined && /^\d+$/.test(defaultText) ? Number(defaultText) : null,
    timeout: timeout !== undefined && /^\d+$/.test(timeout) ? Number(timeout) : null,
    hiddenmenu: false,
    entries,
  };
}

export const DEVICE_MAP_PATHS = ['/boot/grub/device.map', '/boot/grub2/device.map'];

async function readDeviceMap(tree: GuestTree): Promise<BootloaderReport['deviceMap']> {
  for (const path of DEVICE_MAP_PATHS) {
    const bytes = await tree.readFile(path);
    if (!bytes) continue;
    const entries: { bios: string; device: string }[] = [];
    for (const line of splitLines(decodeGuestText(bytes))) {
      const match = /^\s*(\([^)]*\))\s+(\S+)/.exec(line);
      if (match) entries.push({ bios: match[1]!, device: match[2]! });
    }
    return { path, entries };
  }
  return null;
}

async function readDefaultGrub(tree: GuestTree): Promise<BootloaderReport['defaultGrub']> {
  const bytes = await tree.readFile('/etc/default/grub');
  if (!bytes) return null;
  const vars = parseShellVars(decodeGuestText(bytes));
  return { path: '/etc/default/grub', cmdlineLinux: vars.get('GRUB_CMDLINE_LINUX') ?? null, cmdlineLinuxDefault: vars.get('GRUB_CMDLINE_LINUX_DEFAULT') ?? null };
}

export const GRUBENV_PATHS = ['/boot/grub2/grubenv', '/boot/grub/grubenv'];

async function readGrubenv(tree: GuestTree): Promise<BootloaderReport['grubenv']> {
  for (const path of GRUBENV_PATHS) {
    const bytes = await tree.readFile(path);
    if (!bytes) continue;
    const env = parseGrubenv(decodeGuestText(bytes));
    const get = (key: string) => env?.vars.find((v) => v.key === key)?.value ?? null;
    return { path, kernelopts: get('kernelopts'), savedEntry: get('saved_entry'), size: bytes.length };
  }
  return null;
}

export const BLS_DIR = '/boot/loader/entries';

async function readBls(tree: GuestTree, prefix: string): Promise<BootEntryReport[]> {
  const entries: BootEntryReport[] = [];
  for (const name of await tree.list(BLS_DIR)) {
    if (!name.endsWith('.conf')) continue;
    const bytes = await tree.readFile(`${BLS_DIR}/${name}`);
    if (!bytes) continue;
    const entry = parseBlsEntry(decodeGuestText(bytes));
    entries.push({
      title: entry.title ?? name,
      kernel: entry.linux ? prefix + entry.linux : null,
      initrd: entry.initrd ? prefix + entry.initrd : null,
      args: entry.options ?? '',
      modules: [],
      xenHypervisor: false,
      source: `${BLS_DIR}/${name}`,
    });
  }
  return entries;
}
