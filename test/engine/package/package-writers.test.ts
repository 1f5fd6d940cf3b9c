import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeOvfFolder } from '../../../src/engine/package/folder-writer';
import { writeOva } from '../../../src/engine/package/ova-writer';
import { bytesSource, type PackageContent } from '../../../src/engine/package/package-content';
import { isVmferryError } from '../../../src/engine/errors';
import { NodeFileSink } from '../../../src/cli/node-file-sink';
import { nodeFolderTarget } from '../../../src/cli/node-folder-target';
import { makeMixedRaw, MiB, openDiskFile, qemuCheck, qemuCompare, qemuImg } from '../../support/disks';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';
import type { VirtualDisk } from '../../../src/engine/disk/virtual-disk';

/** A stand-in descriptor: the sizes it was given, so the test sees what the writer knew when it wrote it. */
function content(disks: { href: string; disk: VirtualDisk; format: 'vmdk' | 'vhd' }[], manifest = true): PackageContent {
  const script = new TextEncoder().encode('echo import\n');
  return {
    descriptorName: 'pkg.ovf',
    descriptor: (sizes) => new TextEncoder().encode(`<Envelope>${[...sizes].map(([name, size]) => `<File href="${name}" size="${size}"/>`).join('')}</Envelope>\n`),
    disks: disks.map((d) => ({ ...d, options: {} })),
    // This test's descriptor lists the script in References, so it belongs in the manifest too.
    extras: [{ name: 'import.sh', size: script.length, chunks: bytesSource(script), referenced: true }],
    manifest: manifest ? { name: 'pkg.mf', algorithm: 'sha256' } : null,
  };
}

describeWithTools(['qemu-img', 'tar', 'sha256sum'], 'package writers', () => {
  let dir: string;
  let a: Awaited<ReturnType<typeof openDiskFile>>;
  let b: Awaited<ReturnType<typeof openDiskFile>>;
  beforeAll(async () => {
    dir = tempDir('package');
    makeMixedRaw(join(dir, 'a.img'), 48 * MiB);
    makeMixedRaw(join(dir, 'b.img'), 8 * MiB);
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', join(dir, 'a.img'), join(dir, 'a.qcow2'));
    a = await openDiskFile(join(dir, 'a.qcow2'));
    b = await openDiskFile(join(dir, 'b.img'));
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('OVA: descriptor (with the exact sizes) first, manifest second, then disks in order; GNU tar, sha256sum -c and qemu-img agree', async () => {
    const phases = new Set<string>();
    const started = Date.now();
    const written = await writeOva(
      await NodeFileSink.create(join(dir, 'pkg.ova')),
      content([
        { href: 'disk1.vmdk', disk: a.disk, format: 'vmdk' },
        { href: 'disk2.vhd', disk: b.disk, format: 'vhd' },
      ]),
      { onProgress: (p) => phases.add(`${p.file}:${p.phase}`) },
    );
    const seconds = (Date.now() - started) / 1000;
    // The manifest comes second, so both disks are measured (and hashed) before the archive is written.
    expect([...phases]).toEqual(expect.arrayContaining(['disk1.vmdk:measure', 'disk1.vmdk:write', 'disk2.vhd:scan', 'disk2.vhd:measure', 'disk2.vhd:write']));
    const listing = execFileSync('tar', ['-tvf', join(dir, 'pkg.ova')], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.map((line) => line.split(/\s+/).pop())).toEqual(['pkg.ovf', 'pkg.mf', 'disk1.vmdk', 'disk2.vhd', 'import.sh']);
    const out = tempDir('package-x');
    execFileSync('tar', ['-xf', join(dir, 'pkg.ova'), '-C', out]);
    const descriptor = readFileSync(join(out, 'pkg.ovf'), 'utf8');
    for (const name of ['disk1.vmdk', 'disk2.vhd', 'import.sh']) {
      expect(descriptor).toContain(`<File href="${name}" size="${statSync(join(out, name)).size}"/>`);
    }
    const check = spawnSync('sh', ['-c', `sed -E 's/^SHA256\\((.*)\\)= (.*)$/\\2  \\1/' pkg.mf | sha256sum -c`], { cwd: out, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toEqual(['pkg.ovf: OK', 'disk1.vmdk: OK', 'disk2.vhd: OK', 'import.sh: OK']);
    expect(qemuCompare(join(dir, 'a.img'), 'raw', join(out, 'disk1.vmdk'), 'vmdk').status).toBe(0);
    expect(qemuCompare(join(dir, 'b.img'), 'raw', join(out, 'disk2.vhd'), 'vpc').status).toBe(0);
    expect(qemuCheck(join(out, 'disk1.vmdk'), 'vmdk').status).toBe(0);
    expect(written.map((f) => f.name)).toEqual(['pkg.ovf', 'pkg.mf', 'disk1.vmdk', 'disk2.vhd', 'import.sh']);
    console.info(`OVA with a measured streamOptimized disk (48 MiB virtual) and a VHD: ${seconds.toFixed(2)} s`);
  });

  it('OVF folder: the same files side by side, manifest checked by sha256sum -c', async () => {
    const out = tempDir('package-folder');
    await writeOvfFolder(nodeFolderTarget(out), content([{ href: 'disk1.vmdk', disk: b.disk, format: 'vmdk' }]));
    expect(readdirSync(out).sort()).toEqual(['disk1.vmdk', 'import.sh', 'pkg.mf', 'pkg.ovf']);
    expect(readFileSync(join(out, 'pkg.ovf'), 'utf8')).toContain(`<File href="disk1.vmdk" size="${statSync(join(out, 'disk1.vmdk')).size}"/>`);
    const check = spawnSync('sh', ['-c', `sed -E 's/^SHA256\\((.*)\\)= (.*)$/\\2  \\1/' pkg.mf | sha256sum -c`], { cwd: out, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(qemuCompare(join(dir, 'b.img'), 'raw', join(out, 'disk1.vmdk'), 'vmdk').status).toBe(0);
  });

  it('a cancel leaves nothing: no OVA, no temporary file, and a folder target removes what it had committed', async () => {
    const out = tempDir('package-cancel');
    const controller = new AbortController();
    const ova = writeOva(await NodeFileSink.create(join(out, 'x.ova')), content([{ href: 'disk1.vmdk', disk: a.disk, format: 'vmdk' }]), {
      signal: controller.signal,
      onProgress: (p) => p.phase === 'write' && p.done > 8 * MiB && controller.abort('test'),
    });
    expect(isVmferryError(await ova.catch((e: unknown) => e), 'aborted')).toBe(true);
    expect(readdirSync(out)).toEqual([]);

    const folder = nodeFolderTarget(out);
    const controller2 = new AbortController();
    const run = writeOvfFolder(folder, content([{ href: 'd1.vhd', disk: b.disk, format: 'vhd' }, { href: 'd2.vmdk', disk: a.disk, format: 'vmdk' }]), {
      signal: controller2.signal,
      onProgress: (p) => p.file === 'd2.vmdk' && p.done > 8 * MiB && controller2.abort('test'),
    });
    expect(isVmferryError(await run.catch((e: unknown) => e), 'aborted')).toBe(true);
    expect(readdirSync(out)).toEqual(['d1.vhd']);
    await folder.discard();
    expect(readdirSync(out)).toEqual([]);
    expect(existsSync(join(out, 'x.ova'))).toBe(false);
  });
});
