import type { GuestVolumeView } from '../../../../src/engine/guest/inspect/guest-tree';
import { MemoryGuestFs, memoryVolume } from './memory-guest-fs';

/**
 * Guests as real installers left them, in memory: the files that matter for inspection and repair, written the
 * way each distribution writes them (Debian etch's fstab with the CD-ROM on hdc, SLES 10's by-id names, CentOS
 * 5's LVM root and Xen kernel entries with menu.lst -> grub.conf, Ubuntu 22.04's UUIDs and GRUB 2, RHEL 8's
 * grubenv and BLS entries).
 */
export const ETCH_FSTAB = `# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
proc            /proc           proc    defaults        0       0
/dev/hda1       /               ext3    defaults,errors=remount-ro 0       1
/dev/hda5       none            swap    sw              0       0
/dev/hdc        /media/cdrom0   udf,iso9660 user,noauto     0       0
/dev/fd0        /media/floppy0  auto    rw,user,noauto  0       0
`;

export const ETCH_MENU = `# menu.lst - See: grub(8), info grub, update-grub(8)
default\t\t0
timeout\t\t5
color cyan/blue white/blue

### BEGIN AUTOMAGIC KERNELS LIST
## default kernel options
# kopt=root=/dev/hda1 ro

## ## End Default Options ##

title\t\tDebian GNU/Linux, kernel 2.6.18-6-686
root\t\t(hd0,0)
kernel\t\t/boot/vmlinuz-2.6.18-6-686 root=/dev/hda1 ro
initrd\t\t/boot/initrd.img-2.6.18-6-686
savedefault

title\t\tDebian GNU/Linux, kernel 2.6.18-6-686 (single-user mode)
root\t\t(hd0,0)
kernel\t\t/boot/vmlinuz-2.6.18-6-686 root=/dev/hda1 ro single
initrd\t\t/boot/initrd.img-2.6.18-6-686
savedefault

### END DEBIAN AUTOMAGIC KERNELS LIST
`;

export function debianEtch(initrd: Uint8Array = new Uint8Array(0)): GuestVolumeView[] {
  const root = new MemoryGuestFs(
    {
      '/bin/': '',
      '/etc/fstab': ETCH_FSTAB,
      '/etc/hosts': '127.0.0.1 localhost\n',
      '/etc/hostname': 'etch\n',
      '/etc/debian_version': '4.0\n',
      '/boot/grub/menu.lst': ETCH_MENU,
      '/boot/grub/device.map': '(hd0)\t/dev/hda\n',
      '/boot/vmlinuz-2.6.18-6-686': 'kernel',
      '/boot/initrd.img-2.6.18-6-686': initrd,
      '/boot/config-2.6.18-6-686': 'CONFIG_IDE=y\nCONFIG_BLK_DEV_PIIX=y\nCONFIG_ATA_PIIX=m\n',
      '/lib/modules/2.6.18-6-686/modules.dep': 'kernel/drivers/scsi/ata_piix.ko: kernel/drivers/ata/libata.ko\n',
    },
    'ext3',
    '0a1b2c3d-0000-4000-8000-000000000001',
  );
  return [
    memoryVolume('etch.vmdk partition 1', { disk: 0, partition: 1 }, root),
    memoryVolume('etch.vmdk partition 5', { disk: 0, partition: 5 }, null, { type: 'swap', uuid: '5a5a5a5a-0000-4000-8000-000000000005' }),
  ];
}

const SLES_ID = 'scsi-SATA_VBOX_HARDDISK_VB12345678-9abcdef0';

export const SLES10_FSTAB = `/dev/disk/by-id/${SLES_ID}-part2 /                    ext3       acl,user_xattr        1 1
/dev/disk/by-id/${SLES_ID}-part1 swap                 swap       defaults              0 0
proc                 /proc                proc       defaults              0 0
sysfs                /sys                 sysfs      noauto                0 0
debugfs              /sys/kernel/debug    debugfs    noauto                0 0
usbfs                /proc/bus/usb        usbfs      noauto                0 0
devpts               /dev/pts             devpts     mode=0620,gid=5       0 0
`;

