import { describe, expect, it } from 'vitest';
import { planGuestFixups, type GuestFixupOptions } from '../../../../src/engine/guest/fixups/plan-fixups';
import { inspectGuest } from '../../../../src/engine/guest/inspect/inspect-guest';
import type { GuestVolumeView } from '../../../../src/engine/guest/inspect/guest-tree';
import { CENTOS5_GRUB, centos5, debianEtch, ETCH_FSTAB, ETCH_MENU, RHEL8_GRUBENV_BODY, rhel8, sles10, SLES10_MENU, ubuntu2204, UBUNTU_GRUB_CFG } from '../inspect/guest-fixtures';
import { MemoryGuestFs, memoryVolume } from '../inspect/memory-guest-fs';

async function plan(volumes: GuestVolumeView[], options: GuestFixupOptions, diskCount = 1) {
  const guest = await inspectGuest(volumes, { diskCount });
  return planGuestFixups(guest, options);
}

const editOf = (result: Awaited<ReturnType<typeof plan>>, path: string) => {
  const edit = result.edits.find((e) => e.path === path);
  if (!edit) throw new Error(`no edit of ${path}; edits: ${result.edits.map((e) => e.path).join(', ')}`);
  return edit;
};

describe('planGuestFixups: device renaming', () => {
  it('Debian etch → VMware: hd → sd in fstab, menu.lst (kernel lines and # kopt) and device.map; CD-ROM and floppy lines stay', async () => {
    const result = await plan(debianEtch(), { target: 'vmware' });
    expect(result.edits.map((e) => e.path)).toEqual(['/etc/fstab', '/boot/grub/menu.lst', '/boot/grub/device.map']);
    const fstab = editOf(result, '/etc/fstab');
    expect(fstab.after).toBe(ETCH_FSTAB.replace('/dev/hda1       /', '/dev/sda1       /').replace('/dev/hda5 ', '/dev/sda5 '));
    expect(fstab.after).toContain('/dev/hdc        /media/cdrom0');
    expect(fstab.after).toContain('/dev/fd0        /media/floppy0');
    expect(fstab.reasons).toEqual([
      'line 5: /dev/hda1 → /dev/sda1 (disk 1 (a) is sda on the target: VMware disks are on a SCSI controller (sdX))',
      'line 6: /dev/hda5 → /dev/sda5 (disk 1 (a) is sda on the target: VMware disks are on a SCSI controller (sdX))',
    ]);
    expect(fstab.filesystem).toBe('etch.vmdk partition 1 (ext3, /)');
    expect(fstab.id).toBe('etch.vmdk partition 1:/etc/fstab');
    expect(fstab.enabled).toBe(true);
    expect(fstab.diff).toContain('--- a/etc/fstab\n+++ b/etc/fstab\n@@ -2,7 +2,7 @@');
    expect(fstab.diff).toContain('-/dev/hda1       /               ext3');
    expect(fstab.diff).toContain('+/dev/sda1       /               ext3');
    const menu = editOf(result, '/boot/grub/menu.lst');
    expect(menu.after).toBe(ETCH_MENU.replaceAll('root=/dev/hda1', 'root=/dev/sda1'));
    expect(menu.after).toContain('root\t\t(hd0,0)');
    expect(menu.reasons.map((r) => r.split(' (')[0])).toEqual(['line 8: root=/dev/hda1 → /dev/sda1', 'line 14: root=/dev/hda1 → /dev/sda1', 'line 20: root=/dev/hda1 → /dev/sda1']);
    expect(editOf(result, '/boot/grub/device.map').after).toBe('(hd0)\t/dev/sda\n');
    expect(result.decisions[0]).toContain('old IDE (hdX)');
  });

  it('Debian etch → VirtualBox on an old IDE kernel: hd stays hd, nothing to change', async () => {
    const result = await plan(debianEtch(), { target: 'virtualbox' });
    expect(result.edits).toEqual([]);
    expect(result.decisions.join('\n')).toContain('hdX');
  });

  it('the generic OVF target changes no names', async () => {
    const result = await plan(debianEtch(), { target: 'ovf' });
    expect(result.edits).toEqual([]);
  });

  it('names: uuid turns disk paths into UUID= from the filesystem and swap superblocks; device.map keeps whole-disk names', async () => {
    const result = await plan(debianEtch(), { target: 'virtualbox', names: 'uuid' });
    const fstab = editOf(result, '/etc/fstab');
    expect(fstab.after).toContain('UUID=0a1b2c3d-0000-4000-8000-000000000001       /  ');
    expect(fstab.after).toContain('UUID=5a5a5a5a-0000-4000-8000-000000000005       none');
    expect(fstab.after).toContain('/dev/hdc        /media/cdrom0');
    expect(fstab.reasons[0]).toBe('line 5: /dev/hda1 → UUID=0a1b2c3d-0000-4000-8000-000000000001 (UUID names do not depend on the disk bus; etch.vmdk partition 1 has UUID 0a1b2c3d-0000-4000-8000-000000000001)');
    expect(editOf(result, '/boot/grub/menu.lst').after).toContain('kernel\t\t/boot/vmlinuz-2.6.18-6-686 root=UUID=0a1b2c3d-0000-4000-8000-000000000001 ro\n');
    expect(result.edits.some((e) => e.path === '/boot/grub/device.map')).toBe(false);
  });

  it('SLES 10 → KVM: by-id names become UUIDs (fstab UUID=, kernel line /dev/disk/by-uuid/), device.map sda → vda', async () => {
    const result = await plan(sles10(), { target: 'kvm' });
    const fstab = editOf(result, '/etc/fstab');
    expect(fstab.after.split('\n')[0]).toBe('UUID=11111111-2222-4333-8444-555555555555 /                    ext3       acl,user_xattr        1 1');
    expect(fstab.after.split('\n')[1]).toBe('UUID=99999999-8888-4777-8666-555555555555 swap                 swap       defaults              0 0');
    expect(fstab.reasons[0]).toContain("by-id names contain the source disk's bus and serial number");
    const menu = editOf(result, '/boot/grub/menu.lst');
    expect(menu.after).toBe(
      SLES10_MENU.replaceAll('root=/dev/disk/by-id/scsi-SATA_VBOX_HARDDISK_VB12345678-9abcdef0-part2', 'root=/dev/disk/by-uuid/11111111-2222-4333-8444-555555555555').replace(
        'resume=/dev/disk/by-id/scsi-SATA_VBOX_HARDDISK_VB12345678-9abcdef0-part1',
        'resume=/dev/disk/by-uuid/99999999-8888-4777-8666-555555555555',
      ),
    );
    expect(menu.reasons).toHaveLength(3);
    expect(menu.reasons[0]).toMatch(/^line 10: root=/);
    expect(menu.reasons[1]).toMatch(/^line 10: resume=/);
    expect(editOf(result, '/boot/grub/device.map').after).toBe('(hd0)\t/dev/vda\n');
  });

  it('SLES 10 with two disks: by-id names cannot be resolved, so they stay, with a warning to fix them by hand', async () => {
    const result = await plan(sles10(), { target: 'kvm' }, 2);
    expect(result.edits.map((e) => e.path)).toEqual(['/boot/grub/device.map']);
    expect(result.warnings.filter((w) => w.includes('with several disks VM Ferry cannot tell which disk it is'))).toHaveLength(5);
  });

  it('leaves UUID=, LABEL= (even LABEL=SWAP-hda2), /dev/mapper, /dev/VG/LV, md, CD-ROMs alone; warns on disks the appliance lacks and on cciss; maps nvme', async () => {
    const fstab = [
      'LABEL=/ / ext3 defaults 1 1',
      'LABEL=SWAP-hda2 swap swap defaults 0 0',
      'UUID=abc /data ext4 defaults 0 2',
      '/dev/mapper/vg--data-lv--home /home ext4 defaults 0 2',
      '/dev/VolGroup00/LogVol02 /srv ext3 defaults 0 2',
      '/dev/md0 /raid ext3 defaults 0 2',
      '/dev/sdc1 /third ext3 defaults 0 2',
      '/dev/cciss/c0d0p3 /hp ext3 defaults 0 2',
      '/dev/nvme0n1p4 /fast ext4 defaults 0 2',
      '/dev/scd0 /media/cdrom auto ro,noauto 0 0',
      '/dev/sdb1 /second ext3 defaults 0 2',
      '',
    ].join('\n');
    const root = new MemoryGuestFs({ '/bin/': '', '/etc/fstab': fstab }, 'ext3', null, '/');
    const result = await plan([memoryVolume('d1 partition 1', { disk: 0, partition: 1 }, root)], { target: 'xenserver-pv' }, 2);
    const edit = editOf(result, '/etc/fstab');
    expect(edit.after.split('\n')).toEqual([
      'LABEL=/ / ext3 defaults 1 1',
      'LABEL=SWAP-hda2 swap swap defaults 0 0',
      'UUID=abc /data ext4 defaults 0 2',
      '/dev/mapper/vg--data-lv--home /home ext4 defaults 0 2',
      '/dev/VolGroup00/LogVol02 /srv ext3 defaults 0 2',
      '/dev/md0 /raid ext3 defaults 0 2',
      '/dev/sdc1 /third ext3 defaults 0 2',
      '/dev/cciss/c0d0p3 /hp ext3 defaults 0 2',
      '/dev/xvda4 /fast ext4 defaults 0 2',
      '/dev/scd0 /media/cdrom auto ro,noauto 0 0',
      '/dev/xvdb1 /second ext3 defaults 0 2',
      '',
    ]);
    expect(result.warnings).toContain('/etc/fstab line 7: /dev/sdc1 refers to disk 3, but the appliance has 2 disks: left as it is, fix it by hand');
    expect(result.warnings).toContain('/etc/fstab line 8: /dev/cciss/c0d0p3 is an HP Smart Array (cciss) name, which is never remapped: fix it by hand');
    expect(result.decisions).toContain('Disk order is assumed unchanged on the target (disk 1 = xvda, disk 2 = xvdb, ...)');
  });

  it('Ubuntu 22.04 → KVM: UUID names everywhere, so no edits; an initrd that cannot be read is reported as unchecked', async () => {
    const result = await plan(ubuntu2204(), { target: 'kvm' });
    expect(result.edits).toEqual([]);
    expect(result.warnings.join('\n')).toContain('could not check its initrd for virtio block (virtio_blk) (/boot/initrd.img-5.15.0-91-generic: zstd: unexpected EOF)');
    expect(result.warnings.join('\n')).toContain('update-initramfs -u -k 5.15.0-91-generic');
  });

  it('GRUB 2: linux lines and GRUB_CMDLINE_LINUX resume= are rewritten; set root and search stay', async () => {
    const cfg = UBUNTU_GRUB_CFG.replace(/root=UUID=\S+/, 'root=/dev/sda2 resume=/dev/sda3').replace('\tinitrd\t', '\tlinux16 /boot/old root=/dev/sda2\n\tinitrd\t');
    const defaults = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet splash resume=/dev/sda3"\nGRUB_CMDLINE_LINUX="root=/dev/sda2"\n# GRUB_CMDLINE_LINUX="resume=/dev/sda9"\n';
    const result = await plan(ubuntu2204(cfg, defaults), { target: 'kvm' });
    const grub = editOf(result, '/boot/grub/grub.cfg');
    expect(grub.after).toContain('\tlinux\t/boot/vmlinuz-5.15.0-91-generic root=/dev/vda2 resume=/dev/vda3 ro  quiet splash $vt_handoff\n');
    expect(grub.after).toContain('\tlinux16 /boot/old root=/dev/vda2\n');
    expect(grub.after).toContain("set root='hd0,gpt2'");
    expect(grub.after).toContain('search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2');
    expect(grub.reasons).toHaveLength(3);
    const defaultGrub = editOf(result, '/etc/default/grub');
    expect(defaultGrub.after).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet splash resume=/dev/vda3"\nGRUB_CMDLINE_LINUX="root=/dev/vda2"\n# GRUB_CMDLINE_LINUX="resume=/dev/sda9"\n');
    // The EFI partition's grub.cfg is a configfile wrapper: nothing to change, and vfat is not written.
    expect(result.edits.some((e) => e.path.startsWith('/boot/efi'))).toBe(false);
  });

  it('RHEL 8: grubenv kernelopts rewritten and kept at exactly 1024 bytes; BLS options; /etc/default/grub', async () => {
    const result = await plan(rhel8(), { target: 'kvm' });
    const env = editOf(result, '/boot/grub2/grubenv');
    expect(new TextEncoder().encode(env.after).length).toBe(1024);
    expect(env.after).toContain('kernelopts=root=/dev/vda2 ro crashkernel=auto resume=/dev/vda3 rhgb quiet\n');
    expect(env.after.startsWith('# GRUB Environment Block\n')).toBe(true);
    expect(editOf(result, '/boot/loader/entries/abc-0-rescue.conf').after).toContain('options root=/dev/vda2 ro resume=/dev/vda3\n');
    expect(result.edits.some((e) => e.path === '/boot/loader/entries/abc-4.18.0-513.el8.x86_64.conf')).toBe(false);
    expect(editOf(result, '/etc/default/grub').after).toContain('GRUB_CMDLINE_LINUX="crashkernel=auto resume=/dev/vda3 rhgb quiet"');
  });

  it('grubenv with UUID names: the padding absorbs the longer text, still 1024 bytes', async () => {
    const result = await plan(rhel8(), { target: 'kvm', names: 'uuid' });
    const env = editOf(result, '/boot/grub2/grubenv');
    expect(env.after).toContain('kernelopts=root=UUID=aaaaaaaa-0000-4000-8000-000000000002 ro crashkernel=auto resume=UUID=cccccccc-0000-4000-8000-000000000003 rhgb quiet\n');
    expect(new TextEncoder().encode(env.after).length).toBe(1024);
    expect(env.after.endsWith('#')).toBe(true);
  });

  it('grubenv without room for the longer names: left alone, with a warning', async () => {
    const volumes = rhel8();
    const fs = volumes[0]!.fs as MemoryGuestFs;
    const full = RHEL8_GRUBENV_BODY.replace('boot_success=0\n', `filler=${'x'.repeat(1024 - RHEL8_GRUBENV_BODY.length + 15 - 8 - 1)}\n`);
    const node = fs.nodes.get('/boot/grub2/grubenv') as { bytes: Uint8Array };
    node.bytes = new TextEncoder().encode(full + '#'.repeat(1024 - full.length));
    expect(node.bytes.length).toBe(1024);
    const result = await plan(volumes, { target: 'kvm', names: 'uuid' });
    expect(result.edits.some((e) => e.path === '/boot/grub2/grubenv')).toBe(false);
    expect(result.warnings.join('\n')).toContain('/boot/grub2/grubenv: the renamed kernelopts do not fit the 1024-byte environment block');
  });
});

