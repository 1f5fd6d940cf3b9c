import { buildCpioNewc, type CpioEntry } from '../disk/cpio-newc-build';
import { gzipBytes } from '../disk/gzip-build';
import { placeholderFile } from './placeholders';

/**
 * An initrd as RHEL 5's mkinitrd makes it: a gzip-compressed cpio newc archive with nash as /init, the storage
 * and filesystem modules flat under /lib, and the root device written into the init script (`mkrootdev`), which
 * the kernel's `root=` overrides. Listing it shows which disk drivers the kernel can boot with.
 */
export async function buildInitrd(version: string, modules: readonly string[], rootDevice: string, mtime: number): Promise<Uint8Array> {
  const init = [
    '#!/bin/nash',
    'mount -t proc /proc /proc',
    'setquiet',
    'echo Mounting proc filesystem',
    'echo Mounting sysfs filesystem',
    'mount -t sysfs /sys /sys',
    'echo Creating /dev',
    'mount -o mode=0755 -t tmpfs /dev /dev',
    'mkdevices /dev',
    ...modules.flatMap((module) => [`echo "Loading ${module}.ko module"`, `insmod /lib/${module}.ko`]),
    'echo Creating root device.',
    `mkrootdev -t ext3 -o defaults,ro ${rootDevice}`,
    'echo Mounting root filesystem.',
    'mount /sysroot',
    'echo Setting up other filesystems.',
    'setuproot',
    'echo Switching to new root and running init.',
    'switchroot',
    '',
  ].join('\n');
  const directory = (name: string): CpioEntry => ({ name, mode: 0o040755 });
  const entries: CpioEntry[] = [
    directory('bin'),
    directory('dev'),
    directory('etc'),
    directory('lib'),
    directory('proc'),
    directory('sys'),
    directory('sysroot'),
    { name: 'init', mode: 0o100755, data: new TextEncoder().encode(init) },
    { name: 'bin/nash', mode: 0o100755, data: placeholderFile('nash', 4) },
    { name: 'bin/insmod', mode: 0o100755, data: placeholderFile('insmod', 2) },
    ...modules.map((module): CpioEntry => ({ name: `lib/${module}.ko`, mode: 0o100644, data: placeholderFile(`${module}.ko (${version})`, 2) })),
  ];
  return gzipBytes(buildCpioNewc(entries, mtime));
}