export const SLES10_MENU = `# Modified by YaST2. Last modification on Mon Jan  5 10:00:00 UTC 2009
default 0
timeout 8
gfxmenu (hd0,1)/boot/message
##YaST - activate

###Don't change this comment - YaST2 identifier: Original name: linux###
title SUSE Linux Enterprise Server 10 SP2
    root (hd0,1)
    kernel /boot/vmlinuz-2.6.16.60-0.21-default root=/dev/disk/by-id/${SLES_ID}-part2 vga=0x314 resume=/dev/disk/by-id/${SLES_ID}-part1 splash=silent showopts
    initrd /boot/initrd-2.6.16.60-0.21-default

###Don't change this comment - YaST2 identifier: Original name: failsafe###
title Failsafe -- SUSE Linux Enterprise Server 10 SP2
    root (hd0,1)
    kernel /boot/vmlinuz-2.6.16.60-0.21-default root=/dev/disk/by-id/${SLES_ID}-part2 vga=normal showopts ide=nodma apm=off acpi=off noresume edd=off 3
    initrd /boot/initrd-2.6.16.60-0.21-default
`;

export function sles10(): GuestVolumeView[] {
  const root = new MemoryGuestFs(
    {
      '/bin/': '',
      '/etc/fstab': SLES10_FSTAB,
      '/etc/HOSTNAME': 'sles10.example.com\n',
      '/etc/SuSE-release': 'SUSE Linux Enterprise Server 10 (x86_64)\nVERSION = 10\nPATCHLEVEL = 2\n',
      '/boot/grub/menu.lst': SLES10_MENU,
      '/boot/grub/device.map': '(hd0)\t/dev/sda\n',
      '/boot/vmlinuz-2.6.16.60-0.21-default': 'kernel',
      '/boot/initrd-2.6.16.60-0.21-default': new Uint8Array(0),
      '/lib/modules/2.6.16.60-0.21-default/modules.dep': 'kernel/drivers/scsi/ata_piix.ko:\n',
    },
    'ext3',
    '11111111-2222-4333-8444-555555555555',
  );
  return [
    memoryVolume('sles.vmdk partition 2', { disk: 0, partition: 2 }, root),
    memoryVolume('sles.vmdk partition 1', { disk: 0, partition: 1 }, null, { type: 'swap', uuid: '99999999-8888-4777-8666-555555555555' }),
  ];
}

export const CENTOS5_FSTAB = `/dev/VolGroup00/LogVol00 /                       ext3    defaults        1 1
LABEL=/boot             /boot                   ext3    defaults        1 2
tmpfs                   /dev/shm                tmpfs   defaults        0 0
devpts                  /dev/pts                devpts  gid=5,mode=620  0 0
sysfs                   /sys                    sysfs   defaults        0 0
proc                    /proc                   proc    defaults        0 0
/dev/VolGroup00/LogVol01 swap                    swap    defaults        0 0
`;

export const CENTOS5_GRUB = `# grub.conf generated by anaconda
#
# Note that you do not have to rerun grub after making changes to this file
# NOTICE:  You have a /boot partition.  This means that
#          all kernel and initrd paths are relative to /boot/, eg.
#          root (hd0,0)
#          kernel /vmlinuz-version ro root=/dev/VolGroup00/LogVol00
#          initrd /initrd-version.img
#boot=/dev/hda
default=0
timeout=5
splashimage=(hd0,0)/grub/splash.xpm.gz
hiddenmenu
title CentOS (2.6.18-398.el5xen)
\troot (hd0,0)
\tkernel /xen.gz-2.6.18-398.el5
\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/VolGroup00/LogVol00
\tmodule /initrd-2.6.18-398.el5xen.img
title CentOS (2.6.18-398.el5)
\troot (hd0,0)
\tkernel /vmlinuz-2.6.18-398.el5 ro root=/dev/VolGroup00/LogVol00 resume=/dev/hda2
\tinitrd /initrd-2.6.18-398.el5.img
`;

