import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ensureCliBuilt, vmferry, VMFERRY } from '../../support/cli';
import { makeMixedRaw, MiB, qemuCompare, qemuImg } from '../../support/disks';
import { gnuTar, tempDir, vsphereDescriptorFor, writeManifest } from '../../support/packages';
import { describeWithTools } from '../../support/tools';
import { buildXva, writeExpectedRaw } from '../../engine/xva/xva-fixture';

beforeAll(() => ensureCliBuilt());

/** Checks an XVA with GNU tar and sha1sum only, and rebuilds each disk by XenServer's rule (chunk N at N MiB). */
function checkXvaIndependently(xva: string): { out: string; refs: string[]; ovaXml: string } {
  const out = tempDir('xva-check');
  const names = execFileSync('tar', ['-tf', xva], { encoding: 'utf8' }).trim().split('\n');
  expect(names[0]).toBe('ova.xml');
  execFileSync('tar', ['-xf', xva, '-C', out]);
  for (const name of names.filter((n) => /\/\d{8}$/.test(n))) {
    expect(readFileSync(join(out, `${name}.checksum`), 'utf8')).toBe(execFileSync('sha1sum', [join(out, name)], { encoding: 'utf8' }).split(' ')[0]);
  }
  execFileSync('xmllint', ['--noout', join(out, 'ova.xml')]);
  const refs = [...new Set(names.filter((n) => n.includes('/')).map((n) => n.split('/')[0]!))];
  return { out, refs, ovaXml: readFileSync(join(out, 'ova.xml'), 'utf8') };
}

function rebuild(out: string, ref: string, size: number, raw: string): void {
  execFileSync('truncate', ['-s', String(size), raw]);
  for (const name of readdirSync(join(out, ref)).filter((n) => /^\d{8}$/.test(n))) {
    execFileSync('dd', [`if=${join(out, ref, name)}`, `of=${raw}`, 'bs=1M', `seek=${Number(name)}`, 'conv=notrunc', 'status=none']);
  }
}

describeWithTools(['qemu-img', 'tar', 'sha1sum', 'xmllint', 'truncate', 'dd'], 'migrations to XenServer (XVA)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('to-xva');
    makeMixedRaw(join(dir, 'src.img'), 32 * MiB);
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', join(dir, 'src.img'), join(dir, 'input.vmdk'));
    writeFileSync(join(dir, 'vmw.ovf'), vsphereDescriptorFor(join(dir, 'input.vmdk')));
    writeManifest(dir, 'vmw.mf', ['vmw.ovf', 'input.vmdk']);
    gnuTar(dir, 'vmw.ova', ['vmw.ovf', 'vmw.mf', 'input.vmdk']);
  });

  it('a VMware OVA becomes a PV XVA: one VM, pygrub, its disk chunked and checksummed; tar, sha1sum and qemu-img agree', () => {
    const xva = join(dir, 'web.xva');
    const result = vmferry('convert', join(dir, 'vmw.ova'), xva, '--target', 'xenserver-pv');
    expect(result.status, result.stderr).toBe(0);
    const { out, refs, ovaXml } = checkXvaIndependently(xva);
    expect(refs).toHaveLength(1);
    expect(ovaXml).toContain('<member><name>PV_bootloader</name><value>pygrub</value></member>');
    expect(ovaXml).toContain('<member><name>HVM_boot_policy</name><value></value></member>');
    expect(ovaXml).toContain('<member><name>domain_type</name><value>pv</value></member>');
    rebuild(out, refs[0]!, 32 * MiB, join(out, 'disk.raw'));
    expect(qemuCompare(join(dir, 'src.img'), 'raw', join(out, 'disk.raw'), 'raw').status).toBe(0);
    // And it reads back as the same appliance.
    const inspect = JSON.parse(vmferry('inspect', xva, '--json').stdout);
    expect(inspect.virtualSystems[0].disks[0].capacityBytes).toBe(32 * MiB);
  });

  it('an XVA (built from the format description) converts to a fresh XVA with the same VM and disk contents', () => {
    const sub = tempDir('xva-xva');
    const vm = {
      name: 'db 01',
      vcpus: 2,
      memory: 512 * MiB,
      hvm: true,
      firmware: 'uefi' as const,
      disks: [{ ref: 'Ref:7', virtualSize: 6 * MiB, chunks: new Map([[0, Buffer.alloc(MiB, 3)], [4, Buffer.alloc(MiB, 9)], [5, Buffer.alloc(MiB, 1)]]) }],
      nics: [{ mac: '00:16:3e:12:34:56', network: 'Pool-wide network associated with eth0' }],
    };
    buildXva(sub, join(sub, 'in.xva'), vm);
    const result = vmferry('convert', join(sub, 'in.xva'), join(sub, 'out.xva'));
    expect(result.status, result.stderr).toBe(0);
    const { out, refs, ovaXml } = checkXvaIndependently(join(sub, 'out.xva'));
    expect(ovaXml).toContain('<member><name>name_label</name><value>db 01</value></member>');
    expect(ovaXml).toContain('<member><name>firmware</name><value>uefi</value></member>');
    expect(ovaXml).toContain('<member><name>MAC</name><value>00:16:3e:12:34:56</value></member>');
    expect(ovaXml).toContain('<member><name>VCPUs_max</name><value>2</value></member>');
    rebuild(out, refs[0]!, 6 * MiB, join(out, 'disk.raw'));
    writeExpectedRaw(join(sub, 'expected.raw'), vm.disks[0]!);
    expect(qemuCompare(join(sub, 'expected.raw'), 'raw', join(out, 'disk.raw'), 'raw').status).toBe(0);
  });

  it('--dry-run prints the plan and writes nothing', () => {
    const result = vmferry('convert', join(dir, 'vmw.ova'), join(dir, 'dry.xva'), '--dry-run', '--network', 'lanethernet0=xenbr1');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Plan \(dry run, nothing written\)/);
    expect(result.stdout).toMatch(/Networks:\n {2}lanethernet0 -> xenbr1/);
    expect(existsSync(join(dir, 'dry.xva'))).toBe(false);
  });

  it('a descriptor that references a missing disk: a clear error, nothing written', () => {
    const sub = tempDir('xva-missing');
    mkdirSync(join(sub, 'pkg'));
    writeFileSync(join(sub, 'pkg', 'vmw.ovf'), readFileSync(join(dir, 'vmw.ovf')));
    const result = vmferry('convert', join(sub, 'pkg', 'vmw.ovf'), join(sub, 'out.xva'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/No readable disk to convert/);
    expect(readdirSync(sub)).toEqual(['pkg']);
  });

  it('Ctrl-C while writing: exit 130 and no XVA, no partial file', async () => {
    const sub = tempDir('xva-cancel');
    execFileSync('sh', ['-c', `head -c ${256 * MiB} /dev/urandom > ${join(sub, 'big.img')}`]);
    const child = spawn('node', [VMFERRY, 'convert', join(sub, 'big.img'), join(sub, 'big.xva')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
      // Once: a second Ctrl-C exits at once by design.
      if (!sent && /Writing/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(status).toBe(130);
    expect(readdirSync(sub)).toEqual(['big.img']);
  });
});
