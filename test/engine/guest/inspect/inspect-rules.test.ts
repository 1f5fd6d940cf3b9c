import { describe, expect, it } from 'vitest';
import { findDeviceTokens } from '../../../../src/engine/guest/inspect/cmdline';
import { driveIndex, driveLetters, parseDeviceName, splitMapperName } from '../../../../src/engine/guest/inspect/device-name';
import { parseLsbRelease, parseOsRelease, parseRedhatRelease, parseSuseRelease } from '../../../../src/engine/guest/inspect/distro';
import { parseFstab } from '../../../../src/engine/guest/inspect/fstab';
import { parseGrubLegacy, isXenHypervisorPath, splitKernelArgs } from '../../../../src/engine/guest/inspect/grub-legacy';
import { formatGrubenv, parseGrub2Linux, parseGrubenv } from '../../../../src/engine/guest/inspect/grub2';
import { GuestTree } from '../../../../src/engine/guest/inspect/guest-tree';
import { kernelGeneration } from '../../../../src/engine/guest/inspect/kernel-generation';
import { chooseInitrd, compareVersions } from '../../../../src/engine/guest/inspect/kernels';
import { archOf } from '../../../../src/engine/guest/inspect/inspect-guest';
import { MemoryGuestFs, memoryVolume } from './memory-guest-fs';

describe('device names', () => {
  it('drive letters are bijective base 26 both ways', () => {
    for (const [index, letters] of [[0, 'a'], [25, 'z'], [26, 'aa'], [51, 'az'], [52, 'ba'], [701, 'zz'], [702, 'aaa']] as const) {
      expect(driveLetters(index)).toBe(letters);
      expect(driveIndex(letters)).toBe(index);
    }
  });

  it('classifies what guests write', () => {
    expect(parseDeviceName('/dev/hda1')).toEqual({ kind: 'disk', prefix: 'hd', disk: 0, partition: 1 });
    expect(parseDeviceName('/dev/xvdb')).toEqual({ kind: 'disk', prefix: 'xvd', disk: 1, partition: null });
    expect(parseDeviceName('/dev/sdaa15')).toEqual({ kind: 'disk', prefix: 'sd', disk: 26, partition: 15 });
    expect(parseDeviceName('UUID="abc"')).toEqual({ kind: 'uuid', value: 'abc' });
    expect(parseDeviceName('LABEL=SWAP-hda2')).toEqual({ kind: 'label', value: 'SWAP-hda2' });
    expect(parseDeviceName('PARTUUID=0000beef-01')).toEqual({ kind: 'partuuid', value: '0000beef-01' });
    expect(parseDeviceName('/dev/disk/by-id/ata-VBOX_HARDDISK_VB1-part3')).toEqual({ kind: 'by-id', value: 'ata-VBOX_HARDDISK_VB1-part3', partition: 3 });
    expect(parseDeviceName('/dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:0:0')).toMatchObject({ kind: 'by-path', partition: null });
    expect(parseDeviceName('/dev/disk/by-label/my\\x2flabel')).toEqual({ kind: 'by-label', value: 'my/label' });
    expect(parseDeviceName('/dev/mapper/vg--data-lv--root')).toEqual({ kind: 'mapper', vg: 'vg-data', lv: 'lv-root' });
    expect(parseDeviceName('/dev/mapper/luks-1234-5678')).toMatchObject({ kind: 'mapper', vg: null });
    expect(parseDeviceName('/dev/VolGroup00/LogVol00')).toEqual({ kind: 'lvm', vg: 'VolGroup00', lv: 'LogVol00' });
    expect(parseDeviceName('/dev/cdrom').kind).toBe('cdrom');
    expect(parseDeviceName('/dev/sr0').kind).toBe('cdrom');
    expect(parseDeviceName('/dev/fd0').kind).toBe('floppy');
    expect(parseDeviceName('/dev/md0').kind).toBe('md');
    expect(parseDeviceName('/dev/cciss/c0d0p1').kind).toBe('cciss');
    expect(parseDeviceName('/dev/nvme0n1p2').kind).toBe('nvme');
    expect(parseDeviceName('/dev/root').kind).toBe('root');
    expect(parseDeviceName('/dev/shm/x').kind).toBe('other');
    expect(parseDeviceName('server:/export').kind).toBe('other');
  });

  it('splits device-mapper names on the single dash', () => {
    expect(splitMapperName('VolGroup00-LogVol00')).toEqual({ vg: 'VolGroup00', lv: 'LogVol00' });
    expect(splitMapperName('a--b--c-d')).toEqual({ vg: 'a-b-c', lv: 'd' });
    expect(splitMapperName('nodash')).toBeNull();
  });

  it('finds root= and resume= tokens only at token starts, also inside quotes', () => {
    expect(findDeviceTokens('ro root=/dev/sda1 rd.lvm.root=x xroot=/dev/sdb resume=/dev/sda2')).toEqual([
      { key: 'root', value: '/dev/sda1', start: 8 },
      { key: 'resume', value: '/dev/sda2', start: 54 },
    ]);
    expect(findDeviceTokens('GRUB_CMDLINE_LINUX="resume=/dev/sda5 quiet"').map((t) => t.value)).toEqual(['/dev/sda5']);
  });
});