export function centos5(initrds: { xen?: Uint8Array; plain?: Uint8Array } = {}): GuestVolumeView[] {
  const boot = new MemoryGuestFs(
    {
      '/grub/grub.conf': CENTOS5_GRUB,
      '/grub/menu.lst': { symlink: './grub.conf' },
      '/grub/device.map': '# this device map was generated by anaconda\n(hd0)     /dev/hda\n',
      '/vmlinuz-2.6.18-398.el5xen': 'k',
      '/vmlinuz-2.6.18-398.el5': 'k',
      '/xen.gz-2.6.18-398.el5': 'x',
      '/initrd-2.6.18-398.el5xen.img': initrds.xen ?? new Uint8Array(0),
      '/initrd-2.6.18-398.el5.img': initrds.plain ?? new Uint8Array(0),
      '/config-2.6.18-398.el5xen': 'CONFIG_X86_64_XEN=y\nCONFIG_XEN=y\nCONFIG_XEN_BLKDEV_FRONTEND=m\nCONFIG_IDE=y\n',
      '/config-2.6.18-398.el5': 'CONFIG_IDE=y\nCONFIG_BLK_DEV_PIIX=y\nCONFIG_FUSION_SPI=m\n',
    },
    'ext3',
    'b0070000-0000-4000-8000-000000000001',
    '/boot',
  );
  const root = new MemoryGuestFs(
    {
      '/bin/': '',
      '/boot/': '',
      '/etc/fstab': CENTOS5_FSTAB,
      '/etc/redhat-release': 'CentOS release 5.11 (Final)\n',
      '/etc/sysconfig/network': 'NETWORKING=yes\nHOSTNAME=centos5.localdomain\n',
      '/lib/modules/2.6.18-398.el5xen/modules.dep': '/lib/modules/2.6.18-398.el5xen/kernel/drivers/xen/blkfront/xenblk.ko:\n',
      '/lib/modules/2.6.18-398.el5/modules.dep': '/lib/modules/2.6.18-398.el5/kernel/drivers/message/fusion/mptspi.ko: /lib/modules/2.6.18-398.el5/kernel/drivers/message/fusion/mptscsih.ko\n',
      '/etc/lvm/lvm.conf': 'devices {\n    filter = [ "a/.*/" ]\n}\n',
    },
    'ext3',
    'c0070000-0000-4000-8000-000000000002',
  );
  return [
    memoryVolume('centos.vmdk partition 1', { disk: 0, partition: 1 }, boot),
    memoryVolume('centos.vmdk partition 2', { disk: 0, partition: 2 }, null, { type: 'LVM2_member' }),
    memoryVolume('VolGroup00/LogVol00', { lvm: { vg: 'VolGroup00', lv: 'LogVol00' } }, root),
    memoryVolume('VolGroup00/LogVol01', { lvm: { vg: 'VolGroup00', lv: 'LogVol01' } }, null, { type: 'swap' }),
  ];
}

export const UBUNTU_ROOT_UUID = '3e6be9de-8139-11d1-9106-a43f08d823a6';
export const UBUNTU_FSTAB = `# /etc/fstab: static file system information.
#
# Use 'blkid' to print the universally unique identifier for a
# device; this may be used with UUID= as a more robust way to name devices
# that works even if disks are added and removed. See fstab(5).
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
# / was on /dev/sda2 during installation
UUID=${UBUNTU_ROOT_UUID} /               ext4    errors=remount-ro 0       1
# /boot/efi was on /dev/sda1 during installation
UUID=7A1B-2C3D  /boot/efi       vfat    umask=0077      0       1
/swapfile                                 none            swap    sw              0       0
`;

export const UBUNTU_GRUB_CFG = `#
# DO NOT EDIT THIS FILE
#
set default="0"
insmod part_gpt
insmod ext2
set root='hd0,gpt2'
if [ x$feature_platform_search_hint = xy ]; then
  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 ${UBUNTU_ROOT_UUID}
else
  search --no-floppy --fs-uuid --set=root ${UBUNTU_ROOT_UUID}
fi
menuentry 'Ubuntu' --class ubuntu --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-${UBUNTU_ROOT_UUID}' {
\trecordfail
\tload_video
\tgfxmode $linux_gfx_mode
\tinsmod gzio
\tlinux\t/boot/vmlinuz-5.15.0-91-generic root=UUID=${UBUNTU_ROOT_UUID} ro  quiet splash $vt_handoff
\tinitrd\t/boot/initrd.img-5.15.0-91-generic
}
`;

