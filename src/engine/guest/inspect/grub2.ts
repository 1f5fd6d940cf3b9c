import { splitLines } from './fstab';

/**
 * GRUB 2 files that carry kernel command lines (notes §1.6): `grub.cfg` `linux`/`linux16`/`linuxefi` lines under
 * `menuentry`, `/etc/default/grub` `GRUB_CMDLINE_LINUX*`, the `grubenv` block (`kernelopts`, RHEL 8) and BLS
 * entries (`/boot/loader/entries/*.conf`, `options`, RHEL 8+/Fedora).
 */
export interface Grub2LinuxLine {
  lineIndex: number;
  /** The menuentry title it belongs to ('' when outside any). */
  title: string;
  command: 'linux' | 'linux16' | 'linuxefi';
  kernel: string;
  /** Offset in the line where the arguments after the kernel path start. */
  argsStart: number;
  args: string;
  initrd: string | null;
}

export function parseGrub2Linux(text: string): Grub2LinuxLine[] {
  const found: Grub2LinuxLine[] = [];
  let title = '';
  splitLines(text).forEach((line, lineIndex) => {
    const entry = /^\s*menuentry\s+(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+))/.exec(line);
    if (entry) {
      title = entry[1] ?? entry[2] ?? entry[3] ?? '';
      return;
    }
    const linux = /^(\s*(linux|linux16|linuxefi)\s+)(\S+)(\s*)(.*)$/.exec(line);
    if (linux) {
      found.push({
        lineIndex,
        title,
        command: linux[2] as Grub2LinuxLine['command'],
        kernel: linux[3]!,
        argsStart: linux[1]!.length + linux[3]!.length + linux[4]!.length,
        args: linux[5]!,
        initrd: null,
      });
      return;
    }
    const initrd = /^\s*(initrd|initrd16|initrdefi)\s+(\S+)/.exec(line);
    const last = found[found.length - 1];
    if (initrd && last && last.title === title && last.initrd === null) last.initrd = initrd[2]!;
  });
  return found;
}

/** GRUB 2's environment block: exactly 1024 bytes, `# GRUB Environment Block\n`, `key=value\n` lines, `#` padding. */
export const GRUBENV_SIZE = 1024;
export const GRUBENV_HEADER = '# GRUB Environment Block\n';

export interface Grubenv {
  vars: { key: string; value: string }[];
}

export function parseGrubenv(text: string): Grubenv | null {
  if (!text.startsWith(GRUBENV_HEADER)) return null;
  const vars: { key: string; value: string }[] = [];
  for (const line of text.slice(GRUBENV_HEADER.length).split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const eq = line.indexOf('=');
    if (eq > 0) vars.push({ key: line.slice(0, eq), value: line.slice(eq + 1) });
  }
  return { vars };
}

/** The block for `vars`, padded with `#` to 1024 bytes; null when the variables no longer fit. */
export function formatGrubenv(env: Grubenv): string | null {
  const body = GRUBENV_HEADER + env.vars.map(({ key, value }) => `${key}=${value}\n`).join('');
  const size = new TextEncoder().encode(body).length;
  return size > GRUBENV_SIZE ? null : body + '#'.repeat(GRUBENV_SIZE - size);
}

export interface BlsEntry {
  title: string | null;
  linux: string | null;
  initrd: string | null;
  options: string | null;
  /** Line index of `options`, where root=/resume= are rewritten. */
  optionsLine: number | null;
}

/** A Boot Loader Specification entry: `key value` lines (uapi-group.org BLS type #1). */
export function parseBlsEntry(text: string): BlsEntry {
  const entry: BlsEntry = { title: null, linux: null, initrd: null, options: null, optionsLine: null };
  splitLines(text).forEach((line, lineIndex) => {
    const match = /^\s*(title|linux|initrd|options)\s+(.*?)\s*$/.exec(line);
    if (!match) return;
    const key = match[1] as 'title' | 'linux' | 'initrd' | 'options';
    if (key === 'options') entry.optionsLine = lineIndex;
    if (entry[key] === null) entry[key] = match[2]!;
  });
  return entry;
}