describe('release files', () => {
  it('redhat-release variants', () => {
    expect(parseRedhatRelease('Red Hat Enterprise Linux AS release 4 (Nahant Update 8)\n', '/etc/redhat-release')).toMatchObject({ id: 'rhel', major: 4, minor: 8, family: 'rhel' });
    expect(parseRedhatRelease('CentOS release 5.11 (Final)\n', 'f')).toMatchObject({ id: 'centos', major: 5, minor: 11 });
    expect(parseRedhatRelease('CentOS Linux release 7.9.2009 (Core)\n', 'f')).toMatchObject({ id: 'centos', major: 7, minor: 9 });
    expect(parseRedhatRelease('Fedora release 8 (Werewolf)\n', 'f')).toMatchObject({ id: 'fedora', major: 8, minor: 0 });
    expect(parseRedhatRelease('Something odd\n', 'f')).toMatchObject({ id: 'redhat-based', major: null });
  });

  it('SuSE-release, os-release, lsb-release', () => {
    expect(parseSuseRelease('openSUSE 11.1 (x86_64)\nVERSION = 11.1\n')).toMatchObject({ id: 'opensuse', major: 11, minor: 1, patchlevel: null, family: 'suse' });
    expect(parseOsRelease('ID="sles"\nVERSION_ID="15.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\n')).toMatchObject({ id: 'sles', major: 15, minor: 5, family: 'suse' });
    expect(parseOsRelease('ID=pop\nID_LIKE="ubuntu debian"\nVERSION_ID=22.04\n')).toMatchObject({ id: 'pop', family: 'debian' });
    expect(parseLsbRelease('DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=8.04\nDISTRIB_DESCRIPTION="Ubuntu 8.04.4 LTS"\n')).toMatchObject({ id: 'ubuntu', major: 8, minor: 4 });
  });
});

describe('kernels and boot files', () => {
  it('chooses the initrd by libguestfs rules: contains the version, not kdump, shortest', () => {
    const boot = ['initrd-2.6.18-398.el5xen.img', 'initrd-2.6.18-398.el5.img', 'initrd-2.6.18-398.el5kdump.img', 'initrd.img-5.15.0-91-generic', 'initramfs-4.18.0-513.el8.x86_64kdump.img', 'initramfs-4.18.0-513.el8.x86_64.img'];
    expect(chooseInitrd(boot, '2.6.18-398.el5')).toBe('initrd-2.6.18-398.el5.img');
    expect(chooseInitrd(boot, '2.6.18-398.el5xen')).toBe('initrd-2.6.18-398.el5xen.img');
    expect(chooseInitrd(boot, '5.15.0-91-generic')).toBe('initrd.img-5.15.0-91-generic');
    expect(chooseInitrd(boot, '4.18.0-513.el8.x86_64')).toBe('initramfs-4.18.0-513.el8.x86_64.img');
    expect(chooseInitrd(boot, '9.9')).toBeNull();
    expect(compareVersions('2.6.18-398.el5', '2.6.18-8.el5')).toBeGreaterThan(0);
  });

  it('GRUB legacy: globals, entries, `=` or blank separators, (hdX,Y) paths, Xen hypervisor names', () => {
    const config = parseGrubLegacy('default=1\ntimeout 3\n# title not this\ntitle A\n  kernel (hd0,0)/vmlinuz root=/dev/hda1\ntitle B\n kernel=/xen.gz\n module /vmlinuz-xen\n');
    expect(config.globals.map((g) => [g.keyword, g.args])).toEqual([['default', '1'], ['timeout', '3']]);
    expect(config.entries.map((e) => [e.title, e.titleLine, e.endLine, e.commands.length])).toEqual([['A', 3, 5, 1], ['B', 5, 8, 2]]);
    expect(splitKernelArgs('(hd0,0)/vmlinuz root=/dev/hda1')).toEqual({ path: '/vmlinuz', args: 'root=/dev/hda1' });
    expect(['/xen.gz', '/boot/xen.gz', '/xen.gz-2.6.18-398.el5', '/boot/xen-4.1.gz', '/xen-3.0.3.gz'].every(isXenHypervisorPath)).toBe(true);
    expect(['/vmlinuz-2.6.18-xen', '/boot/vmlinuz', '/xenial.img'].some(isXenHypervisorPath)).toBe(false);
  });

  it('GRUB 2: linux/linux16/linuxefi lines with their titles and initrds', () => {
    const lines = parseGrub2Linux("menuentry 'A' {\n  linux /vmlinuz root=/dev/sda1\n  initrd /initrd\n}\nmenuentry \"B \\\"q\\\"\" {\n\tlinuxefi /vmlinuz-2\n}\n");
    expect(lines.map((l) => [l.title, l.command, l.kernel, l.args, l.initrd])).toEqual([
      ['A', 'linux', '/vmlinuz', 'root=/dev/sda1', '/initrd'],
      ['B \\"q\\"', 'linuxefi', '/vmlinuz-2', '', null],
    ]);
  });

  it('grubenv round trip is exactly 1024 bytes; overflow is refused', () => {
    const env = parseGrubenv(`# GRUB Environment Block\nsaved_entry=0\n${'#'.repeat(1024 - 39)}`)!;
    expect(env.vars).toEqual([{ key: 'saved_entry', value: '0' }]);
    expect(formatGrubenv(env)!.length).toBe(1024);
    expect(formatGrubenv({ vars: [{ key: 'x', value: 'y'.repeat(1000) }] })).toBeNull();
    expect(parseGrubenv('not a grubenv')).toBeNull();
  });

  it('fstab fields keep their offsets; \\040 is decoded', () => {
    const [entry] = parseFstab('  /dev/sda1\t /mnt/My\\040Disk ext4 defaults 0 0\n');
    expect(entry).toMatchObject({ rawSpec: '/dev/sda1', specStart: 2, mountpoint: '/mnt/My Disk', type: 'ext4' });
  });

  it('the ELF header gives the architecture', () => {
    const elf = (cls: number, machine: number) => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, cls, 1, 1, ...new Array(11).fill(0), machine, 0]);
    expect(archOf(elf(1, 3))).toBe('i386');
    expect(archOf(elf(2, 183))).toBe('aarch64');
    expect(archOf(new Uint8Array(4))).toBeNull();
  });
});

