import { splitLines } from '../inspect/fstab';
import type { FileRewrite } from './file-rewrite';
import type { RenameContext } from './rename-device';

/**
 * /etc/crypttab (crypttab(5)): `name device keyfile options`; the device is renamed like an fstab spec
 * (virt-v2v remaps crypttab devices too, notes §1.3).
 */
export function rewriteCrypttab(rw: FileRewrite, ctx: RenameContext): void {
  splitLines(rw.before).forEach((line, index) => {
    if (/^\s*(#|$)/.test(line)) return;
    const match = /^(\s*\S+\s+)(\S+)/.exec(line);
    if (match) rw.renameAt(index, match[1]!.length, match[2]!, ctx, 'fstab', '');
  });
}