export function ubuntu2204(grubCfg = UBUNTU_GRUB_CFG, defaultGrub = 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\nGRUB_CMDLINE_LINUX=""\n'): GuestVolumeView[] {
  const root = new MemoryGuestFs(
    {
      '/bin': { symlink: 'usr/bin' },
      '/usr/bin/bash': elf64(),
      '/lib': { symlink: 'usr/lib' },
      '/etc/fstab': UBUNTU_FSTAB,
      '/etc/hostname': 'jammy\n',
      '/etc/os-release': 'PRETTY_NAME="Ubuntu 22.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n',
      '/etc/default/grub': defaultGrub,
      '/boot/grub/grub.cfg': grubCfg,
      '/boot/grub/grubenv': `# GRUB Environment Block\n${'#'.repeat(1024 - 25)}`,
      '/boot/vmlinuz-5.15.0-91-generic': 'k',
      // A zstd frame cut after its header: an initrd that cannot be checked (real zstd initrds: list-initrd tests).
      '/boot/initrd.img-5.15.0-91-generic': new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]),
      '/boot/config-5.15.0-91-generic': 'CONFIG_VIRTIO_BLK=m\nCONFIG_HYPERV_STORAGE=m\nCONFIG_ATA_PIIX=y\nCONFIG_SATA_AHCI=y\nCONFIG_XEN=y\nCONFIG_FUSION_SPI=m\nCONFIG_VIRTIO_NET=y\n',
      '/usr/lib/modules/5.15.0-91-generic/modules.dep': 'kernel/drivers/block/virtio_blk.ko:\nkernel/drivers/scsi/hv_storvsc.ko:\nkernel/drivers/message/fusion/mptspi.ko:\nkernel/drivers/net/hyperv/hv_netvsc.ko.zst:\n',
      '/usr/lib/modules/5.15.0-91-generic/modules.builtin': 'kernel/drivers/block/xen-blkfront.ko\n',
    },
    'ext4',
    UBUNTU_ROOT_UUID,
  );
  const efi = new MemoryGuestFs({ '/EFI/ubuntu/grub.cfg': `search.fs_uuid ${UBUNTU_ROOT_UUID} root hd0,gpt2\nset prefix=($root)'/boot/grub'\nconfigfile $prefix/grub.cfg\n` }, 'vfat', '7A1B-2C3D', null, 'efi', 'vfat is read-only in VM Ferry');
  return [memoryVolume('jammy.vmdk partition 1', { disk: 0, partition: 1 }, efi), memoryVolume('jammy.vmdk partition 2', { disk: 0, partition: 2 }, root)];
}

export const RHEL8_GRUBENV_BODY = `# GRUB Environment Block\nsaved_entry=abc-4.18.0-513.el8.x86_64\nkernelopts=root=/dev/sda2 ro crashkernel=auto resume=/dev/sda3 rhgb quiet\nboot_success=0\n`;

export function rhel8(): GuestVolumeView[] {
  const grubenv = RHEL8_GRUBENV_BODY + '#'.repeat(1024 - RHEL8_GRUBENV_BODY.length);
  const root = new MemoryGuestFs(
    {
      '/bin/': '',
      '/etc/fstab': '/dev/sda2 / ext4 defaults 0 0\n/dev/sda3 none swap defaults 0 0\n',
      '/etc/os-release': 'NAME="Red Hat Enterprise Linux"\nVERSION_ID="8.9"\nID="rhel"\nID_LIKE="fedora"\nPRETTY_NAME="Red Hat Enterprise Linux 8.9 (Ootpa)"\n',
      '/etc/default/grub': 'GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX="crashkernel=auto resume=/dev/sda3 rhgb quiet"\nGRUB_ENABLE_BLSCFG=true\n',
      '/boot/grub2/grub.cfg': '### BEGIN /etc/grub.d/10_linux ###\ninsmod part_msdos\nblscfg\n### END /etc/grub.d/10_linux ###\n',
      '/boot/grub2/grubenv': grubenv,
      '/boot/loader/entries/abc-4.18.0-513.el8.x86_64.conf':
        'title Red Hat Enterprise Linux (4.18.0-513.el8.x86_64) 8.9 (Ootpa)\nversion 4.18.0-513.el8.x86_64\nlinux /vmlinuz-4.18.0-513.el8.x86_64\ninitrd /initramfs-4.18.0-513.el8.x86_64.img $tuned_initrd\noptions $kernelopts $tuned_params\nid rhel-20231010-4.18.0-513.el8.x86_64\n',
      '/boot/loader/entries/abc-0-rescue.conf': 'title Rescue\nlinux /vmlinuz-0-rescue-abc\noptions root=/dev/sda2 ro resume=/dev/sda3\n',
      '/boot/vmlinuz-4.18.0-513.el8.x86_64': 'k',
    },
    'ext4',
    'aaaaaaaa-0000-4000-8000-000000000002',
  );
  return [memoryVolume('rhel.vmdk partition 2', { disk: 0, partition: 2 }, root), memoryVolume('rhel.vmdk partition 3', { disk: 0, partition: 3 }, null, { type: 'swap', uuid: 'cccccccc-0000-4000-8000-000000000003' })];
}

/** An ELF64 little-endian x86-64 header (enough for the architecture check). */
function elf64(): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  bytes[18] = 62;
  return bytes;
}
