import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { ensureCliBuilt, vmferry } from '../support/cli';
import { gnuTar, makeStreamOptimizedVmdk, tempDir, vsphereDescriptorFor, writeManifest, fixtureText } from '../support/packages';

beforeAll(() => ensureCliBuilt());

describeWithTools(['qemu-img', 'tar'], 'vmferry inspect and verify on a vSphere OVA', () => {
  let dir: string;
  let ova: string;
  beforeAll(() => {
    dir = tempDir('cli-ova');
    makeStreamOptimizedVmdk(join(dir, 'input.vmdk'));
    writeFileSync(join(dir, 'vmw.ovf'), vsphereDescriptorFor(join(dir, 'input.vmdk')));
    writeManifest(dir, 'vmw.mf', ['vmw.ovf', 'input.vmdk']);
    ova = gnuTar(dir, 'vmw.ova', ['vmw.ovf', 'vmw.mf', 'input.vmdk']);
  });

  it('inspect --json describes the systems, hardware, disks, files and a matching manifest', () => {
    const { status, stdout, stderr } = vmferry('inspect', ova, '--json');
    expect(stderr).not.toMatch(/error/i);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.kind).toBe('ova');
    expect(report.virtualSystems).toHaveLength(1);
    const vm = report.virtualSystems[0];
    // Values read from cot-vmware-vsphere-vmx08.ovf by hand: 2 vCPUs, 1536 MB, 1 GiB disk on lsilogic, 4 E1000.
    expect(vm.name).toBe('vmw');
    expect(vm.cpus).toBe(2);
    expect(vm.memoryBytes).toBe(1536 * 1024 * 1024);
    expect(vm.firmware).toBe('bios');
    expect(vm.os).toMatchObject({ cimId: 80, vmwareOsType: 'rhel6_64Guest' });
    expect(vm.disks).toHaveLength(1);
    expect(vm.disks[0]).toMatchObject({ capacityBytes: 1024 ** 3, fileRef: 'file1', controller: { type: 'scsi' } });
    expect(vm.disks[0].controller.subtype).toMatch(/lsilogic/);
    expect(vm.nics.map((n: { type: string; network: string }) => [n.type, n.network])).toEqual(Array(4).fill(['E1000', 'lanethernet0']));
    expect(report.files.map((f: { name: string; role: string; present: boolean }) => [f.name, f.role, f.present])).toEqual([
      ['vmw.ovf', 'descriptor', true],
      ['input.vmdk', 'disk', true],
      ['vmw.mf', 'manifest', true],
    ]);
    expect(report.diskImages).toEqual([
      expect.objectContaining({ file: 'input.vmdk', format: 'vmdk', subformat: 'streamOptimized', virtualSizeBytes: 64 * 1024 * 1024 }),
    ]);
    expect(report.manifest).toMatchObject({ algorithm: 'sha256', ok: true, mismatches: [] });
    expect(report.warnings).toEqual([]);
  });

  it('inspect without --json prints a readable summary', () => {
    const { status, stdout } = vmferry('inspect', ova);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Virtual system "vmw"/);
    expect(stdout).toMatch(/CPUs: 2/);
    expect(stdout).toMatch(/Manifest: vmw\.mf \(sha256\): all digests match/);
  });

  it('verify passes on the intact OVA', () => {
    const { status, stdout } = vmferry('verify', ova);
    expect(status).toBe(0);
    expect(stdout).toMatch(/ok\s+vmw\.mf: every sha256 digest matches/);
  });

  it('a disk that no longer matches the manifest is named by inspect and fails verify', () => {
    const bad = tempDir('cli-bad');
    for (const f of ['vmw.ovf', 'vmw.mf', 'input.vmdk']) copyFileSync(join(dir, f), join(bad, f));
    const disk = readFileSync(join(bad, 'input.vmdk'));
    disk[disk.length - 2000]! ^= 0xff;
    writeFileSync(join(bad, 'input.vmdk'), disk);
    const tampered = gnuTar(bad, 'bad.ova', ['vmw.ovf', 'vmw.mf', 'input.vmdk']);
    const report = JSON.parse(vmferry('inspect', tampered, '--json').stdout);
    expect(report.manifest.ok).toBe(false);
    expect(report.manifest.mismatches).toEqual([expect.objectContaining({ file: 'input.vmdk', problem: 'digest' })]);
    const result = vmferry('verify', tampered);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/input\.vmdk: digest [0-9a-f]{64} does not match vmw\.mf/);
  });

  it('a truncated OVA is refused with a message naming the file, not a crash', () => {
    const cut = join(tempDir('cli-cut'), 'cut.ova');
    copyFileSync(ova, cut);
    truncateSync(cut, 512 * 30 + 100);
    const result = vmferry('inspect', cut, '--json');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cut\.ova/);
    expect(result.stderr).not.toMatch(/internal error|at .*\.mjs/);
    expect(result.stdout).toBe('');
  });
});

