import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppliance } from '../../../src/engine/appliance/open';
import { copyDisk } from '../../../src/engine/disk/copy';
import { seededIdentity } from '../../../src/engine/disk/identity';
import { randomCid } from '../../../src/engine/disk/vmdk/descriptor-build';
import { OverlayDisk } from '../../../src/engine/disk/overlay';
import { applyGuestEdits } from '../../../src/engine/guest/fixups/apply-edits';
import { planGuestFixups } from '../../../src/engine/guest/fixups/plan-fixups';
import { openGuest } from '../../../src/engine/guest/open-guest';
import { MemorySink } from '../../../src/engine/io/byte-sink';
import { listInitrd } from '../../../src/engine/guest/initrd/list-initrd';
import { blobFileSet } from '../../../src/engine/io/file-set';
import { buildSampleOva, buildSampleRawDisk, SAMPLE_DISK_BYTES, SAMPLE_PARTITIONS, type SampleOva } from '../../../src/engine/sample';
import { SAMPLE_DATE, SAMPLE_SEED } from '../../../src/engine/sample/sample-appliance';
import { FSTAB, GRUB_CONF, KERNEL, XEN_KERNEL } from '../../../src/engine/sample/guest/centos5-release';
import { formatUuid, sampleSeed } from '../../../src/engine/sample/seed';
import { OVF_FIXTURES, tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';
import { debugfs, debugfsBytes, expectClean, superblockFields } from './ext-tools';

const SCHEMA = resolve(OVF_FIXTURES, '../schema');
const MEMBERS = ['centos5-sample.ovf', 'centos5-sample.mf', 'centos5-sample-disk1.vmdk'];
let sample: SampleOva;
let buildMs: number;

/** The OVA as the app opens it: one dropped file. */
function openSample() {
  return openAppliance(blobFileSet([{ blob: new Blob([sample.bytes as Uint8Array<ArrayBuffer>]), path: 'centos5-sample.ova' }]));
}

async function openSampleGuest() {
  const appliance = await openSample();
  return openGuest([...appliance.disks.values()].map((disk) => new OverlayDisk(disk)), { now: () => 1_700_000_000_000 });
}

beforeAll(async () => {
  const started = performance.now();
  sample = await buildSampleOva();
  buildMs = performance.now() - started;
});

describe('sample appliance generator', () => {
  it('builds in well under 2 s and stays far below the 32 MiB precache limit', () => {
    console.info(`sample OVA: ${sample.bytes.length} bytes in ${buildMs.toFixed(0)} ms`);
    expect(buildMs).toBeLessThan(2000);
    expect(sample.bytes.length).toBeLessThan(1024 * 1024);
  });

  it('gives the same bytes on every build, and other identifiers for another seed', async () => {
    const again = await buildSampleOva();
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(sample.bytes))).toBe(0);
    const other = await buildSampleOva('another seed');
    expect(other.members.map((m) => m.name)).toEqual(MEMBERS);
    expect(other.members[2]!.sha256).not.toBe(sample.members[2]!.sha256);
  });

  it('is read by the project as one CentOS 5 VM with its disk, manifest and no warnings', async () => {
    const { report } = await openSample();
    expect(report.kind).toBe('ova');
    expect(report.warnings).toEqual([]);
    expect(report.manifest).toMatchObject({ file: 'centos5-sample.mf', algorithm: 'sha256' });
    const [system] = report.virtualSystems;
    expect(system).toMatchObject({ name: 'centos5-sample', cpus: 1, memoryBytes: 512 * 1024 * 1024, virtualSystemTypes: ['vmx-07'] });
    expect(system!.os).toMatchObject({ cimId: 107, vmwareOsType: 'centos64Guest' });
    expect(system!.disks).toMatchObject([{ capacityBytes: SAMPLE_DISK_BYTES, format: 'vmdk-streamOptimized', controller: { type: 'scsi', subtype: 'lsilogic' } }]);
    expect(system!.nics).toMatchObject([{ type: 'E1000', network: 'VM Network' }]);
    expect(report.diskImages).toMatchObject([{ format: 'vmdk', subformat: 'streamOptimized', virtualSizeBytes: SAMPLE_DISK_BYTES, problem: null }]);
    expect(system!.disks[0]!.populatedBytes).toBe(report.diskImages[0]!.allocatedBytes);
  });

  it('holds a guest the project inspects as CentOS 5.11 with a Xen kernel whose initrd has xenblk', async () => {
    const { report } = await openSampleGuest();
    expect(report.warnings).toEqual([]);
    expect(report.distro).toMatchObject({ id: 'centos', major: 5, minor: 11 });
    expect([report.arch, report.hostname]).toEqual(['x86_64', 'centos5-sample.localdomain']);
    expect(report.filesystems.map((fs) => [fs.type, fs.mountpoint, fs.label])).toEqual([
      ['ext2', '/boot', '/boot'],
      ['ext3', '/', '/'],
      ['swap', 'swap', 'SWAP-sda3'],
    ]);
    expect(report.kernels.map((k) => [k.version, k.xen])).toEqual([
      [XEN_KERNEL, 'only'],
      [KERNEL, 'no'],
    ]);
    expect(report.kernels[0]!.storageDrivers).toContainEqual({ driver: 'xenblk', where: 'initrd' });
    expect(report.kernels[1]!.storageDrivers).toContainEqual({ driver: 'mptspi', where: 'initrd' });
    expect(report.bootloader!.configs.map((c) => [c.path, c.realPath, c.defaultEntry, c.entries.length])).toEqual([['/boot/grub/menu.lst', '/boot/grub/grub.conf', 1, 2]]);
    expect(report.bootloader!.deviceMap!.entries).toEqual([{ bios: '(hd0)', device: '/dev/sda' }]);
  });
});

