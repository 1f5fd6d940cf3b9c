import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { detectDisk } from '../../../src/engine/disk/detect';
import { NodeFileSource } from '../../../src/cli/node-file-source';
import { describeWithTools } from '../../support/tools';

/** Every image is made by qemu-img (or sfdisk/mke2fs); qemu-img's own `info` is the oracle for the virtual size. */
const MiB = 1024 * 1024;

function qemuImg(...args: string[]): string {
  return execFileSync('qemu-img', args, { encoding: 'utf8' });
}

function qemuVirtualSize(path: string, format?: string): number {
  const args = ['info', '--output=json', ...(format ? ['-f', format] : []), path];
  return JSON.parse(qemuImg(...args))['virtual-size'];
}

async function detectFile(path: string) {
  const source = await NodeFileSource.open(path);
  try {
    return await detectDisk(source);
  } finally {
    await source.close();
  }
}

describeWithTools(['qemu-img', 'sfdisk', 'mke2fs'], 'detectDisk against images made by real tools', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vmferry-detect-'));
  });

  const cases: { name: string; make: (path: string) => void; format: string; subformat: string | null; qemuFormat?: string }[] = [
    { name: 'so.vmdk', make: (p) => qemuImg('create', '-f', 'vmdk', '-o', 'subformat=streamOptimized', p, '100M'), format: 'vmdk', subformat: 'streamOptimized' },
    { name: 'sparse.vmdk', make: (p) => qemuImg('create', '-f', 'vmdk', p, '1G'), format: 'vmdk', subformat: 'monolithicSparse' },
    { name: 'flat.vmdk', make: (p) => qemuImg('create', '-f', 'vmdk', '-o', 'subformat=monolithicFlat', p, '64M'), format: 'vmdk', subformat: 'monolithicFlat' },
    { name: 'split.vmdk', make: (p) => qemuImg('create', '-f', 'vmdk', '-o', 'subformat=twoGbMaxExtentSparse', p, '5G'), format: 'vmdk', subformat: 'twoGbMaxExtentSparse' },
    { name: 'dyn.vhd', make: (p) => qemuImg('create', '-f', 'vpc', p, '100M'), format: 'vhd', subformat: 'dynamic', qemuFormat: 'vpc' },
    { name: 'odd.vhd', make: (p) => qemuImg('create', '-f', 'vpc', p, '1000M'), format: 'vhd', subformat: 'dynamic', qemuFormat: 'vpc' },
    { name: 'forced.vhd', make: (p) => qemuImg('create', '-f', 'vpc', '-o', 'force_size=on', p, '1000M'), format: 'vhd', subformat: 'dynamic', qemuFormat: 'vpc' },
    { name: 'fixed.vhd', make: (p) => qemuImg('create', '-f', 'vpc', '-o', 'subformat=fixed,force_size=on', p, '10M'), format: 'vhd', subformat: 'fixed', qemuFormat: 'vpc' },
    { name: 'd.vhdx', make: (p) => qemuImg('create', '-f', 'vhdx', p, '1G'), format: 'vhdx', subformat: null },
    { name: 'v3.qcow2', make: (p) => qemuImg('create', '-f', 'qcow2', p, '3G'), format: 'qcow2', subformat: 'v3' },
    { name: 'v2.qcow2', make: (p) => qemuImg('create', '-f', 'qcow2', '-o', 'compat=0.10', p, '2G'), format: 'qcow2', subformat: 'v2' },
    { name: 'dyn.vdi', make: (p) => qemuImg('create', '-f', 'vdi', p, '256M'), format: 'vdi', subformat: 'dynamic' },
    { name: 'fixed.vdi', make: (p) => qemuImg('create', '-f', 'vdi', '-o', 'static=on', p, '8M'), format: 'vdi', subformat: 'fixed' },
    {
      name: 'mbr.img',
      make: (p) => {
        qemuImg('create', '-f', 'raw', p, '64M');
        execFileSync('sfdisk', ['-q', p], { input: 'label: dos\n,32M,83\n,,82\n' });
      },
      format: 'raw',
      subformat: 'mbr',
    },
    {
      name: 'gpt.img',
      make: (p) => {
        qemuImg('create', '-f', 'raw', p, '64M');
        execFileSync('sfdisk', ['-q', p], { input: 'label: gpt\n,32M\n,,\n' });
      },
      format: 'raw',
      subformat: 'gpt',
    },
    { name: 'fs.img', make: (p) => execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', p, '16M']), format: 'raw', subformat: 'ext2/3/4' },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.format} ${c.subformat ?? ''} with qemu-img's virtual size`, async () => {
      const path = join(dir, c.name);
      c.make(path);
      const detected = await detectFile(path);
      expect(detected?.format).toBe(c.format);
      expect(detected?.subformat).toBe(c.subformat);
      if (c.format !== 'vhdx') expect(detected?.virtualSize).toBe(qemuVirtualSize(path, c.qemuFormat));
    });
  }

  it('a VHD sized by CHS (qemu creator) reports the CHS size, not the requested one', async () => {
    // 1000 MiB cannot be expressed in CHS; qemu rounds up, and readers that trust CHS see the larger size.
    const detected = await detectFile(join(dir, 'odd.vhd'));
    expect(detected!.virtualSize).toBeGreaterThan(1000 * MiB);
    expect((await detectFile(join(dir, 'forced.vhd')))!.virtualSize).toBe(1000 * MiB);
  });

  it('qcow2 with a backing file is flagged as differencing', async () => {
    const base = join(dir, 'base.qcow2');
    const child = join(dir, 'child.qcow2');
    qemuImg('create', '-f', 'qcow2', base, '1G');
    qemuImg('create', '-f', 'qcow2', '-b', base, '-F', 'qcow2', child);
    expect((await detectFile(child))!.notes.join()).toMatch(/backing file/);
  });

  it('raw data without any signature counts as a disk only when named as a raw image', async () => {
    writeFileSync(join(dir, 'blank.img'), Buffer.alloc(8192, 7));
    expect(await detectFile(join(dir, 'blank.img'))).toMatchObject({ format: 'raw', subformat: null, virtualSize: 8192 });
    writeFileSync(join(dir, 'odd.img'), Buffer.alloc(8191, 7));
    expect(await detectFile(join(dir, 'odd.img'))).toBeNull();
  });

  it('text, random bytes and an empty file are not disks', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'hello\n'.repeat(200));
    writeFileSync(join(dir, 'random.dat'), Buffer.alloc(4096, 7));
    writeFileSync(join(dir, 'empty.img'), '');
    for (const name of ['notes.txt', 'random.dat', 'empty.img']) expect(await detectFile(join(dir, name))).toBeNull();
  });
});