describe('kernel generation', () => {
  const kernel = (version: string, config: Record<string, string> | null) => ({
    version,
    vmlinuz: `/boot/vmlinuz-${version}`,
    initrd: null,
    modules: null,
    config: config ? `/boot/config-${version}` : null,
    xen: 'no' as const,
    xenPvhvm: null,
    configValues: new Map(Object.entries(config ?? {})),
  });
  const distro = (id: string, major: number, minor = 0) => ({ id, name: id, family: 'other' as const, major, minor, patchlevel: null, source: 'x' });
  it('follows the guest, then the kernel config, then the distribution, then the kernel version', () => {
    const hd = [{ name: '/dev/hda1', kind: 'disk' as const, file: '/etc/fstab', line: 1 }];
    expect(kernelGeneration(distro('ubuntu', 22, 4), [], hd).generation).toBe('old-ide');
    expect(kernelGeneration(distro('centos', 5), [kernel('2.6.32', {})], []).generation).toBe('libata');
    expect(kernelGeneration(distro('centos', 5), [kernel('2.6.18', { CONFIG_IDE: 'y' })], []).generation).toBe('old-ide');
    expect(kernelGeneration(distro('centos', 6), [], []).generation).toBe('libata');
    expect(kernelGeneration(distro('debian', 5), [], []).generation).toBe('old-ide');
    expect(kernelGeneration(distro('debian', 6), [], []).generation).toBe('libata');
    expect(kernelGeneration(distro('ubuntu', 6, 10), [], []).generation).toBe('old-ide');
    expect(kernelGeneration(distro('ubuntu', 7, 4), [], []).generation).toBe('libata');
    expect(kernelGeneration(distro('fedora', 6), [], []).generation).toBe('old-ide');
    expect(kernelGeneration(null, [kernel('2.6.16', null)], []).generation).toBe('old-ide');
    expect(kernelGeneration(null, [kernel('5.15.0', null)], []).generation).toBe('libata');
    expect(kernelGeneration(null, [], []).generation).toBe('libata');
  });
});

describe('GuestTree', () => {
  it('resolves relative, absolute and cross-mount symlinks, `..`, and stops on loops', async () => {
    const root = new MemoryGuestFs({ '/etc/x': 'x', '/boot/': '', '/lib': { symlink: 'usr/lib' }, '/usr/lib/m': 'm', '/loop': { symlink: '/loop' }, '/to-boot': { symlink: '/boot/grub/../grub/menu.lst' } });
    const boot = new MemoryGuestFs({ '/grub/grub.conf': 'g', '/grub/menu.lst': { symlink: './grub.conf' }, '/boot': { symlink: '.' } });
    const tree = new GuestTree([
      { mountpoint: '/', volume: { ...memoryVolume('r', { partition: 1 }, root), fs: root } },
      { mountpoint: '/boot', volume: { ...memoryVolume('b', { partition: 2 }, boot), fs: boot } },
    ]);
    expect(await tree.realpath('/boot/grub/menu.lst')).toBe('/boot/grub/grub.conf');
    expect(await tree.realpath('/to-boot')).toBe('/boot/grub/grub.conf');
    expect(await tree.realpath('/boot/boot/boot/grub/menu.lst')).toBe('/boot/grub/grub.conf');
    expect(await tree.realpath('/lib/m')).toBe('/usr/lib/m');
    expect(await tree.realpath('/loop')).toBeNull();
    expect(new TextDecoder().decode((await tree.readFile('/to-boot'))!)).toBe('g');
    expect(tree.locate('/boot/grub/grub.conf')!.inner).toBe('/grub/grub.conf');
    expect(tree.locate('/bootx')!.mount.mountpoint).toBe('/');
  });
});
