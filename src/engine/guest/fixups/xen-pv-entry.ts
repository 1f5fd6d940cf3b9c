import { entryCommand, isXenHypervisorPath, parseGrubLegacy, splitKernelArgs } from '../inspect/grub-legacy';
import type { FileRewrite } from './file-rewrite';
import { raiseTimeout, setGlobal, showMenu } from './grub-legacy-globals';

/**
 * Xen PV boot for a GRUB legacy guest (notes §5): pygrub ignores `module` lines and boots `kernel` + `initrd`,
 * so in the Xen entry (`kernel /xen.gz…` + modules) the hypervisor line goes, the first module (the Xen-capable
 * kernel with its command line) becomes `kernel`, the second (its initrd) `initrd`; `default` points at it,
 * `hiddenmenu` is commented out and `timeout` raised. Returns the entry's index, or null without a Xen entry.
 */
export const PV_TIMEOUT = 5;

export function enableXenPv(rw: FileRewrite): number | null {
  const config = parseGrubLegacy(rw.current);
  const xenEntries = config.entries
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => {
      const kernel = entryCommand(entry, 'kernel');
      return kernel !== null && isXenHypervisorPath(splitKernelArgs(kernel.args).path) && entry.commands.some((c) => c.keyword === 'module');
    });
  if (xenEntries.length === 0) return null;
  const defaultText = config.globals.filter((c) => c.keyword === 'default').pop()?.args.trim() ?? '0';
  const chosen = xenEntries.find(({ index }) => String(index) === defaultText) ?? xenEntries[0]!;
  const { entry, index } = chosen;
  const kernel = entryCommand(entry, 'kernel')!;
  rw.deleteLine(kernel.lineIndex, `Xen hypervisor line removed: a PV guest runs under XenServer's hypervisor and pygrub boots the kernel itself`);
  const modules = entry.commands.filter((command) => command.keyword === 'module');
  const rename = (lineIndex: number, to: string, why: string) => {
    const line = rw.lines[lineIndex]!;
    rw.replaceLine(lineIndex, line.replace(/^(\s*)module/, `$1${to}`), why);
  };
  rename(modules[0]!.lineIndex, 'kernel', 'module → kernel: the Xen-capable kernel, booted directly by pygrub');
  if (modules[1]) rename(modules[1].lineIndex, 'initrd', 'module → initrd: its initrd');
  for (const extra of modules.slice(2)) {
    rw.warnings.push(`${rw.path} line ${extra.lineIndex + 1}: a third module line in the Xen entry is ignored by pygrub`);
  }
  setGlobal(rw, config, 'default', String(index), `boot the Xen PV entry "${entry.title}"`);
  showMenu(rw, config, 'so the PV entry can be chosen on the XenServer console');
  raiseTimeout(rw, config, PV_TIMEOUT);
  return index;
}
