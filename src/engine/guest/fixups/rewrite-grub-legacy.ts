import { parseGrubLegacy } from '../inspect/grub-legacy';
import type { FileRewrite } from './file-rewrite';
import type { RenameContext } from './rename-device';

/**
 * GRUB legacy menu.lst / grub.conf: `root=` and `resume=` on `kernel` lines, and on `module` lines (the dom0
 * kernel of a Xen entry carries them). `root (hd0,0)` and `(hdX,Y)` paths are BIOS drive numbers, not Linux
 * names, and stay. Debian's update-grub regenerates kernel lines from the `# kopt=` comment, so it is renamed
 * too, or the next kernel update would bring the old names back.
 */
export function rewriteGrubLegacy(rw: FileRewrite, ctx: RenameContext): void {
  const config = parseGrubLegacy(rw.before);
  for (const entry of config.entries) {
    for (const command of entry.commands) {
      if (command.keyword !== 'kernel' && command.keyword !== 'module') continue;
      const line = rw.lines[command.lineIndex]!;
      rw.renameTokens(command.lineIndex, ctx, line.length - command.args.length);
    }
  }
  rw.lines.forEach((line, index) => {
    const kopt = /^(#\s*(?:kopt|altoptions)=)/.exec(line);
    if (kopt) rw.renameTokens(index, ctx, kopt[1]!.length);
  });
}

/** device.map: `(hd0) /dev/sda` — the whole disk GRUB's BIOS drive 0 is (grub-install reads it). */
export function rewriteDeviceMap(rw: FileRewrite, ctx: RenameContext): void {
  rw.lines.forEach((line, index) => {
    const match = /^(\s*\([^)]*\)\s+)(\S+)/.exec(line);
    if (match) rw.renameAt(index, match[1]!.length, match[2]!, ctx, 'device-map', '');
  });
}
