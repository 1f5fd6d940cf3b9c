import { describe, expect, it } from 'vitest';
import { inspectGuest } from '../../../../src/engine/guest/inspect/inspect-guest';
import { centos5, debianEtch, rhel8, sles10, ubuntu2204, UBUNTU_ROOT_UUID } from './guest-fixtures';
import { MemoryGuestFs, memoryVolume } from './memory-guest-fs';

describe('inspectGuest', () => {
  it('Debian etch: root, fstab with hd names, GRUB legacy, old IDE generation', async () => {
    const { report } = await inspectGuest(debianEtch(), { diskCount: 1 });
    expect(report.os).toBe('linux');
    expect(report.root).toBe('etch.vmdk partition 1');
    expect(report.distro).toMatchObject({ id: 'debian', family: 'debian', major: 4, minor: 0, source: '/etc/debian_version' });
    expect(report.hostname).toBe('etch');
    expect(report.fstab.map((e) => [e.spec, e.mountpoint, e.nameKind, e.resolvedTo])).toEqual([
      ['proc', '/proc', 'other', null],
      ['/dev/hda1', '/', 'disk', 'etch.vmdk partition 1'],
      ['/dev/hda5', 'none', 'disk', 'etch.vmdk partition 5'],
      ['/dev/hdc', '/media/cdrom0', 'disk', null],
      ['/dev/fd0', '/media/floppy0', 'floppy', null],
    ]);
    expect(report.filesystems.find((f) => f.id === 'etch.vmdk partition 5')).toMatchObject({ role: 'swap', mountpoint: 'swap' });
    expect(report.bootloader?.kind).toBe('grub-legacy');
    expect(report.bootloader?.configs[0]).toMatchObject({ path: '/boot/grub/menu.lst', defaultEntry: 0, timeout: 5, hiddenmenu: false });
    expect(report.bootloader?.configs[0]?.entries[0]).toMatchObject({
      kernel: '/boot/vmlinuz-2.6.18-6-686',
      initrd: '/boot/initrd.img-2.6.18-6-686',
      args: 'root=/dev/hda1 ro',
    });
    expect(report.bootloader?.deviceMap?.entries).toEqual([{ bios: '(hd0)', device: '/dev/hda' }]);
    expect(report.kernels).toHaveLength(1);
    expect(report.kernels[0]).toMatchObject({ version: '2.6.18-6-686', initrd: '/boot/initrd.img-2.6.18-6-686', modules: '/lib/modules/2.6.18-6-686', xen: 'no' });
    expect(report.kernels[0]!.storageDrivers).toEqual([{ driver: 'ata_piix', where: 'modules' }, { driver: 'piix', where: 'builtin' }]);
    expect(report.naming.generation).toBe('old-ide');
    expect(report.naming.generationReason).toContain('/dev/hda1 in /etc/fstab line 5');
    expect(report.naming.styles).toEqual(['disk:hd', 'floppy']);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('SLES 10: by-id names resolve with one disk, SuSE-release product/version/patchlevel', async () => {
    const { report } = await inspectGuest(sles10(), { diskCount: 1 });
    expect(report.distro).toMatchObject({ id: 'sles', family: 'suse', major: 10, patchlevel: 2, name: 'SUSE Linux Enterprise Server 10 (x86_64)' });
    expect(report.hostname).toBe('sles10.example.com');
    expect(report.fstab[0]).toMatchObject({ nameKind: 'by-id', resolvedTo: 'sles.vmdk partition 2' });
    expect(report.fstab[1]).toMatchObject({ nameKind: 'by-id', resolvedTo: 'sles.vmdk partition 1' });
    expect(report.naming.styles).toEqual(['by-id', 'disk:sd']);
    expect(report.naming.generation).toBe('old-ide');
    expect(report.naming.generationReason).toContain('SUSE');
  });

  it('SLES 10 with two disks: by-id cannot be resolved and says so', async () => {
    const { report } = await inspectGuest(sles10(), { diskCount: 2 });
    expect(report.fstab[0]!.resolvedTo).toBeNull();
    expect(report.warnings.join('\n')).toContain('does not match any volume');
  });

  it('CentOS 5: LVM root, LABEL=/boot mounted, menu.lst -> grub.conf, Xen entry, kernels with /boot prefix', async () => {
    const { report, tree } = await inspectGuest(centos5(), { diskCount: 1 });
    expect(report.root).toBe('VolGroup00/LogVol00');
    expect(report.distro).toMatchObject({ id: 'centos', family: 'rhel', major: 5, minor: 11 });
    expect(report.hostname).toBe('centos5.localdomain');
    expect(report.filesystems.find((f) => f.id === 'centos.vmdk partition 1')).toMatchObject({ role: 'boot', mountpoint: '/boot' });
    expect(report.filesystems.find((f) => f.id === 'VolGroup00/LogVol01')).toMatchObject({ role: 'swap', mountpoint: 'swap' });
    const configs = report.bootloader!.configs;
    expect(configs.map((c) => [c.path, c.realPath])).toEqual([['/boot/grub/menu.lst', '/boot/grub/grub.conf']]);
    expect(configs[0]).toMatchObject({ defaultEntry: 0, timeout: 5, hiddenmenu: true });
    expect(configs[0]!.entries[0]).toMatchObject({
      xenHypervisor: true,
      kernel: '/boot/vmlinuz-2.6.18-398.el5xen',
      initrd: '/boot/initrd-2.6.18-398.el5xen.img',
      modules: ['/vmlinuz-2.6.18-398.el5xen ro root=/dev/VolGroup00/LogVol00', '/initrd-2.6.18-398.el5xen.img'],
    });
    expect(configs[0]!.entries[1]).toMatchObject({ xenHypervisor: false, kernel: '/boot/vmlinuz-2.6.18-398.el5', initrd: '/boot/initrd-2.6.18-398.el5.img' });
    expect(report.kernels.map((k) => [k.version, k.xen, k.initrd])).toEqual([
      ['2.6.18-398.el5xen', 'only', '/boot/initrd-2.6.18-398.el5xen.img'],
      ['2.6.18-398.el5', 'no', '/boot/initrd-2.6.18-398.el5.img'],
    ]);
    expect(report.kernels[0]!.storageDrivers).toEqual([{ driver: 'xenblk', where: 'modules' }]);
    expect(report.naming.generation).toBe('old-ide');
    expect(report.naming.styles).toEqual(['disk:hd', 'label', 'lvm']);
    expect(await tree!.realpath('/boot/grub/menu.lst')).toBe('/boot/grub/grub.conf');
  });

  it('Ubuntu 22.04: UUIDs, GRUB 2, usr-merged /bin, the arch from /bin/bash, a damaged zstd initrd reported as not checked', async () => {
    const { report } = await inspectGuest(ubuntu2204(), { diskCount: 1 });
    expect(report.root).toBe('jammy.vmdk partition 2');
    expect(report.distro).toMatchObject({ id: 'ubuntu', family: 'debian', major: 22, minor: 4 });
    expect(report.arch).toBe('x86_64');
    expect(report.fstab[0]).toMatchObject({ spec: `UUID=${UBUNTU_ROOT_UUID}`, nameKind: 'uuid', resolvedTo: 'jammy.vmdk partition 2' });
    expect(report.filesystems.find((f) => f.id === 'jammy.vmdk partition 1')).toMatchObject({ mountpoint: '/boot/efi', writeRefusal: 'vfat is read-only in VM Ferry' });
    expect(report.bootloader!.kind).toBe('grub2');
    expect(report.bootloader!.configs.map((c) => c.path)).toEqual(['/boot/grub/grub.cfg', '/boot/efi/EFI/ubuntu/grub.cfg']);
    expect(report.bootloader!.configs[0]!.entries[0]).toMatchObject({ title: 'Ubuntu', kernel: '/boot/vmlinuz-5.15.0-91-generic', initrd: '/boot/initrd.img-5.15.0-91-generic' });
    expect(report.bootloader!.grubenv).toMatchObject({ size: 1024, kernelopts: null });
    expect(report.bootloader!.defaultGrub).toMatchObject({ cmdlineLinuxDefault: 'quiet splash', cmdlineLinux: '' });
    const kernel = report.kernels[0]!;
    expect(kernel).toMatchObject({ version: '5.15.0-91-generic', modules: '/lib/modules/5.15.0-91-generic', xen: 'capable', initrdProblem: '/boot/initrd.img-5.15.0-91-generic: zstd: unexpected EOF' });
    expect(kernel.storageDrivers).toEqual([
      { driver: 'ahci', where: 'builtin' },
      { driver: 'ata_piix', where: 'builtin' },
      { driver: 'hv_storvsc', where: 'modules' },
      { driver: 'mptspi', where: 'modules' },
      { driver: 'virtio_blk', where: 'modules' },
      { driver: 'xen_blkfront', where: 'builtin' },
    ]);
    // NIC drivers are listed apart: virtio_net built in (CONFIG_VIRTIO_NET=y), hv_netvsc a zstd-compressed module.
    expect(kernel.networkDrivers).toEqual([
      { driver: 'hv_netvsc', where: 'modules' },
      { driver: 'virtio_net', where: 'builtin' },
    ]);
    expect(report.naming.generation).toBe('libata');
    expect(report.naming.styles).toEqual(['uuid']);
  });

  it('RHEL 8: grubenv kernelopts and BLS entries are read', async () => {
    const { report } = await inspectGuest(rhel8(), { diskCount: 1 });
    expect(report.distro).toMatchObject({ id: 'rhel', major: 8, minor: 9, source: '/etc/os-release' });
    expect(report.bootloader!.grubenv).toMatchObject({ path: '/boot/grub2/grubenv', kernelopts: 'root=/dev/sda2 ro crashkernel=auto resume=/dev/sda3 rhgb quiet', savedEntry: 'abc-4.18.0-513.el8.x86_64' });
    expect(report.bootloader!.bls.map((e) => [e.title, e.kernel, e.args])).toEqual([
      ['Rescue', '/vmlinuz-0-rescue-abc', 'root=/dev/sda2 ro resume=/dev/sda3'],
      ['Red Hat Enterprise Linux (4.18.0-513.el8.x86_64) 8.9 (Ootpa)', '/vmlinuz-4.18.0-513.el8.x86_64', '$kernelopts $tuned_params'],
    ]);
    expect(report.naming.devices.filter((d) => d.file === '/boot/grub2/grubenv').map((d) => d.name)).toEqual(['/dev/sda2', '/dev/sda3']);
  });

  it('no root: a clear warning, JSON-safe report', async () => {
    const data = new MemoryGuestFs({ '/photos/a.jpg': 'x' });
    const { report, tree } = await inspectGuest([memoryVolume('d.vmdk partition 1', { partition: 1 }, data)], { diskCount: 1 });
    expect(report.os).toBeNull();
    expect(tree).toBeNull();
    expect(report.warnings).toEqual(['No Linux root filesystem found (a directory /etc and /bin with /etc/fstab or /etc/hosts)']);
    expect(report.filesystems[0]).toMatchObject({ role: 'data' });
  });

  it('a root on a filesystem VM Ferry cannot read (XFS) is named', async () => {
    const { report } = await inspectGuest([memoryVolume('r.vmdk partition 2', { partition: 2 }, null, { type: 'xfs' }), memoryVolume('r.vmdk partition 3', { partition: 3 }, null)], { diskCount: 1 });
    expect(report.os).toBeNull();
    expect(report.warnings[1]).toBe('The root may be on r.vmdk partition 2 (xfs), which VM Ferry cannot read: the guest is not inspected or repaired');
  });

  it('several roots: the first is used with a warning, or the one asked for', async () => {
    const a = debianEtch()[0]!;
    const b = { ...sles10()[0]!, id: 'second partition', diskIndex: 1 };
    const first = await inspectGuest([a, b], { diskCount: 2 });
    expect(first.report.root).toBe(a.id);
    expect(first.report.warnings[0]).toContain('Several Linux root filesystems');
    const chosen = await inspectGuest([a, b], { diskCount: 2, root: 'second partition' });
    expect(chosen.report.root).toBe('second partition');
  });
});
