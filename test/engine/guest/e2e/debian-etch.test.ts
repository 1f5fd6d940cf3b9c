import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyGuestEdits } from '../../../../src/engine/guest/fixups/apply-edits';
import { planGuestFixups } from '../../../../src/engine/guest/fixups/plan-fixups';
import { openGuest } from '../../../../src/engine/guest/open-guest';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { ETCH_FSTAB, ETCH_MENU } from '../inspect/guest-fixtures';
import { makeInitrd } from '../initrd/make-initrd';
import {
  debugfs,
  expectChangesOnlyIn,
  expectCleanE2fsck,
  extract,
  inodeNumber,
  mkext,
  mkswap,
  openOverlay,
  partitionDisk,
  place,
  sha256,
  writeOut,
  type PartitionPlace,
} from './guest-image';

/**
 * A Debian 4.0 "etch" guest as its installer left it: MBR, ext3 root in partition 1 (1 KiB blocks, 128-byte
 * inodes), swap in logical partition 5, GRUB legacy with `# kopt=`, hd names everywhere and the CD-ROM on hdc.
 * Moved to VMware (SCSI: sd names), repaired through an overlay, written out with our raw writer, and checked
 * with e2fsck, debugfs and qemu-img.
 */
const ROOT_UUID = '0a1b2c3d-0000-4000-8000-000000000001';
const SWAP_UUID = '5a5a5a5a-0000-4000-8000-000000000005';
const KERNEL = '2.6.18-6-686';
let dir: string;
let source: string;
let parts: PartitionPlace[];
let sourceHash: string;

function etchTree() {
  return {
    'bin/sh': '#!',
    'etc/fstab': ETCH_FSTAB,
    'etc/hosts': '127.0.0.1 localhost\n',
    'etc/hostname': 'etch\n',
    'etc/debian_version': '4.0\n',
    'boot/grub/menu.lst': ETCH_MENU,
    'boot/grub/device.map': '(hd0)\t/dev/hda\n',
    [`boot/vmlinuz-${KERNEL}`]: 'kernel image',
    [`boot/initrd.img-${KERNEL}`]: makeInitrd({
      init: '#!/bin/sh\n',
      [`lib/modules/${KERNEL}/kernel/drivers/ata/ata_piix.ko`]: 'ata_piix',
      [`lib/modules/${KERNEL}/kernel/drivers/message/fusion/mptspi.ko`]: 'mptspi',
    }),
    [`boot/config-${KERNEL}`]: 'CONFIG_IDE=y\nCONFIG_BLK_DEV_PIIX=y\nCONFIG_ATA_PIIX=m\nCONFIG_FUSION_SPI=m\n',
    [`lib/modules/${KERNEL}/modules.dep`]: `kernel/drivers/ata/ata_piix.ko:\nkernel/drivers/message/fusion/mptspi.ko:\n`,
  };
}