describe('planGuestFixups: target kernels and drivers', () => {
  it('Hyper-V, old IDE kernel without hv_storvsc: hd names stay; the slow-IDE note says to install the driver', async () => {
    const result = await plan(debianEtch(), { target: 'hyperv' });
    expect(result.edits).toEqual([]);
    expect(result.warnings.join('\n')).toContain(
      'Kernel 2.6.18-6-686 has no Hyper-V storage (hv_storvsc) ready at boot: its disk will run on IDE (ata_piix, or piix on old IDE kernels), which boots but is slow. For the faster driver, inside the guest: install a kernel or integration package that has hv_storvsc',
    );
  });

  it('Hyper-V, old IDE kernel whose initrd has hv_storvsc (LIS installed): storvsc takes the disk, so hd → sd', async () => {
    const volumes = debianEtch();
    const fs = volumes[0]!.fs as MemoryGuestFs;
    const config = fs.nodes.get('/boot/config-2.6.18-6-686') as { bytes: Uint8Array };
    config.bytes = new TextEncoder().encode('CONFIG_IDE=y\nCONFIG_HYPERV_STORAGE=y\n');
    const result = await plan(volumes, { target: 'hyperv' });
    expect(editOf(result, '/etc/fstab').after).toContain('/dev/sda1       /');
    expect(result.decisions.join('\n')).toContain('hv_storvsc, which takes the IDE boot disk as sdX');
    expect(result.warnings.join('\n')).not.toContain('hv_storvsc');
  });

  it('XenServer HVM with a PVHVM kernel (CONFIG_XEN_PVHVM, xen-blkfront built in): disks are xvd', async () => {
    const root = new MemoryGuestFs({
      '/bin/': '',
      '/etc/fstab': '/dev/sda1 / ext4 defaults 0 1\n',
      '/etc/os-release': 'ID=debian\nVERSION_ID="11"\n',
      '/boot/vmlinuz-5.10.0-26-amd64': 'k',
      '/boot/config-5.10.0-26-amd64': 'CONFIG_XEN=y\nCONFIG_XEN_PVHVM=y\nCONFIG_XEN_BLKDEV_FRONTEND=y\nCONFIG_ATA_PIIX=y\n',
    });
    const result = await plan([memoryVolume('d partition 1', { partition: 1 }, root)], { target: 'xenserver' });
    expect(editOf(result, '/etc/fstab').after).toBe('/dev/xvda1 / ext4 defaults 0 1\n');
    expect(result.decisions.join('\n')).toContain('PVHVM');
  });

  it('/etc/crypttab devices are renamed like fstab specs; UUID= ones stay', async () => {
    const root = new MemoryGuestFs({
      '/bin/': '',
      '/etc/fstab': '/dev/mapper/cr_home /home ext4 defaults 0 2\n',
      '/etc/crypttab': '# <name> <device> <password> <options>\ncr_home /dev/sda3 none luks\ncr_swap UUID=abcd /dev/urandom swap\n',
    });
    const result = await plan([memoryVolume('d partition 1', { partition: 1 }, root)], { target: 'kvm' });
    expect(editOf(result, '/etc/crypttab').after).toBe('# <name> <device> <password> <options>\ncr_home /dev/vda3 none luks\ncr_swap UUID=abcd /dev/urandom swap\n');
  });
});

