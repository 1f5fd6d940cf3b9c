import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, vmferry } from '../../support/cli';
import { makeMixedRaw, MiB, qemuCompare, qemuImg } from '../../support/disks';
import { fixtureText, gnuTar, makeStreamOptimizedVmdk, OVF_FIXTURES, tempDir, vsphereDescriptorFor, writeManifest } from '../../support/packages';
import { describeWithTools } from '../../support/tools';
import { buildXva } from '../../engine/xva/xva-fixture';

/** The classic migrations to OVF packages, end to end through the CLI, checked with the real tools. */
const schema = (version: '1.0' | '2.0') => join(OVF_FIXTURES, '..', 'schema', version === '1.0' ? 'dsp8023_1.0.0.xsd' : 'dsp8023_2.0.1.xsd');
function xmllintSchema(path: string, version: '1.0' | '2.0' = '1.0'): { status: number; output: string } {
  const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema(version), path], {
    encoding: 'utf8',
    env: { ...process.env, XML_CATALOG_FILES: join(OVF_FIXTURES, '..', 'schema', 'catalog.xml') },
  });
  return { status: result.status ?? -1, output: result.stdout + result.stderr };
}
function sha256Check(dir: string, manifest: string): { status: number; output: string } {
  const result = spawnSync('sh', ['-c', `sed -E 's/^SHA(256|1)\\((.*)\\)= (.*)$/\\3  \\2/' '${manifest}' | sha256sum -c`], { cwd: dir, encoding: 'utf8' });
  return { status: result.status ?? -1, output: result.stdout + result.stderr };
}