describeWithTools(['qemu-img'], 'vmferry on an OVF folder', () => {
  it('an OVF whose files are missing still inspects, with a warning per file; verify fails naming them', () => {
    const dir = tempDir('cli-ovf-missing');
    writeFileSync(join(dir, 'two.ovf'), fixtureText('govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf'));
    const inspect = vmferry('inspect', join(dir, 'two.ovf'), '--json');
    expect(inspect.status).toBe(0);
    const report = JSON.parse(inspect.stdout);
    expect(report.kind).toBe('ovf');
    expect(report.virtualSystems.map((s: { name: string }) => s.name)).toEqual(['sunvhw-sas', 'sunvhw-pv']);
    const missing = ['sunVHW-DiskTypes-disk1.vmdk', 'sunVHW-DiskTypes-disk2.vmdk', 'sunVHW-DiskTypes-disk3.vmdk', 'sunVHW-DiskTypes-disk4.vmdk'];
    for (const name of missing) expect(report.warnings.some((w: string) => w.includes(`Missing file ${name}`))).toBe(true);
    const verify = vmferry('verify', join(dir, 'two.ovf'));
    expect(verify.status).toBe(1);
    for (const name of missing) expect(verify.stderr).toContain(`${name}: missing`);
  });

  it('a chunked file reference (ovf:chunkSize) is read from its parts; a missing part fails verify', () => {
    const dir = tempDir('cli-chunked');
    makeStreamOptimizedVmdk(join(dir, 'input.vmdk'));
    const size = readFileSync(join(dir, 'input.vmdk')).length;
    const chunk = 64 * 1024;
    execFileSync('split', ['-d', '-a', '9', '-b', String(chunk), 'input.vmdk', 'input.vmdk.'], { cwd: dir });
    execFileSync('rm', [join(dir, 'input.vmdk')]);
    const descriptor = vsphereDescriptorFor(join(dir, 'input.vmdk.000000000')).replace(
      /ovf:size="\d+"/,
      `ovf:size="${size}" ovf:chunkSize="${chunk}"`,
    );
    writeFileSync(join(dir, 'vmw.ovf'), descriptor);
    const report = JSON.parse(vmferry('inspect', join(dir, 'vmw.ovf'), '--json').stdout);
    const parts = Math.ceil(size / chunk);
    expect(report.files[1]).toMatchObject({ name: 'input.vmdk', present: true, size, chunks: parts });
    expect(report.diskImages[0]).toMatchObject({ format: 'vmdk', subformat: 'streamOptimized' });
    expect(vmferry('verify', join(dir, 'vmw.ovf')).status).toBe(0);

    const lastPart = `input.vmdk.${String(parts - 1).padStart(9, '0')}`;
    execFileSync('rm', [join(dir, lastPart)]);
    const verify = vmferry('verify', join(dir, 'vmw.ovf'));
    expect(verify.status).toBe(1);
    expect(JSON.parse(vmferry('inspect', join(dir, 'vmw.ovf'), '--json').stdout).warnings.join()).toContain(lastPart);
  });

  it('a size that disagrees with References is reported and fails verify', () => {
    const dir = tempDir('cli-size');
    makeStreamOptimizedVmdk(join(dir, 'input.vmdk'));
    writeFileSync(join(dir, 'vmw.ovf'), fixtureText('cot-vmware-vsphere-vmx08.ovf'));
    const verify = vmferry('verify', join(dir, 'vmw.ovf'));
    expect(verify.status).toBe(1);
    expect(verify.stderr).toMatch(/input\.vmdk: \d+ bytes, but the descriptor declares 152576/);
  });

  it('a gzip-compressed member (ovf:compression="gzip") is recognised inside', () => {
    const dir = tempDir('cli-gzip');
    makeStreamOptimizedVmdk(join(dir, 'disk.vmdk'));
    execFileSync('gzip', ['-k', join(dir, 'disk.vmdk')]);
    const size = readFileSync(join(dir, 'disk.vmdk.gz')).length;
    const descriptor = fixtureText('cot-vmware-vsphere-vmx08.ovf').replace(
      '<ovf:File ovf:href="input.vmdk" ovf:id="file1" ovf:size="152576" />',
      `<ovf:File ovf:href="disk.vmdk.gz" ovf:id="file1" ovf:size="${size}" ovf:compression="gzip" />`,
    );
    mkdirSync(join(dir, 'pkg'));
    writeFileSync(join(dir, 'pkg/vmw.ovf'), descriptor);
    copyFileSync(join(dir, 'disk.vmdk.gz'), join(dir, 'pkg/disk.vmdk.gz'));
    const report = JSON.parse(vmferry('inspect', join(dir, 'pkg/vmw.ovf'), '--json').stdout);
    expect(report.files[1]).toMatchObject({ name: 'disk.vmdk.gz', compression: 'gzip', present: true, size });
    expect(report.diskImages[0]).toMatchObject({ format: 'vmdk', subformat: 'streamOptimized', compression: 'gzip', virtualSizeBytes: 64 * 1024 * 1024 });
  });
});

