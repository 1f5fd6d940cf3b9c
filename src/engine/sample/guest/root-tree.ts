import { dir, file, symlink, type FsDirectory } from '../ext/fs-tree';
import {
  FSTAB,
  HOSTS,
  KERNEL,
  KERNEL_MODULES,
  MODPROBE_CONF,
  RELEASE,
  SYSCONFIG_GRUB,
  SYSCONFIG_NETWORK,
  XEN_KERNEL,
  XEN_KERNEL_MODULES,
} from './centos5-release';
import { elfPlaceholder, placeholderFile } from './placeholders';

/**
 * The root filesystem (sda2): what inspection looks for to call it a Linux root (/etc and /bin directories, an
 * fstab), the release file, the files a migration repairs, and /lib/modules for both kernels with modules.dep
 * in 2.6.18's form (absolute paths).
 */
export function rootTree(): FsDirectory {
  const empty = () => dir({});
  return dir({
    bin: dir({ bash: file(elfPlaceholder('/bin/bash'), 0o755), sh: symlink('bash') }),
    boot: empty(),
    dev: empty(),
    etc: dir({
      fstab: file(FSTAB),
      'grub.conf': symlink('../boot/grub/grub.conf'),
      hosts: file(HOSTS),
      'modprobe.conf': file(MODPROBE_CONF),
      'redhat-release': file(`${RELEASE}\n`),
      sysconfig: dir({ grub: file(SYSCONFIG_GRUB), network: file(SYSCONFIG_NETWORK) }),
    }),
    home: empty(),
    lib: dir({ modules: dir({ [KERNEL]: moduleTree(KERNEL, KERNEL_MODULES), [XEN_KERNEL]: moduleTree(XEN_KERNEL, XEN_KERNEL_MODULES) }) }),
    media: empty(),
    mnt: empty(),
    opt: empty(),
    proc: dir({}, 0o555),
    root: dir({}, 0o750),
    sbin: empty(),
    selinux: empty(),
    srv: empty(),
    sys: empty(),
    tmp: dir({}, 0o1777),
    usr: dir({ bin: empty(), lib: empty(), sbin: empty(), share: empty() }),
    var: dir({ lib: empty(), log: empty(), tmp: dir({}, 0o1777) }),
  });
}

/** /lib/modules/<version>: modules.dep and the module files it names (placeholders), in their directories. */
function moduleTree(version: string, modules: readonly [string, string[]][]): FsDirectory {
  const base = `/lib/modules/${version}/kernel`;
  const dep = modules.map(([path, needs]) => `${base}/${path}:${needs.map((need) => ` ${base}/${need}`).join('')}\n`).join('');
  const kernel = dir({});
  for (const [path] of modules) {
    const parts = path.split('/');
    let at = kernel;
    for (const part of parts.slice(0, -1)) {
      const next = at.entries[part];
      at = next?.kind === 'directory' ? next : (at.entries[part] = dir({}));
    }
    at.entries[parts[parts.length - 1]!] = file(placeholderFile(`${parts[parts.length - 1]} (${version})`, 2));
  }
  return dir({ kernel, 'modules.dep': file(dep) });
}