describe('package migrations', () => {
  describeWithTools(['qemu-img', 'tar', 'sha256sum', 'xmllint'], 'OVF packages end to end', () => {
    let dir: string;
    beforeAll(() => {
      ensureCliBuilt();
      dir = tempDir('packages');
      makeMixedRaw(join(dir, 'src.img'), 10485760);
    });

    it('XenServer (Kensho) OVF with a VHD becomes a VMware OVA: streamOptimized VMDK, manifest sha256sum agrees, schema-valid', () => {
      const pkg = tempDir('kensho');
      const href = '5936bc8c-20ae-4052-9083-b8e5b96dc683.vhd';
      qemuImg('convert', '-q', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=dynamic,force_size', join(dir, 'src.img'), join(pkg, href));
      const descriptor = fixtureText('xenadmin-sample_app-xenovf-utf16decl.ovf').replace('ovf:size="16777216"', `ovf:size="${statSync(join(pkg, href)).size}"`);
      writeFileSync(join(pkg, 'xen.ovf'), descriptor);
      const result = vmferry('convert', join(pkg, 'xen.ovf'), join(pkg, 'out.ova'), '--target', 'vmware');
      expect(result.status, result.stderr).toBe(0);
      const out = tempDir('kensho-x');
      const names = execFileSync('tar', ['-tf', join(pkg, 'out.ova')], { encoding: 'utf8' }).trim().split('\n');
      // DSP0243 §5.3 order: descriptor, manifest, then the files in References order.
      expect(names.slice(0, 2)).toEqual(['out.ovf', 'out.mf']);
      execFileSync('tar', ['-xf', join(pkg, 'out.ova'), '-C', out]);
      expect(sha256Check(out, 'out.mf').status).toBe(0);
      const disk = names.find((n) => n.endsWith('.vmdk'))!;
      expect(qemuImg('info', join(out, disk))).toMatch(/create type: streamOptimized/);
      expect(qemuCompare(join(dir, 'src.img'), 'raw', join(out, disk), 'vmdk').status).toBe(0);
      expect(readFileSync(join(out, 'out.ovf'), 'utf8')).toContain(`ovf:size="${statSync(join(out, disk)).size}"`);
      const valid = xmllintSchema(join(out, 'out.ovf'));
      expect(valid.status, valid.output).toBe(0);
    });

    it('a VMware OVA becomes a Hyper-V folder: VHD, descriptor, manifest and PowerShell script side by side', () => {
      const pkg = tempDir('to-hyperv');
      qemuImg('convert', '-q', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', join(dir, 'src.img'), join(pkg, 'input.vmdk'));
      writeFileSync(join(pkg, 'vmw.ovf'), vsphereDescriptorFor(join(pkg, 'input.vmdk')));
      writeManifest(pkg, 'vmw.mf', ['vmw.ovf', 'input.vmdk']);
      gnuTar(pkg, 'vmw.ova', ['vmw.ovf', 'vmw.mf', 'input.vmdk']);
      const out = tempDir('to-hyperv-out');
      const result = vmferry('convert', join(pkg, 'vmw.ova'), join(out, 'web.ovf'), '--target', 'hyperv');
      expect(result.status, result.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['import-hyperv.ps1', 'web-disk1.vhd', 'web.mf', 'web.ovf']);
      expect(qemuCompare(join(dir, 'src.img'), 'raw', join(out, 'web-disk1.vhd'), 'vpc').status).toBe(0);
      expect(readFileSync(join(out, 'import-hyperv.ps1'), 'utf8')).toContain("-ControllerType IDE -ControllerNumber 0 -ControllerLocation 0 -Path (Join-Path $here 'web-disk1.vhd')");
      expect(sha256Check(out, 'web.mf').status).toBe(0);
      // The script travels with the package but is not part of the OVF: the manifest lists only what the
      // descriptor references (DSP0243 §5.1), and the folder verifies.
      expect(readFileSync(join(out, 'web.mf'), 'utf8')).not.toContain('import-hyperv.ps1');
      const verify = vmferry('verify', join(out, 'web.ovf'));
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    });

    it('OVF folder to OVA and back: same disk contents, manifests agree', () => {
      const pkg = tempDir('roundtrip');
      qemuImg('convert', '-q', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', join(dir, 'src.img'), join(pkg, 'input.vmdk'));
      writeFileSync(join(pkg, 'vmw.ovf'), vsphereDescriptorFor(join(pkg, 'input.vmdk')));
      expect(vmferry('convert', join(pkg, 'vmw.ovf'), join(pkg, 'a.ova'), '--target', 'ovf').status).toBe(0);
      const back = tempDir('roundtrip-back');
      const result = vmferry('convert', join(pkg, 'a.ova'), join(back, 'b.ovf'), '--target', 'ovf');
      expect(result.status, result.stderr).toBe(0);
      expect(qemuCompare(join(dir, 'src.img'), 'raw', join(back, 'b-disk1.vmdk'), 'vmdk').status).toBe(0);
      expect(sha256Check(back, 'b.mf').status).toBe(0);
    });

    it('a VirtualBox OVA becomes a KVM folder: qcow2 disks and a libvirt domain', () => {
      const pkg = tempDir('vbox');
      for (const [name, size] of [['Windows 5.1 XP 1 merged.vmdk', '10485760000'], ['smallvdi.vmdk', '2147483648']] as const) {
        qemuImg('create', '-q', '-f', 'vmdk', '-o', 'subformat=streamOptimized', join(pkg, name), size);
      }
      let descriptor = fixtureText('vbox32-winxp-ovf10-vboxmachine-2disks.ovf');
      descriptor = descriptor.replace('ovf:size="4948965888"', `ovf:size="${statSync(join(pkg, 'Windows 5.1 XP 1 merged.vmdk')).size}"`);
      descriptor = descriptor.replace('ovf:size="1265152"', `ovf:size="${statSync(join(pkg, 'smallvdi.vmdk')).size}"`);
      writeFileSync(join(pkg, 'vbox.ovf'), descriptor);
      gnuTar(pkg, 'vbox.ova', ['vbox.ovf', 'Windows 5.1 XP 1 merged.vmdk', 'smallvdi.vmdk']);
      const out = tempDir('vbox-out');
      const result = vmferry('convert', join(pkg, 'vbox.ova'), join(out, 'xp.ovf'), '--target', 'kvm', '--manifest', 'none');
      expect(result.status, result.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['domain.xml', 'xp-disk1.qcow2', 'xp-disk2.qcow2', 'xp.ovf']);
      expect(qemuImg('info', join(out, 'xp-disk1.qcow2'))).toMatch(/virtual size: 9\.77 GiB \(10485760000 bytes\)/);
      expect(readFileSync(join(out, 'domain.xml'), 'utf8')).toContain('/var/lib/libvirt/images/xp-disk1.qcow2');
    });

    it('an XVA becomes an OVF package with the VM\'s disks', () => {
      const sub = tempDir('xva-ovf');
      const vm = { name: 'app', vcpus: 1, memory: 256 * MiB, hvm: true, disks: [{ ref: 'Ref:3', virtualSize: 4 * MiB, chunks: new Map([[0, Buffer.alloc(MiB, 1)], [3, Buffer.alloc(MiB, 2)]]) }] };
      buildXva(sub, join(sub, 'app.xva'), vm);
      const result = vmferry('convert', join(sub, 'app.xva'), join(sub, 'app.ovf'), '--target', 'ovf');
      expect(result.status, result.stderr).toBe(0);
      expect(existsSync(join(sub, 'app-disk1.vmdk'))).toBe(true);
      expect(sha256Check(sub, 'app.mf').status).toBe(0);
    });
  });
});

describeWithTools(['qemu-img', 'tar', 'sha256sum'], 'a package whose manifest no longer matches', () => {
  it('is converted with the mismatch reported by file name, and the output carries a new manifest that matches', async () => {
    const pkg = tempDir('stale-manifest');
    makeStreamOptimizedVmdk(join(pkg, 'input.vmdk'));
    writeFileSync(join(pkg, 'vmw.ovf'), vsphereDescriptorFor(join(pkg, 'input.vmdk')));
    writeManifest(pkg, 'vmw.mf', ['vmw.ovf', 'input.vmdk']);
    // Someone edited the descriptor after export (the usual reason manifests get deleted by hand).
    writeFileSync(join(pkg, 'vmw.ovf'), `${readFileSync(join(pkg, 'vmw.ovf'), 'utf8')}\n<!-- edited after export -->\n`);
    const result = vmferry('convert', join(pkg, 'vmw.ovf'), join(pkg, 'fixed.ova'), '--target', 'vmware');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: vmw\.mf does not match the input:\n {2}vmw\.ovf: digest differs/);
    const out = tempDir('stale-manifest-x');
    execFileSync('tar', ['-xf', join(pkg, 'fixed.ova'), '-C', out]);
    expect(sha256Check(out, 'fixed.mf').status).toBe(0);
  });
});

describeWithTools(['qemu-img', 'tar', 'split'], 'package inputs that do not add up', () => {
  it('a file whose size disagrees with References: converted, the disagreement reported by name, the output sized truly', () => {
    const pkg = tempDir('size-disagrees');
    makeStreamOptimizedVmdk(join(pkg, 'input.vmdk'));
    writeFileSync(join(pkg, 'vmw.ovf'), fixtureText('cot-vmware-vsphere-vmx08.ovf')); // declares 152576 bytes
    const result = vmferry('convert', join(pkg, 'vmw.ovf'), join(pkg, 'out.ova'), '--target', 'vmware');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: Size of input\.vmdk is \d+ bytes but the descriptor declares 152576/);
    expect(vmferry('verify', join(pkg, 'out.ova')).status).toBe(0);
  });

  it('a chunked reference with a missing part: a clear error naming the part, and nothing written', () => {
    const pkg = tempDir('missing-part');
    makeStreamOptimizedVmdk(join(pkg, 'input.vmdk'));
    const size = statSync(join(pkg, 'input.vmdk')).size;
    execFileSync('split', ['-d', '-a', '9', '-b', '65536', 'input.vmdk', 'input.vmdk.'], { cwd: pkg });
    execFileSync('rm', [join(pkg, 'input.vmdk'), join(pkg, 'input.vmdk.000000001')]);
    const descriptor = fixtureText('cot-vmware-vsphere-vmx08.ovf').replace('ovf:size="152576"', `ovf:size="${size}" ovf:chunkSize="65536"`);
    writeFileSync(join(pkg, 'vmw.ovf'), descriptor);
    const result = vmferry('convert', join(pkg, 'vmw.ovf'), join(pkg, 'out.ova'), '--target', 'vmware');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/input\.vmdk\.000000001/);
    expect(readdirSync(pkg).filter((name) => name.startsWith('out') || name.includes('partial'))).toEqual([]);
  });
});
