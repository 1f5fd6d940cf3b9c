import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { buildSampleOva } from '../../src/engine/sample';
import { describeWithTools } from '../support/tools';
import { ensureCliBuilt, vmferry } from '../support/cli';
import { tempDir } from '../support/packages';

beforeAll(() => ensureCliBuilt());

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Copies partition `number` of a raw disk image out to its own file (sfdisk gives the offsets). */
function extractPartition(image: string, number: number, out: string): void {
  const table = JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })).partitiontable;
  const partition = table.partitions.find((p: { node: string }) => p.node.endsWith(String(number)));
  execFileSync('dd', [`if=${image}`, `of=${out}`, 'bs=512', `skip=${partition.start}`, `count=${partition.size}`, 'status=none']);
}

function e2fsckClean(image: string): string[] {
  const result = spawnSync('e2fsck', ['-fn', image], { encoding: 'utf8' });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return result.stdout.trim().split('\n');
}

const debugfsCat = (image: string, path: string) => execFileSync('debugfs', ['-R', `cat ${path}`, image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

describeWithTools(['qemu-img', 'sfdisk', 'e2fsck', 'debugfs'], 'vmferry convert --fix on the sample appliance', () => {
  let dir: string;
  let ova: string;
  beforeAll(async () => {
    dir = tempDir('cli-fix');
    ova = join(dir, 'centos5.ova');
    writeFileSync(ova, (await buildSampleOva()).bytes);
  });

  it('--dry-run prints each guest edit with its reasons and a unified diff, and writes nothing', () => {
    const result = vmferry('convert', ova, join(dir, 'dry.img'), '--target', 'xenserver-pv', '--fix', '--dry-run');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Guest edits \(3\):/);
    expect(result.stdout).toContain('--- a/etc/fstab\n+++ b/etc/fstab\n');
    expect(result.stdout).toMatch(/^-\/dev\/sda2 .*\n/m);
    expect(result.stdout).toMatch(/^\+\/dev\/xvda2 .*\n/m);
    expect(result.stdout).toContain('-\tkernel /xen.gz-2.6.18-398.el5\n');
    expect(existsSync(join(dir, 'dry.img'))).toBe(false);
  });

  it('xenserver-pv repair: fstab, grub.conf (behind the menu.lst symlink) and device.map read back with debugfs; filesystems e2fsck-clean; input untouched', () => {
    const before = sha256(ova);
    const out = join(dir, 'pv.img');
    const result = vmferry('convert', ova, out, '--target', 'xenserver-pv', '--fix');
    expect(result.status, result.stderr).toBe(0);
    expect(sha256(ova)).toBe(before);
    extractPartition(out, 1, join(dir, 'boot.ext2'));
    extractPartition(out, 2, join(dir, 'root.ext3'));
    for (const fs of ['boot.ext2', 'root.ext3']) {
      const lines = e2fsckClean(join(dir, fs));
      expect(lines.filter((line) => !/^Pass [1-5]|^\S+: \d+\/\d+ files/.test(line))).toEqual([]);
    }
    const fstab = debugfsCat(join(dir, 'root.ext3'), '/etc/fstab');
    expect(fstab).toMatch(/^\/dev\/xvda2\s+\/\s+ext3/m);
    expect(fstab).toMatch(/^\/dev\/xvda1\s+\/boot\s+ext2/m);
    expect(fstab).not.toMatch(/\/dev\/sd/);
    // menu.lst is a symlink to grub.conf (CentOS): the link stays, the file behind it is what changed.
    const link = execFileSync('debugfs', ['-R', 'stat /grub/menu.lst', join(dir, 'boot.ext2')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(link).toMatch(/Type: symlink[\s\S]*Fast link dest: "\.\/grub\.conf"/);
    const menu = debugfsCat(join(dir, 'boot.ext2'), '/grub/grub.conf');
    expect(menu).toContain('default=0\n');
    expect(menu).toContain('#hiddenmenu\n');
    expect(menu).toContain('\tkernel /vmlinuz-2.6.18-398.el5xen ro root=/dev/xvda2\n\tinitrd /initrd-2.6.18-398.el5xen.img\n');
    expect(menu).not.toContain('xen.gz');
    expect(debugfsCat(join(dir, 'boot.ext2'), '/grub/device.map')).toMatch(/\(hd0\)\s+\/dev\/xvda\n/);
    // The repair went into the output only: the source disk inside the OVA still names sda.
    const source = join(dir, 'source.img');
    execFileSync('tar', ['-xf', ova, '-C', dir, 'centos5-sample-disk1.vmdk']);
    execFileSync('qemu-img', ['convert', '-O', 'raw', join(dir, 'centos5-sample-disk1.vmdk'), source]);
    extractPartition(source, 2, join(dir, 'source-root.ext3'));
    expect(debugfsCat(join(dir, 'source-root.ext3'), '/etc/fstab')).toMatch(/^\/dev\/sda2/m);
  });

  it('--names uuid rewrites device paths to UUID= read from the filesystems and the swap area', () => {
    const out = join(dir, 'uuid.img');
    const result = vmferry('convert', ova, out, '--target', 'kvm', '--names', 'uuid');
    expect(result.status, result.stderr).toBe(0);
    extractPartition(out, 2, join(dir, 'uuid-root.ext3'));
    const fstab = debugfsCat(join(dir, 'uuid-root.ext3'), '/etc/fstab');
    const rootUuid = execFileSync('blkid', ['-p', '-s', 'UUID', '-o', 'value', join(dir, 'uuid-root.ext3')], { encoding: 'utf8' }).trim();
    expect(fstab).toMatch(new RegExp(`^UUID=${rootUuid}\\s+/\\s+ext3`, 'm'));
    expect(fstab).toMatch(/^UUID=[0-9a-f-]{36}\s+swap/m);
  });

  it('the import script gives the guest emulated NICs only where its kernel lacks the paravirtual driver', () => {
    // CentOS 5 has no hv_netvsc (Hyper-V drivers came separately), so Hyper-V gets legacy adapters...
    const hyperv = vmferry('convert', ova, join(dir, 'hyperv', 'centos5.ovf'), '--target', 'hyperv', '--dry-run');
    expect(hyperv.status, hyperv.stderr).toBe(0);
    expect(hyperv.stdout).toContain('NICs: legacy network adapters (emulated DEC 21140), as kernel 2.6.18-398.el5 has no Hyper-V synthetic network (hv_netvsc) driver');
    const folder = join(dir, 'hyperv-out');
    execFileSync('mkdir', ['-p', folder]);
    expect(vmferry('convert', ova, join(folder, 'centos5.ovf'), '--target', 'hyperv').status).toBe(0);
    expect(readFileSync(join(folder, 'import-hyperv.ps1'), 'utf8')).toMatch(/Add-VMNetworkAdapter [^\n]*-IsLegacy \$true/);
    // ...while its virtio_net module keeps KVM on virtio.
    const kvmFolder = join(dir, 'kvm-out');
    execFileSync('mkdir', ['-p', kvmFolder]);
    const kvm = vmferry('convert', ova, join(kvmFolder, 'centos5.ovf'), '--target', 'kvm');
    expect(kvm.status, kvm.stderr).toBe(0);
    const domain = readFileSync(join(kvmFolder, 'domain.xml'), 'utf8');
    expect(domain).toContain('<model type="virtio"/>');
    expect(domain).not.toContain('e1000');
    const inspect = vmferry('inspect', ova);
    expect(inspect.stdout).toMatch(/kernel 2\.6\.18-398\.el5: .*paravirtual NIC drivers virtio_net \(modules\)/);
  });
});
