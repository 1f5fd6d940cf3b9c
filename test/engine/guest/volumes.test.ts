import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverlayDisk } from '../../../src/engine/disk/overlay';
import { diskDevice, type BlockDevice } from '../../../src/engine/guest/block-device';
import { driveLetters, listVolumes, scanVolumes } from '../../../src/engine/guest/volumes';
import { openDiskFile } from '../../support/disks';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';
import { linear, lvSection, LvmSandbox, withLogicalVolumes } from './lvm/lvm-tools';

/**
 * A CentOS 5-like guest on two disks: disk 1 (qcow2, read through our disk engine and an overlay) has an MBR
 * with an ext2 /boot in partition 1 and an LVM PV in logical partition 5; VolGroup00 holds LogVol00 (ext4, in
 * two non-adjacent runs of extents) and LogVol01 (swap). Disk 2 is a whole-disk ext4 without a partition table.
 * The filesystems are made by mke2fs and mkswap as separate images and copied to where lvm2 says the extents
 * are; blkid on those images is the oracle for what we find, and the LV's bytes must equal the image's.
 */
const MiB = 1024 * 1024;
let dir: string;
let rootImage: string;
let swapImage: string;
let disk1: BlockDevice;
let disk2: BlockDevice;
let closeDisk1: () => Promise<void>;

function writeAt(path: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function blkid(path: string): Record<string, string> {
  const out = execFileSync('blkid', ['-p', '-o', 'export', path], { encoding: 'utf8' });
  return Object.fromEntries(out.trim().split('\n').map((line) => line.split('=') as [string, string]));
}

describe('drive letters', () => {
  it('follow Linux: a..z, aa.., zz, aaa', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(driveLetters)).toEqual(['a', 'b', 'z', 'aa', 'ab', 'az', 'ba', 'zz', 'aaa']);
  });
});