describeWithTools(['tar', 'sha256sum', 'xmllint', 'qemu-img', 'sfdisk', 'e2fsck', 'debugfs', 'dumpe2fs', 'blkid', 'gzip', 'cpio'], 'sample appliance checked by real tools', () => {
  let work: string;
  let raw: Uint8Array;
  let boot: string;
  let root: string;
  const ids = sampleSeed('vmferry-sample-1');

  beforeAll(async () => {
    work = tempDir('sample-ova');
    writeFileSync(join(work, 'centos5-sample.ova'), sample.bytes);
    mkdirSync(join(work, 'x'));
    execFileSync('tar', ['-xf', join(work, 'centos5-sample.ova'), '-C', join(work, 'x')]);
    raw = await buildSampleRawDisk();
    writeFileSync(join(work, 'disk.raw'), raw);
    const part = (name: string, { startSector, sectors }: { startSector: number; sectors: number }) => {
      writeFileSync(join(work, name), raw.subarray(startSector * 512, (startSector + sectors) * 512));
      return join(work, name);
    };
    boot = part('sda1.img', SAMPLE_PARTITIONS.boot);
    root = part('sda2.img', SAMPLE_PARTITIONS.root);
    part('sda3.img', SAMPLE_PARTITIONS.swap);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is a tar GNU tar lists as descriptor, disk, manifest (the package writer\'s order), with fixed times', () => {
    const listing = execFileSync('tar', ['--utc', '-tvf', join(work, 'centos5-sample.ova')], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.map((line) => line.split(/\s+/).slice(3).join(' '))).toEqual(MEMBERS.map((name) => `2014-10-30 12:00 ${name}`));
    expect(listing.map((line) => Number(line.split(/\s+/)[2]))).toEqual(sample.members.map((member) => member.size));
  });

  it('has a manifest sha256sum -c accepts', () => {
    const out = execFileSync('sha256sum', ['-c', 'centos5-sample.mf'], { cwd: join(work, 'x'), encoding: 'utf8' });
    expect(out).toBe('centos5-sample.ovf: OK\ncentos5-sample-disk1.vmdk: OK\n');
  });

  it('has a descriptor valid against DSP8023 1.0.0 whose References size is the VMDK\'s', () => {
    const run = spawnSync('xmllint', ['--nonet', '--noout', '--schema', join(SCHEMA, 'dsp8023_1.0.0.xsd'), join(work, 'x/centos5-sample.ovf')], {
      encoding: 'utf8',
      env: { ...process.env, XML_CATALOG_FILES: join(SCHEMA, 'catalog.xml') },
    });
    expect([run.status, run.stderr.trim()]).toEqual([0, `${join(work, 'x/centos5-sample.ovf')} validates`]);
    const ovf = readFileSync(join(work, 'x/centos5-sample.ovf'), 'utf8');
    expect(ovf).toContain(`ovf:href="centos5-sample-disk1.vmdk" ovf:id="file1" ovf:size="${sample.members[2]!.size}"`);
  });

  it('has a streamOptimized VMDK qemu-img checks clean and reads as the raw disk, with the seeded CID', () => {
    const vmdk = join(work, 'x/centos5-sample-disk1.vmdk');
    expect(execFileSync('qemu-img', ['check', vmdk], { encoding: 'utf8' })).toContain('No errors were found on the image.');
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', vmdk], { encoding: 'utf8' })) as {
      format: string;
      'virtual-size': number;
      'format-specific': { data: { 'create-type': string; cid: number; 'parent-cid': number } };
    };
    expect([info.format, info['virtual-size'], info['format-specific'].data['create-type']]).toEqual(['vmdk', SAMPLE_DISK_BYTES, 'streamOptimized']);
    expect(info['format-specific'].data.cid).toBe(randomCid(seededIdentity(SAMPLE_SEED, SAMPLE_DATE)));
    const compare = spawnSync('qemu-img', ['compare', '-f', 'vmdk', '-F', 'raw', vmdk, join(work, 'disk.raw')], { encoding: 'utf8' });
    expect([compare.status, compare.stdout.trim()]).toEqual([0, 'Images are identical.']);
    expect(readFileSync(vmdk, 'latin1')).toMatch(/ddb\.adapterType = "lsilogic"\nddb\.geometry/);
  });

  it('has the MBR sfdisk expects: 1 MiB-aligned sda1 (bootable, 83), sda2 (83), sda3 (82)', () => {
    const table = JSON.parse(execFileSync('sfdisk', ['--json', join(work, 'disk.raw')], { encoding: 'utf8' })) as {
      partitiontable: { label: string; id: string; partitions: { start: number; size: number; type: string; bootable?: boolean }[] };
    };
    expect(table.partitiontable.label).toBe('dos');
    expect(table.partitiontable.id).toBe(`0x${ids.uint32('mbr disk signature').toString(16).padStart(8, '0')}`);
    expect(table.partitiontable.partitions.map(({ start, size, type, bootable }) => ({ start, size, type, bootable: bootable ?? false }))).toEqual([
      { start: 2048, size: 32768, type: '83', bootable: true },
      { start: 34816, size: 81920, type: '83', bootable: false },
      { start: 116736, size: 14336, type: '82', bootable: false },
    ]);
  });

  it('has an ext2 /boot and an ext3 root that e2fsck -fn finds clean, with the expected features', () => {
    expect(expectClean(boot)).toMatch(/^\/boot: \d+\/4096 files \(0\.0% non-contiguous\), \d+\/16384 blocks$/);
    expect(expectClean(root)).toMatch(/^\/: \d+\/10240 files \(0\.0% non-contiguous\), \d+\/40960 blocks$/);
    const [bootFields, rootFields] = [superblockFields(boot), superblockFields(root)];
    expect(bootFields.get('Filesystem features')).toBe('filetype sparse_super');
    expect(rootFields.get('Filesystem features')).toBe('has_journal filetype sparse_super');
    expect([bootFields.get('Filesystem UUID'), rootFields.get('Filesystem UUID')]).toEqual([formatUuid(ids.uuid('sda1 uuid')), formatUuid(ids.uuid('sda2 uuid'))]);
    expect(rootFields.get('Journal size') ?? rootFields.get('Total journal size')).toBe('4096k');
  });

  it('names /dev/sda in fstab, grub.conf (menu.lst links to it), device.map and /etc/sysconfig/grub', () => {
    expect(debugfs(root, 'cat /etc/fstab')).toBe(FSTAB);
    expect(debugfs(boot, 'cat /grub/grub.conf')).toBe(GRUB_CONF);
    expect(debugfs(boot, 'stat /grub/menu.lst')).toMatch(/Type: symlink[\s\S]*Fast link dest: "\.\/grub\.conf"/);
    expect(debugfs(boot, 'cat /grub/device.map')).toBe('# this device map was generated by anaconda\n(hd0)     /dev/sda\n');
    expect(debugfs(root, 'cat /etc/sysconfig/grub')).toBe('boot=/dev/sda\nforcelba=0\n');
    expect(debugfs(root, 'cat /etc/redhat-release')).toBe('CentOS release 5.11 (Final)\n');
    expect(debugfs(root, 'stat /etc/grub.conf')).toMatch(/Fast link dest: "\.\.\/boot\/grub\/grub\.conf"/);
    expect(GRUB_CONF).toMatch(/\tkernel \/xen\.gz-2\.6\.18-398\.el5\n\tmodule \/vmlinuz-2\.6\.18-398\.el5xen ro root=\/dev\/sda2\n\tmodule \/initrd-2\.6\.18-398\.el5xen\.img\n/);
  });

  it('has initrds that are gzip cpio newc archives listing the storage modules', async () => {
    for (const [version, modules] of [
      [XEN_KERNEL, ['lib/xenblk.ko', 'lib/ata_piix.ko']],
      [KERNEL, ['lib/mptspi.ko', 'lib/ata_piix.ko']],
    ] as const) {
      const initrd = debugfsBytes(boot, `cat /initrd-${version}.img`);
      const names = execFileSync('sh', ['-c', 'gzip -dc | cpio -it --quiet'], { input: initrd, encoding: 'utf8' }).trim().split('\n');
      expect(names).toEqual(expect.arrayContaining(['init', ...modules]));
      expect(names).not.toContain(version === KERNEL ? 'lib/xenblk.ko' : 'lib/mptspi.ko');
      expect((await listInitrd(new Uint8Array(initrd), 'initrd')).names).toEqual(names);
    }
  });

  it('has a swap partition blkid knows, with the seeded UUID and a label', () => {
    const out = execFileSync('blkid', ['-p', '-o', 'export', join(work, 'sda3.img')], { encoding: 'utf8' });
    expect(out).toContain('TYPE=swap\n');
    expect(out).toContain(`UUID=${formatUuid(ids.uuid('sda3 uuid'))}\n`);
    expect(out).toContain('LABEL=SWAP-sda3\n');
  });

  it('takes the xenserver-pv repair the app offers: every edit lands, both filesystems stay clean', async () => {
    const guest = await openSampleGuest();
    const plan = await planGuestFixups(guest, { target: 'xenserver-pv', pv: true });
    expect(plan.warnings).toEqual([]);
    expect(plan.edits.map((edit) => edit.path)).toEqual(expect.arrayContaining(['/etc/fstab', '/boot/grub/grub.conf', '/boot/grub/device.map']));
    await applyGuestEdits(guest, plan.edits);
    const sink = new MemorySink('repaired.raw');
    await copyDisk(guest.disks[0]!, 'raw', sink);
    const repaired = sink.bytes();
    const part = (name: string, { startSector, sectors }: { startSector: number; sectors: number }) => {
      writeFileSync(join(work, name), repaired.subarray(startSector * 512, (startSector + sectors) * 512));
      return join(work, name);
    };
    const [newBoot, newRoot] = [part('repaired-sda1.img', SAMPLE_PARTITIONS.boot), part('repaired-sda2.img', SAMPLE_PARTITIONS.root)];
    expectClean(newBoot);
    expectClean(newRoot);
    expect(debugfs(newRoot, 'cat /etc/fstab')).toBe(FSTAB.replace(/\/dev\/sda/g, '/dev/xvda'));
    const grub = debugfs(newBoot, 'cat /grub/grub.conf');
    expect(grub).toContain(`\tkernel /vmlinuz-${XEN_KERNEL} ro root=/dev/xvda2\n\tinitrd /initrd-${XEN_KERNEL}.img\n`);
    expect(debugfs(newBoot, 'cat /grub/device.map')).toContain('(hd0)     /dev/xvda\n');
    expect(debugfs(newBoot, 'stat /grub/menu.lst')).toMatch(/Fast link dest: "\.\/grub\.conf"/);
  });
});