describeWithTools(['qemu-img', 'tar'], 'vmferry on other inputs', () => {
  it('a bare qcow2 disk is recognised by content whatever its name', () => {
    const dir = tempDir('cli-disk');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'looks-like.ova'), '2G']);
    const report = JSON.parse(vmferry('inspect', join(dir, 'looks-like.ova'), '--json').stdout);
    expect(report.kind).toBe('disk');
    expect(report.diskImages[0]).toMatchObject({ format: 'qcow2', subformat: 'v3', virtualSizeBytes: 2 * 1024 ** 3 });
    expect(report.virtualSystems).toEqual([]);
  });

  it('a monolithicFlat VMDK lists its extent and warns when it is missing', () => {
    const dir = tempDir('cli-flat');
    execFileSync('qemu-img', ['create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicFlat', join(dir, 'd.vmdk'), '8M']);
    expect(vmferry('verify', join(dir, 'd.vmdk')).status).toBe(0);
    execFileSync('rm', [join(dir, 'd-flat.vmdk')]);
    const report = JSON.parse(vmferry('inspect', join(dir, 'd.vmdk'), '--json').stdout);
    expect(report.files[1]).toMatchObject({ name: 'd-flat.vmdk', present: false });
    expect(vmferry('verify', join(dir, 'd.vmdk')).stderr).toMatch(/d-flat\.vmdk: missing/);
  });

  it('an XVA is detected and its disks listed', () => {
    const dir = tempDir('cli-xva');
    writeFileSync(join(dir, 'ova.xml'), '<value><struct></struct></value>');
    mkdirSync(join(dir, 'Ref:7'));
    writeFileSync(join(dir, 'Ref:7/00000000'), Buffer.alloc(1024 * 1024, 1));
    writeFileSync(join(dir, 'Ref:7/00000003'), Buffer.alloc(1024 * 1024, 2));
    execFileSync('tar', ['-cf', join(dir, 'vm.xva'), '-C', dir, 'ova.xml', 'Ref:7/00000000', 'Ref:7/00000003']);
    const report = JSON.parse(vmferry('inspect', join(dir, 'vm.xva'), '--json').stdout);
    expect(report.kind).toBe('xva');
    expect(report.files).toEqual([
      expect.objectContaining({ name: 'ova.xml', role: 'descriptor' }),
      expect.objectContaining({ name: 'Ref:7/', role: 'disk', chunks: 2, size: 2 * 1024 * 1024 }),
    ]);
  });

  it('a file that is nothing we know is refused clearly (exit 1, file named)', () => {
    const dir = tempDir('cli-unknown');
    writeFileSync(join(dir, 'notes.txt'), 'not a disk\n');
    const result = vmferry('inspect', join(dir, 'notes.txt'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/notes\.txt: Not an OVA, OVF descriptor, XVA or disk image/);
  });

  it('a descriptor with a DOCTYPE is refused (no entity expansion)', () => {
    const dir = tempDir('cli-doctype');
    writeFileSync(join(dir, 'evil.ovf'), '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1">&a;</Envelope>');
    const result = vmferry('inspect', join(dir, 'evil.ovf'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/evil\.ovf.*(DOCTYPE|entit)/i);
  });
});

describe('vmferry usage', () => {
  it('exits 2 with usage on unknown commands, options and missing arguments', () => {
    for (const args of [[], ['frobnicate'], ['inspect'], ['inspect', 'a', 'b'], ['inspect', 'x.ova', '--jsn']]) {
      const result = vmferry(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/Usage:/);
    }
  });

  it('exits 1 naming the file when the input does not exist', () => {
    const result = vmferry('inspect', '/nonexistent/x.ova');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/\/nonexistent\/x\.ova: Cannot open: ENOENT/);
  });

  it('--help and --version', () => {
    expect(vmferry('--help').stdout).toMatch(/vmferry inspect INPUT/);
    expect(vmferry('--version').stdout).toMatch(/^vmferry \d+\.\d+\.\d+/);
  });
});

describeWithTools(['qemu-img', 'qemu-io'], 'vmferry inspect on a snapshot chain', () => {
  it('reports the virtual size, the bytes holding data, and each layer with what it costs on disk', () => {
    const dir = tempDir('cli-chain');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '1G']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x11 0 4M', join(dir, 'base.qcow2')]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(dir, 'top.qcow2')]);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x22 2M 4M', join(dir, 'top.qcow2')]);
    const report = JSON.parse(vmferry('inspect', join(dir, 'top.qcow2'), '--json').stdout);
    const image = report.diskImages[0];
    expect(image).toMatchObject({ format: 'qcow2', virtualSizeBytes: 1024 ** 3, allocatedBytes: 6 * 1024 * 1024, problem: null });
    expect(image.chain.map((l: { file: string; storedBytes: number }) => [l.file, l.storedBytes])).toEqual([
      ['top.qcow2', statSync(join(dir, 'top.qcow2')).size],
      ['base.qcow2', statSync(join(dir, 'base.qcow2')).size],
    ]);
    // Without its base the top layer cannot be read: inspect says why, verify fails.
    execFileSync('rm', [join(dir, 'base.qcow2')]);
    const broken = JSON.parse(vmferry('inspect', join(dir, 'top.qcow2'), '--json').stdout);
    expect(broken.diskImages[0].problem).toMatch(/base\.qcow2/);
    expect(vmferry('verify', join(dir, 'top.qcow2')).status).toBe(1);
  });
});