describeWithTools(['sfdisk', 'mke2fs', 'mkswap', 'e2fsck', 'debugfs', 'qemu-img', 'cpio', 'gzip', 'sha256sum'], 'e2e: Debian etch → VMware', () => {
  beforeAll(() => {
    dir = tempDir('etch');
    source = join(dir, 'etch.raw');
    parts = partitionDisk(source, '64M', 'dos', [
      { size: '40M', type: '83' },
      { size: '', type: '82' },
    ], true);
    place(source, parts[0]!, mkext(dir, 'root', parts[0]!.size, etchTree(), ['-t', 'ext3', '-b', '1024', '-I', '128', '-U', ROOT_UUID]));
    place(source, parts[1]!, mkswap(dir, 'swap', parts[1]!.size, SWAP_UUID));
    sourceHash = sha256(source);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the guest, renames hd → sd in fstab, menu.lst and device.map, and the result checks clean', async () => {
    const { overlay, close } = await openOverlay(source);
    try {
      const guest = await openGuest([overlay], { now: () => 1_700_000_000_000 });
      expect(guest.report.root).toBe('etch.raw partition 1');
      expect(guest.report.distro).toMatchObject({ id: 'debian', major: 4 });
      expect(guest.report.filesystems.map((f) => [f.id, f.type, f.uuid, f.mountpoint])).toEqual([
        ['etch.raw partition 1', 'ext3', ROOT_UUID, '/'],
        ['etch.raw partition 5', 'swap', SWAP_UUID, 'swap'],
      ]);
      expect(guest.report.kernels[0]!.storageDrivers).toEqual([
        { driver: 'ata_piix', where: 'initrd' },
        { driver: 'mptspi', where: 'initrd' },
        { driver: 'piix', where: 'builtin' },
      ]);
      expect(guest.report.naming.generation).toBe('old-ide');

      const plan = await planGuestFixups(guest, { target: 'vmware' });
      expect(plan.warnings).toEqual([]);
      expect(plan.edits.map((e) => [e.path, e.filesystem, e.enabled])).toEqual([
        ['/etc/fstab', 'etch.raw partition 1 (ext3, /)', true],
        ['/boot/grub/menu.lst', 'etch.raw partition 1 (ext3, /)', true],
        ['/boot/grub/device.map', 'etch.raw partition 1 (ext3, /)', true],
      ]);
      const rootImage = extract(source, parts[0]!.start, parts[0]!.size, join(dir, 'root-before.img'));
      const inodes = ['/etc/fstab', '/boot/grub/menu.lst', '/boot/grub/device.map'].map((path) => inodeNumber(rootImage, path));

      expect(await applyGuestEdits(guest, plan.edits)).toEqual(['/etc/fstab', '/boot/grub/menu.lst', '/boot/grub/device.map']);
      const output = join(dir, 'etch-fixed.raw');
      await writeOut(overlay, output);

      const fixed = extract(output, parts[0]!.start, parts[0]!.size, join(dir, 'root-after.img'));
      expectCleanE2fsck(fixed);
      expect(debugfs(fixed, 'cat /etc/fstab')).toBe(ETCH_FSTAB.replace('/dev/hda1       /', '/dev/sda1       /').replace('/dev/hda5 ', '/dev/sda5 '));
      expect(debugfs(fixed, 'cat /boot/grub/menu.lst')).toBe(ETCH_MENU.replaceAll('root=/dev/hda1', 'root=/dev/sda1'));
      expect(debugfs(fixed, 'cat /boot/grub/device.map')).toBe('(hd0)\t/dev/sda\n');
      expect(['/etc/fstab', '/boot/grub/menu.lst', '/boot/grub/device.map'].map((path) => inodeNumber(fixed, path))).toEqual(inodes);
      expect(sha256(source)).toBe(sourceHash);
      expectChangesOnlyIn(source, output, overlay.changedPages(), join(dir, 'restored.raw'));
    } finally {
      await close();
    }
  });

  it('names: uuid writes the real ext3 and swap UUIDs', async () => {
    const { overlay, close } = await openOverlay(source);
    try {
      const guest = await openGuest([overlay], { now: () => 1_700_000_000_000 });
      const plan = await planGuestFixups(guest, { target: 'virtualbox', names: 'uuid' });
      await applyGuestEdits(guest, plan.edits);
      const output = join(dir, 'etch-uuid.raw');
      await writeOut(overlay, output);
      const fixed = extract(output, parts[0]!.start, parts[0]!.size, join(dir, 'root-uuid.img'));
      expectCleanE2fsck(fixed);
      const fstab = debugfs(fixed, 'cat /etc/fstab');
      expect(fstab).toContain(`UUID=${ROOT_UUID}       /               ext3`);
      expect(fstab).toContain(`UUID=${SWAP_UUID}       none            swap`);
      expect(debugfs(fixed, 'cat /boot/grub/menu.lst')).toContain(`root=UUID=${ROOT_UUID} ro`);
      expect(sha256(source)).toBe(sourceHash);
    } finally {
      await close();
    }
  });
});