describe('planGuestFixups: Xen PV and boot entries', () => {
  it('CentOS 5 → XenServer PV: the Xen entry boots its kernel directly, default/hiddenmenu/timeout, xvd names, through menu.lst -> grub.conf on /boot', async () => {
    const result = await plan(centos5(), { target: 'xenserver-pv', pv: true });
    const grub = editOf(result, '/boot/grub/grub.conf');
    expect(grub.filesystem).toBe('centos.vmdk partition 1 (ext3, /boot)');
    expect(grub.id).toBe('centos.vmdk partition 1:/boot/grub/grub.conf');
    expect(grub.after).toBe(
      CENTOS5_GRUB.replace('hiddenmenu', '#hiddenmenu')
        .replace('\tkernel /xen.gz-2.6.18-398.el5\n', '')
        .replace('\tmodule /vmlinuz-2.6.18-398.el5xen', '\tkernel /vmlinuz-2.6.18-398.el5xen')
        .replace('\tmodule /initrd-2.6.18-398.el5xen.img', '\tinitrd /initrd-2.6.18-398.el5xen.img')
        .replace('resume=/dev/hda2', 'resume=/dev/xvda2'),
    );
    expect(grub.reasons).toEqual([
      'line 13: hiddenmenu commented out (so the PV entry can be chosen on the XenServer console)',
      "line 16: Xen hypervisor line removed: a PV guest runs under XenServer's hypervisor and pygrub boots the kernel itself",
      'line 17: module → kernel: the Xen-capable kernel, booted directly by pygrub',
      'line 18: module → initrd: its initrd',
      'line 21: resume=/dev/hda2 → /dev/xvda2 (disk 1 (a) is xvda on the target: Xen PV disks are xvdX (xen-blkfront))',
    ]);
    expect(grub.diff).toContain('-\tkernel /xen.gz-2.6.18-398.el5\n-\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/VolGroup00/LogVol00\n');
    expect(editOf(result, '/boot/grub/device.map').after).toBe('# this device map was generated by anaconda\n(hd0)     /dev/xvda\n');
    expect(result.edits.some((e) => e.path === '/etc/fstab')).toBe(false);
    expect(result.decisions.join('\n')).toContain('Xen PV: GRUB legacy entry 0 now boots its Xen kernel directly (pygrub)');
    expect(result.decisions.join('\n')).toContain('uses xvc0');
    // The initrd (empty in this fixture) lacks xenblk: the advice is RHEL 5's mkinitrd.
    expect(result.warnings.join('\n')).toContain('mkinitrd -f --with=xenblk /boot/initrd-2.6.18-398.el5xen.img 2.6.18-398.el5xen');
  });

  it('the xenserver-pv target implies the PV boot edit (pygrub would otherwise boot xen.gz)', async () => {
    const implied = await plan(centos5(), { target: 'xenserver-pv' });
    const explicit = await plan(centos5(), { target: 'xenserver-pv', pv: true });
    expect(implied.edits).toEqual(explicit.edits);
  });

  it('CentOS 5 PV when the plain kernel is the default: default moves to the Xen entry; a short timeout is raised', async () => {
    const volumes = centos5();
    const boot = volumes[0]!.fs as MemoryGuestFs;
    const node = boot.nodes.get('/grub/grub.conf') as { bytes: Uint8Array };
    node.bytes = new TextEncoder().encode(CENTOS5_GRUB.replace('default=0', 'default=1').replace('timeout=5', 'timeout=0'));
    const result = await plan(volumes, { target: 'xenserver-pv', pv: true });
    const grub = editOf(result, '/boot/grub/grub.conf');
    expect(grub.after).toContain('\ndefault=0\ntimeout=5\n');
    expect(grub.reasons).toContain('line 10: default 1 → 0 (boot the Xen PV entry "CentOS (2.6.18-398.el5xen)")');
    expect(grub.reasons).toContain('line 11: timeout 0 → 5 (time to choose another entry on the new hypervisor)');
  });

  it('PV on a guest without a Xen entry or Xen-capable kernel: a warning saying what to install', async () => {
    const result = await plan(debianEtch(), { target: 'xenserver-pv', pv: true });
    expect(result.warnings.join('\n')).toContain('Xen PV boot needs a Xen-capable kernel: kernel 2.6.18-6-686 is not one');
    expect(editOf(result, '/etc/fstab').after).toContain('/dev/xvda1       /');
  });

  it('boot shim entry: a new entry boots the shim with the default kernel and initrd as modules, and becomes the default', async () => {
    const result = await plan(centos5(), { target: 'hyperv', bootEntry: { kernel: '/x2v-64.gz', title: 'CentOS with Hyper-V shim' } });
    const grub = editOf(result, '/boot/grub/grub.conf');
    expect(grub.after.endsWith(
      [
        'title CentOS with Hyper-V shim',
        '\troot (hd0,0)',
        '\tkernel /x2v-64.gz',
        '\tmodule /vmlinuz-2.6.18-398.el5 ro root=/dev/VolGroup00/LogVol00 resume=/dev/hda2',
        '\tmodule /initrd-2.6.18-398.el5.img',
        '',
      ].join('\n'),
    )).toBe(true);
    expect(grub.after).toContain('\ndefault=2\n');
    expect(grub.reasons).toContain('line 10: default 0 → 2 (boot the new /x2v-64.gz entry)');
  });

  it('a filesystem that refuses writes: the edit is planned but switched off, with the reason', async () => {
    const volumes = debianEtch();
    (volumes[0]!.fs as MemoryGuestFs).writeRefusal = 'the journal needs recovery (needs_recovery is set)';
    const result = await plan(volumes, { target: 'vmware' });
    expect(result.edits.every((e) => !e.enabled)).toBe(true);
    expect(result.warnings).toContain('/etc/fstab cannot be changed: etch.vmdk partition 1 (ext3, /) is not safe to write (the journal needs recovery (needs_recovery is set))');
  });
});
