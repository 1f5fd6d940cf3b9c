import { entryCommand, isXenHypervisorPath, parseGrubLegacy, splitKernelArgs } from '../inspect/grub-legacy';
import type { FileRewrite } from './file-rewrite';
import { setGlobal } from './grub-legacy-globals';

/**
 * A new GRUB legacy entry that boots `kernel` (a multiboot shim, such as the Hyper-V Linux integration
 * components' hypervisor adapter) with the default entry's kernel and initrd as its modules; it becomes the
 * default. The original entries stay, so the guest can still be booted the old way from the menu.
 */
export interface BootShimOptions {
  /** The shim as GRUB reads it: `/boot/x2v-64.gz` (or `/x2v-64.gz` when /boot is its own partition). */
  kernel: string;
  /** Arguments for the shim itself. */
  args?: string;
  title?: string;
}

export function addShimEntry(rw: FileRewrite, options: BootShimOptions): number | null {
  const config = parseGrubLegacy(rw.current);
  const defaultText = config.globals.filter((c) => c.keyword === 'default').pop()?.args.trim() ?? '0';
  const plain = (index: number) => {
    const kernel = config.entries[index] && entryCommand(config.entries[index], 'kernel');
    return kernel !== null && kernel !== undefined && !isXenHypervisorPath(splitKernelArgs(kernel.args).path);
  };
  const defaultIndex = /^\d+$/.test(defaultText) ? Number(defaultText) : 0;
  const baseIndex = plain(defaultIndex) ? defaultIndex : config.entries.findIndex((_, index) => plain(index));
  if (baseIndex < 0) return null;
  const base = config.entries[baseIndex]!;
  const kernel = entryCommand(base, 'kernel')!;
  const initrd = entryCommand(base, 'initrd');
  const root = entryCommand(base, 'root');
  const indent = /^(\s*)/.exec(rw.lines[kernel.lineIndex]!)![1]!;
  const titleIndent = /^(\s*)/.exec(rw.lines[base.titleLine]!)![1]!;
  const lines = [`${titleIndent}title ${options.title ?? `${base.title} (${options.kernel.split('/').pop()})`}`];
  if (root) lines.push(`${indent}root ${root.args.trim()}`);
  lines.push(`${indent}kernel ${options.kernel}${options.args ? ` ${options.args}` : ''}`);
  lines.push(`${indent}module ${kernel.args.trim()}`);
  if (initrd) lines.push(`${indent}module ${initrd.args.trim()}`);
  const newIndex = config.entries.length;
  rw.insertAfter(rw.lines.length - 1, lines, `new entry ${newIndex} boots ${options.kernel} with "${base.title}"'s kernel and initrd as modules`);
  setGlobal(rw, config, 'default', String(newIndex), `boot the new ${options.kernel} entry`);
  return newIndex;
}
