import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { openAppliance } from '../../../src/engine/appliance/open';
import { checkXvaChecksums } from '../../../src/engine/appliance/open-xva';
import { copyDisk } from '../../../src/engine/disk/copy';
import { writeXva } from '../../../src/engine/xva/write-xva';
import type { XvaVmSpec } from '../../../src/engine/xva/ova-xml-write';
import { NodeFileSink } from '../../../src/cli/node-file-sink';
import { nodeFileSet } from '../../../src/cli/node-file-set';
import { makeMixedRaw, MiB, openDiskFile, qemuCompare, qemuImg } from '../../support/disks';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';

const spec = (disks: number[]): XvaVmSpec => ({
  name: "O'Brien <db> & \"web\"",
  description: 'converted by a test',
  vcpus: 4,
  memoryBytes: 2048 * MiB,
  boot: { mode: 'pv', bootloader: 'pygrub', args: 'root=/dev/xvda1 ro console=hvc0' },
  disks: disks.map((size, i) => ({ name: `disk ${i}`, virtualSize: size, userdevice: String(i), bootable: i === 0 })),
  nics: [{ device: '0', mac: '00:16:3e:00:00:01', network: 'VM Network' }],
});

/** Rebuilds a raw disk from extracted chunks by XenServer's import rule, in shell terms (dd at index × 1 MiB). */
function rebuildRaw(dir: string, ref: string, size: number, out: string): void {
  execFileSync('truncate', ['-s', String(size), out]);
  for (const name of readdirSync(join(dir, ref)).filter((n) => /^\d{8}$/.test(n))) {
    execFileSync('dd', [`if=${join(dir, ref, name)}`, `of=${out}`, 'bs=1M', `seek=${Number(name)}`, 'conv=notrunc', 'status=none']);
  }
}

