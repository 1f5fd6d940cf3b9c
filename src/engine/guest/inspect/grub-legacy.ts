import { splitLines } from './fstab';

/**
 * GRUB legacy `menu.lst` / `grub.conf` (GRUB 0.97 manual, "Configuration"): global commands (`default`,
 * `timeout`, `hiddenmenu`, ...), then entries each starting at a `title` line. A command is its keyword, then
 * blanks or `=`, then its arguments. Lines are kept with their indexes so edits touch only what they mean to.
 */
export interface GrubCommand {
  lineIndex: number;
  keyword: string;
  /** Everything after the keyword and its separator. */
  args: string;
}

export interface GrubLegacyEntry {
  title: string;
  titleLine: number;
  /** One past the entry's last line (the next title, or the end of the file). */
  endLine: number;
  commands: GrubCommand[];
}

export interface GrubLegacyConfig {
  lines: string[];
  globals: GrubCommand[];
  entries: GrubLegacyEntry[];
}

export function parseGrubLegacy(text: string): GrubLegacyConfig {
  const lines = splitLines(text);
  const globals: GrubCommand[] = [];
  const entries: GrubLegacyEntry[] = [];
  lines.forEach((line, lineIndex) => {
    const command = parseCommand(line, lineIndex);
    if (!command) return;
    if (command.keyword === 'title') {
      const previous = entries[entries.length - 1];
      if (previous) previous.endLine = lineIndex;
      entries.push({ title: command.args.trim(), titleLine: lineIndex, endLine: lines.length, commands: [] });
      return;
    }
    const current = entries[entries.length - 1];
    (current ? current.commands : globals).push(command);
  });
  return { lines, globals, entries };
}

export function parseCommand(line: string, lineIndex: number): GrubCommand | null {
  const match = /^\s*([a-z_]+)(?:\s*=\s*|\s+|$)(.*)$/.exec(line);
  if (!match || line.trimStart().startsWith('#')) return null;
  return { lineIndex, keyword: match[1]!, args: match[2]! };
}

export function globalValue(config: GrubLegacyConfig, keyword: string): string | null {
  const found = [...config.globals].reverse().find((command) => command.keyword === keyword);
  return found ? found.args.trim() : null;
}

export function entryCommand(entry: GrubLegacyEntry, keyword: string): GrubCommand | null {
  return entry.commands.find((command) => command.keyword === keyword) ?? null;
}

/** `(hd0,0)/vmlinuz-2.6.18 ro root=/dev/hda1` → path `/vmlinuz-2.6.18` (device prefix removed), args `ro root=/dev/hda1`. */
export function splitKernelArgs(args: string): { path: string; args: string } {
  const match = /^\s*(\S+)\s*(.*)$/.exec(args);
  if (!match) return { path: '', args: '' };
  return { path: match[1]!.replace(/^\([^)]*\)/, ''), args: match[2]! };
}

/** `kernel /xen.gz-2.6.18-398.el5` (RHEL 5), `kernel /boot/xen.gz`, `/boot/xen-4.1.gz`: a Xen hypervisor multiboot entry. */
export function isXenHypervisorPath(path: string): boolean {
  return /(^|\/)xen([-.][^/]*)?\.gz([-.][^/]*)?$/.test(path);
}