describeWithTools(['sfdisk', 'mke2fs', 'mkswap', 'pvcreate', 'vgcfgrestore', 'losetup', 'qemu-img', 'blkid'], 'guest volumes', () => {
  beforeAll(async () => {
    dir = tempDir('volumes');
    const raw1 = join(dir, 'disk1.raw');
    execFileSync('truncate', ['-s', '48M', raw1]);
    execFileSync('sfdisk', ['-q', raw1], { input: 'label: dos\nlabel-id: 0x0000cafe\n,8M,83,*\n,,5\n,,8e\n' });
    const parts = (JSON.parse(execFileSync('sfdisk', ['--json', raw1], { encoding: 'utf8' })) as { partitiontable: { partitions: { node: string; start: number; size: number }[] } })
      .partitiontable.partitions;
    const p1 = parts.find((p) => p.node.endsWith('1'))!;
    const p5 = parts.find((p) => p.node.endsWith('5'))!;

    const boot = join(dir, 'boot.img');
    execFileSync('truncate', ['-s', `${p1.size * 512}`, boot]);
    execFileSync('mke2fs', ['-q', '-F', '-t', 'ext2', '-L', '/boot', boot]);
    writeAt(raw1, p1.start * 512, readFileSync(boot));

    const lvm = new LvmSandbox(dir);
    let peStart: number;
    try {
      const loop = lvm.attach(raw1, p5.start * 512, p5.size * 512);
      lvm.run('pvcreate', '-q', loop);
      lvm.run('vgcreate', '-q', '-s', '1M', 'VolGroup00', loop);
      const backup = join(dir, 'vg.txt');
      lvm.run('vgcfgbackup', '-q', '-f', backup, 'VolGroup00');
      const sections = [
        lvSection('LogVol00', [linear(0, 8, 'pv0', 0), linear(8, 4, 'pv0', 12)]),
        lvSection('LogVol01', [linear(0, 4, 'pv0', 8)]),
        lvSection('striped-lv', [{ start: 0, count: 2, type: 'striped', fields: 'stripe_count = 2\nstripe_size = 128\nstripes = ["pv0", 20, "pv0", 22]' }]),
      ];
      writeFileSync(backup, withLogicalVolumes(readFileSync(backup, 'utf8'), 'VolGroup00', sections));
      lvm.run('vgcfgrestore', '-q', '-f', backup, 'VolGroup00');
      peStart = Number(lvm.report('pvs', 'pe_start')[0]!.pe_start);
    } finally {
      lvm.detachAll();
    }
    const pvStart = p5.start * 512 + peStart;

    rootImage = join(dir, 'root.img');
    execFileSync('truncate', ['-s', '12M', rootImage]);
    execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', 'root', rootImage]);
    const root = readFileSync(rootImage);
    writeAt(raw1, pvStart, root.subarray(0, 8 * MiB)); // extents 0-7
    writeAt(raw1, pvStart + 12 * MiB, root.subarray(8 * MiB)); // extents 12-15
    swapImage = join(dir, 'swap.img');
    execFileSync('truncate', ['-s', '4M', swapImage]);
    execFileSync('mkswap', ['-q', '-L', 'SWAP-VG', swapImage]);
    writeAt(raw1, pvStart + 8 * MiB, readFileSync(swapImage)); // extents 8-11

    const qcow2 = join(dir, 'disk1.qcow2');
    execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw1, qcow2]);
    const opened = await openDiskFile(qcow2);
    closeDisk1 = opened.close;
    disk1 = diskDevice(new OverlayDisk(opened.disk), 'disk1.qcow2');

    const raw2 = join(dir, 'disk2.raw');
    execFileSync('truncate', ['-s', '16M', raw2]);
    execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', 'data', raw2]);
    const opened2 = await openDiskFile(raw2);
    disk2 = diskDevice(new OverlayDisk(opened2.disk), 'disk2.raw');
  });

  afterAll(async () => {
    await closeDisk1?.();
  });

  it('lists partitions, whole disks and logical volumes with their filesystems and Linux names', async () => {
    const scan = await scanVolumes([disk1, disk2]);
    const summary = scan.volumes.map((v) => [v.path, v.filesystem.type, v.filesystem.label, v.linuxNames]);
    expect(summary).toEqual([
      ['disk 1 partition 1', 'ext2', '/boot', ['sda1', 'hda1', 'vda1', 'xvda1', 'nvme0n1p1']],
      ['disk 1 partition 5', 'lvm2-pv', null, ['sda5', 'hda5', 'vda5', 'xvda5', 'nvme0n1p5']],
      ['disk 2', 'ext4', 'data', ['sdb', 'hdb', 'vdb', 'xvdb', 'nvme1n1']],
      ['VolGroup00/LogVol00', 'ext4', 'root', ['VolGroup00/LogVol00', 'mapper/VolGroup00-LogVol00']],
      ['VolGroup00/LogVol01', 'swap', 'SWAP-VG', ['VolGroup00/LogVol01', 'mapper/VolGroup00-LogVol01']],
    ]);
    expect(scan.warnings).toEqual(['VolGroup00/striped-lv segment 1 has type "striped" with stripe_count = 2 (striped over 2 PVs); only linear volumes can be read']);
    expect(scan.tables.map((t) => t?.scheme)).toEqual(['mbr', 'none']);
    expect(scan.volumes[0]!.partition!.uuid).toBe('0000cafe-01');
    expect(scan.volumes[0]!.partition!.bootable).toBe(true);
    expect(scan.volumeGroups.map((vg) => vg.name)).toEqual(['VolGroup00']);
  });

  it('the UUIDs found through qcow2, partition, PV and LV are the ones blkid reads from the filesystem images', async () => {
    const volumes = await listVolumes([disk1, disk2]);
    const byPath = new Map(volumes.map((v) => [v.path, v]));
    expect(byPath.get('VolGroup00/LogVol00')!.filesystem.uuid).toBe(blkid(rootImage).UUID);
    expect(byPath.get('VolGroup00/LogVol01')!.filesystem.uuid).toBe(blkid(swapImage).UUID);
  });

  it('the root LV, spread over two runs of extents, holds exactly the filesystem image that was written', async () => {
    const root = (await listVolumes([disk1, disk2])).find((v) => v.path === 'VolGroup00/LogVol00')!.device;
    const expected = readFileSync(rootImage);
    expect(root.size).toBe(expected.length);
    expect(Buffer.from(await root.read(0, root.size)).equals(expected)).toBe(true);
  });

  it('a disk whose partition table cannot be read is a warning; the other disks are still listed', async () => {
    const broken = new Uint8Array(4 * MiB);
    broken.set([0, 0, 0, 0, 0xee, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0, 0], 446);
    broken.set([0x55, 0xaa], 510);
    const bad: BlockDevice = {
      name: 'bad.img',
      size: broken.length,
      read: async (offset, length) => broken.slice(offset, offset + length),
      write: async () => undefined,
    };
    const scan = await scanVolumes([bad, disk2]);
    expect(scan.volumes.map((v) => v.path)).toEqual(['disk 2']);
    expect(scan.volumes[0]!.linuxNames[0]).toBe('sdb');
    expect(scan.warnings).toEqual([expect.stringMatching(/^disk 1: bad\.img: GPT unreadable: the primary header has no "EFI PART" signature/)]);
  });
});
