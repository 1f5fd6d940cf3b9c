import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { convertFile, makeMixedRaw, MiB, openDiskFile, pseudoRandom, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { ourAllocation, qemuAllocation, qemuInfo } from './vmdk-test-helpers';

/**
 * Every VMDK variant qemu-img makes, read by our engine: converted to raw and compared with `qemu-img compare`
 * against the source; allocation checked against `qemu-img map`; virtual size against `qemu-img info`.
 */
describeWithTools(['qemu-img', 'qemu-io', 'truncate'], 'VMDK reading (qemu-img made images)', () => {
  let dir: string;
  let source: string;
  beforeAll(() => {
    dir = tempDir('vmdk-read');
    source = join(dir, 'mixed.img');
    makeMixedRaw(source, 64 * MiB);
  });

  async function expectSameAsQemu(vmdk: string, rawFrom = vmdk, rawFormat = 'vmdk'): Promise<void> {
    const out = `${vmdk}.out.raw`;
    await convertFile(vmdk, out, 'raw');
    const compared = qemuCompare(rawFrom, rawFormat, out, 'raw');
    expect(compared.output).toContain('Images are identical');
    expect(compared.status).toBe(0);
    const { disk, close } = await openDiskFile(vmdk);
    await close();
    expect(disk.virtualSize).toBe(qemuInfo(vmdk)['virtual-size']);
  }

  for (const subformat of ['monolithicSparse', 'streamOptimized', 'monolithicFlat']) {
    it(`${subformat}: same bytes as the source, same allocation as qemu-img map`, async () => {
      const vmdk = join(dir, `${subformat}.vmdk`);
      qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', `subformat=${subformat}`, source, vmdk);
      await expectSameAsQemu(vmdk, source, 'raw');
      const { disk, close } = await openDiskFile(vmdk);
      await close();
      expect(disk.subformat).toBe(subformat);
      if (subformat !== 'monolithicFlat') {
        // Flat extents say "data" everywhere; qemu-img asks the file system for holes, which we cannot.
        expect(await ourAllocation(vmdk)).toEqual(await qemuAllocation(vmdk, 'vmdk'));
      }
    });
  }

  it('streamOptimized with the tables at the top and no table markers (qemu layout; notes c17) reads through the header gdOffset', async () => {
    const vmdk = join(dir, 'streamOptimized.vmdk');
    const header = execFileSync('xxd', ['-l', '72', '-p', vmdk], { encoding: 'utf8' }).replace(/\s/g, '');
    const flags = parseInt(header.slice(16, 24).match(/../g)!.reverse().join(''), 16);
    expect(flags & (1 << 17)).not.toBe(0); // markers promised
    expect(header.slice(112, 128)).not.toBe('ffffffffffffffff'); // but gdOffset is a real sector, not GD_AT_END
  });

  for (const subformat of ['twoGbMaxExtentSparse', 'twoGbMaxExtentFlat']) {
    it(`${subformat} over 2 GiB: several extent files, read in order`, async () => {
      const big = join(dir, `big-${subformat}.img`);
      makeMixedRaw(big, 2 * 1024 * MiB + MiB);
      const vmdk = join(dir, `${subformat}.vmdk`);
      qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', `subformat=${subformat}`, big, vmdk);
      expect(readdirSync(dir).filter((name) => name.startsWith(`${subformat}-`)).length).toBe(2);
      await expectSameAsQemu(vmdk, big, 'raw');
      if (subformat === 'twoGbMaxExtentSparse') expect(await ourAllocation(vmdk)).toEqual(await qemuAllocation(vmdk, 'vmdk'));
      execFileSync('rm', ['-f', big, `${vmdk}.out.raw`]);
    }, 60_000);
  }

  it('an empty 2 TiB monolithicSparse (64 Ki grain tables, all allocated by qemu) is one unallocated extent, walked quickly', async () => {
    const vmdk = join(dir, 'empty-2t.vmdk');
    qemuImg('create', '-q', '-f', 'vmdk', vmdk, '2047G');
    const started = Date.now();
    expect(await ourAllocation(vmdk)).toEqual([{ offset: 0, length: 2047 * 1024 * MiB, kind: 'unallocated' }]);
    expect(Date.now() - started).toBeLessThan(20_000); // about 0.3 s alone; generous for a loaded CI machine
    expect(qemuInfo(vmdk)['virtual-size']).toBe(2047 * 1024 * MiB); // (qemu-img map would take seconds here)
  });

  it('zeroed_grain=on: grain table entry 1 reads as a zero grain, not sector 1', async () => {
    const vmdk = join(dir, 'zeroed.vmdk');
    qemuImg('create', '-q', '-f', 'vmdk', '-o', 'zeroed_grain=on', vmdk, '16M');
    execFileSync('qemu-io', ['-c', 'write -P 0x61 0 1M', '-c', 'write -z 0 128k', '-c', 'write -z 512k 64k', '-c', 'write -P 0x62 8M 4k', vmdk]);
    await expectSameAsQemu(vmdk);
    const allocation = await ourAllocation(vmdk);
    expect(allocation).toEqual(await qemuAllocation(vmdk, 'vmdk'));
    expect(allocation.filter((e) => e.kind === 'zero')).toEqual([
      { offset: 0, length: 128 * 1024, kind: 'zero' },
      { offset: 512 * 1024, length: 64 * 1024, kind: 'zero' },
    ]);
  });

  it('a snapshot (backing file): unwritten grains come from the parent, partial writes merged, allocation layered', async () => {
    const base = join(dir, 'base.vmdk');
    qemuImg('convert', '-f', 'raw', '-O', 'vmdk', source, base);
    const child = join(dir, 'child.vmdk');
    qemuImg('create', '-q', '-f', 'vmdk', '-b', 'base.vmdk', '-F', 'vmdk', child);
    execFileSync('qemu-io', ['-c', 'write -P 0x33 100k 4k', '-c', 'write -P 0x44 40M 192k', '-c', 'write -P 0x55 63M 512', child]);
    await expectSameAsQemu(child);
    const { disk, close } = await openDiskFile(child);
    await close();
    expect(disk.parent?.name).toBe('base.vmdk');
    expect(disk.storedBytes).toBeLessThan(2 * MiB);
    expect(await ourAllocation(child)).toEqual(await qemuAllocation(child, 'vmdk'));
  });

  it('a snapshot of a snapshot, with the parent named by an absolute path hint', async () => {
    const grandchild = join(dir, 'grandchild.vmdk');
    // qemu records the hint as given: an absolute path; we find the parent by its last path element.
    qemuImg('create', '-q', '-f', 'vmdk', '-b', join(dir, 'child.vmdk'), '-F', 'vmdk', grandchild);
    execFileSync('qemu-io', ['-c', 'write -P 0x66 2M 64k', grandchild]);
    await expectSameAsQemu(grandchild);
    const { disk, close } = await openDiskFile(grandchild);
    await close();
    expect(disk.parent?.parent?.name).toBe('base.vmdk');
  });

  it('grain tables anywhere in the file (VirtualBox scatters them, notes c16): each is read where the directory says', async () => {
    const vmdk = join(dir, 'scattered.vmdk');
    qemuImg('convert', '-f', 'raw', '-O', 'vmdk', source, vmdk);
    const file = readFileSync(vmdk);
    const gd = Number(file.readBigUInt64LE(56)) * 512;
    // Move grain table 0 to the end of the file and point the directory at the copy; zero the old place.
    const table0 = file.readUInt32LE(gd) * 512;
    const moved = Buffer.concat([file, file.subarray(table0, table0 + 2048), Buffer.alloc(512 * 4 - 2048)]);
    moved.writeUInt32LE(file.length / 512, gd);
    moved.fill(0, table0, table0 + 2048);
    writeFileSync(vmdk, moved);
    expect(qemuCompare(source, 'raw', vmdk, 'vmdk').status).toBe(0); // still a valid file for qemu
    await expectSameAsQemu(vmdk, source, 'raw');
  });

  it('a hand-written descriptor with FLAT extents at offsets and a ZERO extent between them', async () => {
    const data = pseudoRandom(3 * MiB, 9);
    writeFileSync(join(dir, 'parts.bin'), data);
    const descriptor = [
      '# Disk DescriptorFile',
      'version=1',
      'CID=12345678',
      'parentCID=ffffffff',
      'createType="monolithicFlat"',
      '',
      '# Extent description',
      'RW 2048 FLAT "parts.bin" 2048',
      'RW 4096 ZERO',
      'RDONLY 2048 FLAT "parts.bin" 0',
      '',
    ].join('\n');
    const vmdk = join(dir, 'zero-extent.vmdk');
    writeFileSync(vmdk, descriptor);
    const expected = Buffer.concat([data.subarray(MiB, 2 * MiB), Buffer.alloc(2 * MiB), data.subarray(0, MiB)]);
    writeFileSync(join(dir, 'zero-extent.expected'), expected);
    await convertFile(vmdk, join(dir, 'zero-extent.raw'), 'raw');
    expect(qemuCompare(join(dir, 'zero-extent.expected'), 'raw', join(dir, 'zero-extent.raw'), 'raw').status).toBe(0);
    expect(await ourAllocation(vmdk)).toEqual([
      { offset: 0, length: MiB, kind: 'data' },
      { offset: MiB, length: 2 * MiB, kind: 'zero' },
      { offset: 3 * MiB, length: MiB, kind: 'data' },
    ]);
    const { disk, close } = await openDiskFile(vmdk);
    // A read across all three extents.
    expect(Buffer.from(await disk.read(MiB - 100, 2 * MiB + 200)).equals(expected.subarray(MiB - 100, 3 * MiB + 100))).toBe(true);
    await close();
  });
});
