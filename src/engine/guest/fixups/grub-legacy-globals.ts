import { parseCommand, type GrubLegacyConfig } from '../inspect/grub-legacy';
import type { FileRewrite } from './file-rewrite';

/**
 * Setting GRUB legacy global commands (`default`, `timeout`) in the file's own style (`default=0` or
 * `default 0`), or adding them before the first entry when absent.
 */
export function setGlobal(rw: FileRewrite, config: GrubLegacyConfig, keyword: string, value: string, reason: string): void {
  const existing = config.globals.filter((command) => command.keyword === keyword).pop();
  if (existing) {
    const line = rw.lines[existing.lineIndex]!;
    const match = /^(\s*[a-z_]+(?:\s*=\s*|\s+))(.*?)(\s*)$/.exec(line);
    if (!match || match[2] === value) return;
    rw.replaceLine(existing.lineIndex, `${match[1]}${value}${match[3]}`, `${keyword} ${match[2]} → ${value} (${reason})`);
    return;
  }
  const style = config.globals.map((command) => rw.lines[command.lineIndex]!).find((line) => parseCommand(line, 0) !== null);
  const separator = style && /^\s*[a-z_]+=/.test(style) ? '=' : ' ';
  const firstTitle = config.entries[0]?.titleLine ?? rw.lines.length;
  rw.insertAfter(firstTitle - 1, [`${keyword}${separator}${value}`], `${keyword} ${value} added (${reason})`);
}

/** Comments out `hiddenmenu`, so the boot menu shows (and the PV entry can be picked on the console). */
export function showMenu(rw: FileRewrite, config: GrubLegacyConfig, reason: string): void {
  for (const command of config.globals) {
    if (command.keyword === 'hiddenmenu') rw.replaceLine(command.lineIndex, `#${rw.lines[command.lineIndex]!}`, `hiddenmenu commented out (${reason})`);
  }
}

export function raiseTimeout(rw: FileRewrite, config: GrubLegacyConfig, seconds: number): void {
  const current = config.globals.filter((command) => command.keyword === 'timeout').pop();
  const value = current ? Number(current.args.trim()) : NaN;
  if (current && Number.isFinite(value) && value >= seconds) return;
  setGlobal(rw, config, 'timeout', String(seconds), 'time to choose another entry on the new hypervisor');
}
