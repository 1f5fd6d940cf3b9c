import type { GuestFs } from '../guest-fs';
import type { FilesystemRole } from './guest-report';

/**
 * What a filesystem is, by the files on it (libguestfs `inspect_fs.ml` `check_filesystem`, notes §1.1):
 * a "GRUB /boot" holds /grub/menu.lst, /grub/grub.conf or /grub2/grub.cfg; a Linux root has an /etc directory,
 * a /bin directory (or a link to usr/bin), and /etc/fstab or /etc/hosts; /usr and /var have their own shapes.
 */
export async function classifyFilesystem(fs: GuestFs): Promise<FilesystemRole> {
  const type = async (path: string) => (await fs.stat(path))?.type ?? null;
  if ((await type('/etc')) === 'directory' && (await type('/bin')) === 'directory') {
    if ((await type('/etc/fstab')) === 'file' || (await type('/etc/hosts')) === 'file') return 'root';
  }
  for (const path of ['/grub/menu.lst', '/grub/grub.conf', '/grub2/grub.cfg', '/grub/grub.cfg']) {
    if ((await type(path)) === 'file') return 'grub-boot';
  }
  const dirs = async (...paths: string[]) => {
    for (const path of paths) if ((await type(path)) !== 'directory') return false;
    return true;
  };
  if ((await type('/etc')) === null && (await dirs('/bin', '/share', '/lib'))) return 'usr';
  if ((await type('/etc')) === null && (await dirs('/log', '/lib'))) return 'var';
  return 'data';
}
