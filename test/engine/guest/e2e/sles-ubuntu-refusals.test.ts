import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isVmferryError } from '../../../../src/engine/errors';
import { applyGuestEdits } from '../../../../src/engine/guest/fixups/apply-edits';
import { planGuestFixups } from '../../../../src/engine/guest/fixups/plan-fixups';
import { openGuest } from '../../../../src/engine/guest/open-guest';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { ETCH_FSTAB, SLES10_FSTAB, SLES10_MENU, UBUNTU_FSTAB, UBUNTU_ROOT_UUID } from '../inspect/guest-fixtures';
import { makeInitrd } from '../initrd/make-initrd';
import { debugfs, expectChangesOnlyIn, expectCleanE2fsck, extract, inodeNumber, mkext, mkswap, openOverlay, partitionDisk, place, sha256, writeAt, writeOut } from './guest-image';

/**
 * SLES 10 (by-id names → UUIDs for KVM), Ubuntu 22.04 (GPT, ext4 with metadata_csum and 4 KiB blocks, GRUB 2
 * grub.cfg edited directly and grown past a block boundary) and a filesystem whose journal needs recovery
 * (refused, by name, before anything is written).
 */
const SLES_ROOT = '11111111-2222-4333-8444-555555555555';
const SLES_SWAP = '99999999-8888-4777-8666-555555555555';
const SLES_ID = 'scsi-SATA_VBOX_HARDDISK_VB12345678-9abcdef0';
let dir: string;

