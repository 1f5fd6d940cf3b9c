import { isRemovableMediaEntry, parseFstab } from '../inspect/fstab';
import type { FileRewrite } from './file-rewrite';
import type { RenameContext } from './rename-device';

/**
 * /etc/fstab: each entry's spec is renamed where it sits, leaving the file's columns as they were. CD-ROM and
 * floppy lines (Debian etch's `/dev/hdc /media/cdrom0 udf,iso9660`) are left alone: they name drives, not disks.
 */
export function rewriteFstab(rw: FileRewrite, ctx: RenameContext): void {
  for (const entry of parseFstab(rw.before)) {
    if (isRemovableMediaEntry(entry)) continue;
    // A spec with `\040` escapes is not a device path we rename.
    if (entry.rawSpec !== entry.spec) continue;
    rw.renameAt(entry.lineIndex, entry.specStart, entry.rawSpec, ctx, 'fstab', '');
  }
}

/** Debian/Ubuntu `/etc/initramfs-tools/conf.d/resume`: `RESUME=/dev/sda5` names the swap the initrd resumes from. */
export function rewriteInitramfsResume(rw: FileRewrite, ctx: RenameContext): void {
  rw.lines.forEach((line, index) => {
    const match = /^(\s*RESUME=["']?)([^"'\s]+)/.exec(line);
    if (match && match[2] !== 'none' && match[2] !== 'auto') rw.renameAt(index, match[1]!.length, match[2]!, ctx, 'cmdline', 'RESUME=');
  });
}