describeWithTools(['qemu-img', 'tar', 'xmllint', 'sha1sum', 'xxhsum', 'truncate', 'dd'], 'XVA write', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('xva-write');
    makeMixedRaw(join(dir, 'a.img'), 24 * MiB);
    // A second disk whose size is not a whole number of MiB, empty but for its first sector.
    execFileSync('truncate', ['-s', String(3 * MiB + 4096), join(dir, 'b.img')]);
    execFileSync('sh', ['-c', `printf 'second disk' | dd of=${join(dir, 'b.img')} conv=notrunc status=none`]);
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', join(dir, 'a.img'), join(dir, 'a.qcow2'));
  });

  it('writes ova.xml first, then each disk in 1 MiB chunks with SHA-1 .checksum members; GNU tar, sha1sum and qemu-img agree', async () => {
    const a = await openDiskFile(join(dir, 'a.qcow2'));
    const b = await openDiskFile(join(dir, 'b.img'));
    try {
      await writeXva(await NodeFileSink.create(join(dir, 'vm.xva')), spec([a.disk.virtualSize, b.disk.virtualSize]), [a.disk, b.disk], { date: '2026-01-01' });
    } finally {
      await a.close();
      await b.close();
    }
    const listing = execFileSync('tar', ['-tvf', join(dir, 'vm.xva')], { encoding: 'utf8' }).trim().split('\n');
    const names = listing.map((line) => line.split(/\s+/).pop()!);
    expect(names[0]).toBe('ova.xml');
    const aChunks = names.filter((n) => /^Ref:003\/\d{8}$/.test(n));
    const bChunks = names.filter((n) => /^Ref:005\/\d{8}$/.test(n));
    // Disk a: chunks holding data, and chunk 23 (its last, which holds data); zero chunks 6, 7, 8, ... are left out.
    expect(aChunks[0]).toBe('Ref:003/00000000');
    expect(aChunks).toContain('Ref:003/00000023');
    expect(aChunks).not.toContain('Ref:003/00000008');
    // Disk b: its first chunk (data) and its last (zeros, but the importer needs it), 4096 bytes long.
    expect(bChunks).toEqual(['Ref:005/00000000', 'Ref:005/00000003']);
    expect(listing.find((line) => line.endsWith('Ref:005/00000003'))).toMatch(/\s4096\s/);
    // Each chunk is followed by its checksum; disks come in ref order.
    names.slice(1).forEach((name, i) => expect(name.endsWith('.checksum')).toBe(i % 2 === 1));
    expect(names.indexOf('Ref:005/00000000')).toBeGreaterThan(names.indexOf(aChunks[aChunks.length - 1]!));

    const out = tempDir('xva-write-x');
    execFileSync('tar', ['-xf', join(dir, 'vm.xva'), '-C', out]);
    for (const name of names.filter((n) => /\/\d{8}$/.test(n))) {
      const sum = execFileSync('sha1sum', [join(out, name)], { encoding: 'utf8' }).split(' ')[0];
      expect(readFileSync(join(out, `${name}.checksum`), 'utf8')).toBe(sum);
    }
    execFileSync('xmllint', ['--noout', join(out, 'ova.xml')]);
    const ovaXml = readFileSync(join(out, 'ova.xml'), 'utf8');
    expect(ovaXml).toContain('<member><name>name_label</name><value>O\'Brien &lt;db&gt; &amp; "web"</value></member>');
    expect(ovaXml).toContain('<member><name>PV_bootloader</name><value>pygrub</value></member>');
    expect(ovaXml).toContain('<member><name>HVM_boot_policy</name><value></value></member>');
    rebuildRaw(out, 'Ref:003', 24 * MiB, join(out, 'a.raw'));
    rebuildRaw(out, 'Ref:005', 3 * MiB + 4096, join(out, 'b.raw'));
    expect(qemuCompare(join(dir, 'a.img'), 'raw', join(out, 'a.raw'), 'raw').status).toBe(0);
    expect(qemuCompare(join(dir, 'b.img'), 'raw', join(out, 'b.raw'), 'raw').status).toBe(0);
  });

  it('reads back through the XVA reader: same VM, disks qemu-img compares equal, checksums verify', async () => {
    const { files, close } = await nodeFileSet(join(dir, 'vm.xva'));
    try {
      const appliance = await openAppliance(files);
      expect(appliance.report.warnings).toEqual([]);
      expect(appliance.report.virtualSystems[0]).toMatchObject({ name: "O'Brien <db> & \"web\"", cpus: 4, memoryBytes: 2048 * MiB, firmware: null });
      expect(appliance.report.virtualSystems[0]!.info).toMatch(/PV\) boot via pygrub, kernel arguments "root=\/dev\/xvda1 ro console=hvc0"/);
      expect(await checkXvaChecksums(appliance)).toEqual([]);
      await copyDisk(appliance.disks.get('Ref:003/')!, 'raw', await NodeFileSink.create(join(dir, 'back.raw')));
      expect(qemuCompare(join(dir, 'a.img'), 'raw', join(dir, 'back.raw'), 'raw').status).toBe(0);
    } finally {
      await close();
    }
  });

  it('an .xxhash XVA verifies with xxhsum, chunk by chunk', async () => {
    const a = await openDiskFile(join(dir, 'b.img'));
    try {
      await writeXva(await NodeFileSink.create(join(dir, 'x.xva')), spec([a.disk.virtualSize]), [a.disk], { checksum: 'xxhash' });
    } finally {
      await a.close();
    }
    const out = tempDir('xva-write-xx');
    execFileSync('tar', ['-xf', join(dir, 'x.xva'), '-C', out]);
    for (const name of readdirSync(join(out, 'Ref:003')).filter((n) => /^\d{8}$/.test(n))) {
      const expected = execFileSync('xxhsum', ['-H1', join(out, 'Ref:003', name)], { encoding: 'utf8' }).split(/\s+/)[0]!.toUpperCase();
      expect(readFileSync(join(out, 'Ref:003', `${name}.xxhash`), 'utf8')).toBe(expected);
    }
  });
});