describeWithTools(['sfdisk', 'mke2fs', 'mkswap', 'mkfs.vfat', 'e2fsck', 'debugfs', 'qemu-img', 'cpio', 'gzip', 'zstd'], 'e2e: SLES 10, Ubuntu 22.04, refusals', () => {
  beforeAll(() => {
    dir = tempDir('guests');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SLES 10 → KVM: by-id names in fstab and menu.lst become the real filesystem and swap UUIDs', async () => {
    const source = join(dir, 'sles10.raw');
    const parts = partitionDisk(source, '64M', 'dos', [
      { size: '16M', type: '82' },
      { size: '', type: '83' },
    ]);
    place(source, parts[0]!, mkswap(dir, 'sles-swap', parts[0]!.size, SLES_SWAP));
    const kernel = '2.6.16.60-0.21-default';
    const tree = {
      'bin/bash': '#!',
      'etc/fstab': SLES10_FSTAB,
      'etc/SuSE-release': 'SUSE Linux Enterprise Server 10 (x86_64)\nVERSION = 10\nPATCHLEVEL = 2\n',
      'boot/grub/menu.lst': SLES10_MENU,
      'boot/grub/device.map': '(hd0)\t/dev/sda\n',
      [`boot/vmlinuz-${kernel}`]: 'k',
      [`boot/initrd-${kernel}`]: makeInitrd({ init: '#!/bin/bash\n', [`lib/modules/${kernel}/kernel/drivers/block/virtio_blk.ko`]: 'v' }),
      [`lib/modules/${kernel}/modules.dep`]: 'kernel/drivers/block/virtio_blk.ko:\n',
    };
    place(source, parts[1]!, mkext(dir, 'sles-root', parts[1]!.size, tree, ['-t', 'ext3', '-b', '4096', '-U', SLES_ROOT]));
    const hash = sha256(source);
    const { overlay, close } = await openOverlay(source);
    try {
      const guest = await openGuest([overlay], { now: () => 1_700_000_000_000 });
      expect(guest.report.distro).toMatchObject({ id: 'sles', major: 10, patchlevel: 2 });
      expect(guest.report.fstab.slice(0, 2).map((e) => e.resolvedTo)).toEqual(['sles10.raw partition 2', 'sles10.raw partition 1']);
      const plan = await planGuestFixups(guest, { target: 'kvm' });
      expect(plan.warnings).toEqual([]);
      await applyGuestEdits(guest, plan.edits);
      const output = join(dir, 'sles10-kvm.raw');
      await writeOut(overlay, output);
      const root = extract(output, parts[1]!.start, parts[1]!.size, join(dir, 'sles-root-after.img'));
      expectCleanE2fsck(root);
      expect(debugfs(root, 'cat /etc/fstab')).toBe(
        SLES10_FSTAB.replace(`/dev/disk/by-id/${SLES_ID}-part2`, `UUID=${SLES_ROOT}`).replace(`/dev/disk/by-id/${SLES_ID}-part1`, `UUID=${SLES_SWAP}`),
      );
      const menu = debugfs(root, 'cat /boot/grub/menu.lst');
      expect(menu).toContain(`root=/dev/disk/by-uuid/${SLES_ROOT} vga=0x314 resume=/dev/disk/by-uuid/${SLES_SWAP} splash=silent`);
      expect(menu).not.toContain('by-id');
      expect(debugfs(root, 'cat /boot/grub/device.map')).toBe('(hd0)\t/dev/vda\n');
      expect(sha256(source)).toBe(hash);
      expectChangesOnlyIn(source, output, overlay.changedPages(), join(dir, 'sles-restored.raw'));
    } finally {
      await close();
    }
  });

  it('Ubuntu 22.04 (GPT, ext4 metadata_csum) → KVM with UUID names: grub.cfg grows past its block, fsck clean', async () => {
    const source = join(dir, 'jammy.raw');
    const parts = partitionDisk(source, '96M', 'gpt', [
      { size: '8M', type: 'U' },
      { size: '', type: 'L' },
    ]);
    const esp = join(dir, 'esp.img');
    execFileSync('truncate', ['-s', String(parts[0]!.size), esp]);
    execFileSync('mkfs.vfat', ['-i', '7A1B2C3D', esp], { stdio: 'ignore' });
    place(source, parts[0]!, esp);
    const kernel = '5.15.0-91-generic';
    const linux = `\tlinux\t/boot/vmlinuz-${kernel} root=/dev/sda2 ro  quiet splash $vt_handoff\n`;
    let grubCfg = `#\n# DO NOT EDIT THIS FILE\n#\nset default="0"\nmenuentry 'Ubuntu' --class ubuntu {\n${linux}\tinitrd\t/boot/initrd.img-${kernel}\n}\n`;
    grubCfg = `${'#'.repeat(4090 - grubCfg.length)}\n${grubCfg}`; // just under one 4 KiB block
    const tree = {
      bin: { symlink: 'usr/bin' },
      'usr/bin/bash': '#!',
      lib: { symlink: 'usr/lib' },
      'etc/fstab': UBUNTU_FSTAB,
      'etc/os-release': 'PRETTY_NAME="Ubuntu 22.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n',
      'etc/default/grub': 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\nGRUB_CMDLINE_LINUX=""\nGRUB_DISABLE_LINUX_UUID=true\n',
      'boot/efi/': '',
      'boot/grub/grub.cfg': grubCfg,
      'boot/grub/grubenv': `# GRUB Environment Block\n${'#'.repeat(1024 - 25)}`,
      [`boot/vmlinuz-${kernel}`]: 'k',
      [`boot/initrd.img-${kernel}`]: makeInitrd({ init: '#!/bin/sh\n', [`usr/lib/modules/${kernel}/kernel/drivers/block/virtio_blk.ko`]: 'v' }, { compression: 'zstd', early: true }),
      [`boot/config-${kernel}`]: 'CONFIG_VIRTIO_BLK=m\n',
      [`usr/lib/modules/${kernel}/modules.dep`]: 'kernel/drivers/block/virtio_blk.ko:\n',
    };
    place(source, parts[1]!, mkext(dir, 'jammy-root', parts[1]!.size, tree, ['-t', 'ext4', '-b', '4096', '-I', '256', '-O', 'metadata_csum,64bit', '-U', UBUNTU_ROOT_UUID]));
    const hash = sha256(source);
    const { overlay, close } = await openOverlay(source);
    try {
      const guest = await openGuest([overlay], { now: () => 1_700_000_000_000 });
      expect(guest.report.root).toBe('jammy.raw partition 2');
      expect(guest.report.filesystems[0]).toMatchObject({ type: 'vfat', mountpoint: '/boot/efi', readable: false });
      const before = extract(source, parts[1]!.start, parts[1]!.size, join(dir, 'jammy-before.img'));
      const inode = inodeNumber(before, '/boot/grub/grub.cfg');
      const plan = await planGuestFixups(guest, { target: 'kvm', names: 'uuid' });
      expect(plan.edits.map((e) => e.path)).toEqual(['/boot/grub/grub.cfg']);
      // The zstd initrd (made by GNU cpio and zstd) is listed: virtio_blk is in it, so nothing to warn about.
      const kernel = guest.report.kernels[0]!;
      expect(kernel.initrdProblem).toBeNull();
      expect(kernel.storageDrivers).toContainEqual({ driver: 'virtio_blk', where: 'initrd' });
      expect(plan.warnings.join('\n')).not.toContain('virtio_blk');
      await applyGuestEdits(guest, plan.edits);
      const output = join(dir, 'jammy-kvm.raw');
      await writeOut(overlay, output);
      const root = extract(output, parts[1]!.start, parts[1]!.size, join(dir, 'jammy-after.img'));
      expectCleanE2fsck(root);
      const expected = grubCfg.replace('root=/dev/sda2', `root=UUID=${UBUNTU_ROOT_UUID}`);
      expect(expected.length).toBeGreaterThan(4096);
      expect(debugfs(root, 'cat /boot/grub/grub.cfg')).toBe(expected);
      expect(inodeNumber(root, '/boot/grub/grub.cfg')).toBe(inode);
      expect(debugfs(root, 'stat /boot/grub/grub.cfg')).toMatch(/Size: 41\d\d/);
      expect(sha256(source)).toBe(hash);
      expectChangesOnlyIn(source, output, overlay.changedPages(), join(dir, 'jammy-restored.raw'));
    } finally {
      await close();
    }
  });

  it('a journal that needs recovery (debugfs -w feature needs_recovery): edits planned but off, apply refuses naming the filesystem', async () => {
    const source = join(dir, 'dirty.raw');
    const parts = partitionDisk(source, '32M', 'dos', [{ size: '', type: '83' }]);
    const root = mkext(dir, 'dirty-root', parts[0]!.size, { 'bin/sh': '#!', 'etc/fstab': ETCH_FSTAB, 'etc/debian_version': '4.0\n' }, ['-t', 'ext3', '-b', '1024']);
    execFileSync('debugfs', ['-w', '-R', 'feature needs_recovery', root], { stdio: 'ignore' });
    place(source, parts[0]!, root);
    const hash = sha256(source);
    const { overlay, close } = await openOverlay(source);
    try {
      const guest = await openGuest([overlay]);
      const plan = await planGuestFixups(guest, { target: 'vmware' });
      expect(plan.edits.map((e) => [e.path, e.enabled])).toEqual([['/etc/fstab', false]]);
      expect(plan.warnings).toContain(
        '/etc/fstab cannot be changed: dirty.raw partition 1 (ext3, /) is not safe to write (needs_recovery: the journal holds changes not yet written to the filesystem; mount it once or run e2fsck to replay them)',
      );
      expect(await applyGuestEdits(guest, plan.edits)).toEqual([]);
      const forced = plan.edits.map((e) => ({ ...e, enabled: true }));
      const error = await applyGuestEdits(guest, forced).catch((e: unknown) => e);
      expect(isVmferryError(error, 'unsupported')).toBe(true);
      expect((error as Error).message).toContain('Cannot change /etc/fstab: dirty.raw partition 1 (ext3, /) is not safe to write (needs_recovery');
      expect(overlay.changedPages()).toEqual([]);
      expect(sha256(source)).toBe(hash);
    } finally {
      await close();
    }
  });

  it('a corrupted superblock checksum (metadata_csum): edits planned but off, the reason names the checksum', async () => {
    const source = join(dir, 'corrupt.raw');
    const parts = partitionDisk(source, '32M', 'dos', [{ size: '', type: '83' }]);
    const root = mkext(dir, 'corrupt-root', parts[0]!.size, { 'bin/sh': '#!', 'etc/fstab': ETCH_FSTAB, 'etc/debian_version': '4.0\n' }, ['-t', 'ext4', '-O', 'metadata_csum']);
    place(source, parts[0]!, root);
    // Flip one byte of s_checksum (superblock at 1024, checksum at 0x3FC).
    const at = parts[0]!.start + 1024 + 0x3fc;
    const byte = readFileSync(source).subarray(at, at + 1);
    writeAt(source, at, new Uint8Array([byte[0]! ^ 0xff]));
    const { overlay, close } = await openOverlay(source);
    try {
      const guest = await openGuest([overlay]);
      const plan = await planGuestFixups(guest, { target: 'vmware' });
      expect(plan.edits.map((e) => [e.path, e.enabled])).toEqual([['/etc/fstab', false]]);
      expect(plan.warnings.join('\n')).toMatch(/\/etc\/fstab cannot be changed: corrupt.raw partition 1 \(ext4, \/\) is not safe to write \(superblock checksum is 0x[0-9a-f]+, computed 0x[0-9a-f]+; run e2fsck\)/);
      expect(overlay.changedPages()).toEqual([]);
    } finally {
      await close();
    }
  });
});
