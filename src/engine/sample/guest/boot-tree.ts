import { gzipBytes } from '../disk/gzip-build';
import { dir, file, symlink, type FsDirectory } from '../ext/fs-tree';
import {
  DEVICE_MAP,
  GRUB_CONF,
  INITRD_MODULES,
  KERNEL,
  kernelConfig,
  SAMPLE_TIME,
  XEN_INITRD_MODULES,
  XEN_KERNEL,
} from './centos5-release';
import { buildInitrd } from './initrd-build';
import { placeholderFile } from './placeholders';

/**
 * The /boot filesystem (sda1): GRUB legacy's directory, with `menu.lst -> ./grub.conf` as CentOS links it,
 * and per kernel its vmlinuz, initrd and config, plus the Xen hypervisor the Xen entry boots.
 */
export async function bootTree(): Promise<FsDirectory> {
  return dir({
    grub: dir({
      'device.map': file(DEVICE_MAP),
      'grub.conf': file(GRUB_CONF, 0o600),
      'menu.lst': symlink('./grub.conf'),
    }),
    [`config-${KERNEL}`]: file(kernelConfig(KERNEL, false)),
    [`config-${XEN_KERNEL}`]: file(kernelConfig(XEN_KERNEL, true)),
    [`initrd-${KERNEL}.img`]: file(await buildInitrd(KERNEL, INITRD_MODULES, 'sda2', SAMPLE_TIME), 0o600),
    [`initrd-${XEN_KERNEL}.img`]: file(await buildInitrd(XEN_KERNEL, XEN_INITRD_MODULES, 'sda2', SAMPLE_TIME), 0o600),
    [`vmlinuz-${KERNEL}`]: file(placeholderFile(`vmlinuz-${KERNEL}`, 200)),
    [`vmlinuz-${XEN_KERNEL}`]: file(placeholderFile(`vmlinuz-${XEN_KERNEL}`, 200)),
    [`xen.gz-${KERNEL}`]: file(await gzipBytes(placeholderFile(`the Xen 3.1 hypervisor of ${KERNEL}`, 50))),
  });
}
