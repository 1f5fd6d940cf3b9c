import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { openAppliance } from '../../../src/engine/appliance/open';
import { checkXvaChecksums, openCompressedXva } from '../../../src/engine/appliance/open-xva';
import { copyDisk } from '../../../src/engine/disk/copy';
import { isVmferryError } from '../../../src/engine/errors';
import { NodeFileSink } from '../../../src/cli/node-file-sink';
import { NodeFileSource } from '../../../src/cli/node-file-source';
import { nodeFileSet } from '../../../src/cli/node-file-set';
import type { VirtualDisk } from '../../../src/engine/disk/virtual-disk';
import { MiB, pseudoRandom, qemuCompare } from '../../support/disks';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';
import { buildXva, writeExpectedRaw, type FixtureVm } from './xva-fixture';

const SIZE = 5 * MiB + 300 * 1024;

function fixtureVm(): FixtureVm {
  return {
    name: 'web "01" & co',
    vcpus: 2,
    memory: 1024 * MiB,
    hvm: true,
    firmware: 'uefi',
    disks: [
      {
        ref: 'Ref:5',
        virtualSize: SIZE,
        chunks: new Map([
          [0, pseudoRandom(MiB, 1)],
          [2, Buffer.alloc(MiB, 0x5a)],
          [5, pseudoRandom(300 * 1024, 2)],
        ]),
      },
      { ref: 'Ref:9', virtualSize: 2 * MiB, userdevice: '1', chunks: new Map([[0, pseudoRandom(MiB, 3)], [1, Buffer.alloc(MiB)]]) },
    ],
    nics: [{ mac: 'aa:bb:cc:00:11:22', network: 'Pool-wide network associated with eth0' }],
  };
}

async function toRaw(disk: VirtualDisk, path: string): Promise<void> {
  await copyDisk(disk, 'raw', await NodeFileSink.create(path));
}

describeWithTools(['tar', 'qemu-img', 'xxhsum', 'gzip', 'zstd', 'truncate', 'dd'], 'XVA read', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('xva-read');
  });

  it('reads the VM records and the disks over their chunks (gaps are zeros); qemu-img agrees with the expected raw', async () => {
    const vm = fixtureVm();
    buildXva(dir, join(dir, 'vm.xva'), vm);
    const { files, close } = await nodeFileSet(join(dir, 'vm.xva'));
    try {
      const appliance = await openAppliance(files);
      expect(appliance.kind).toBe('xva');
      const [system] = appliance.report.virtualSystems;
      expect(system).toMatchObject({ name: 'web "01" & co', cpus: 2, memoryBytes: 1024 * MiB, firmware: 'efi', annotation: 'test VM & fixture' });
      expect(system!.info).toMatch(/HVM boot \(BIOS order\), UEFI firmware/);
      expect(system!.disks.map((d) => [d.fileName, d.capacityBytes, d.addressOnParent])).toEqual([
        ['Ref:5/', SIZE, '0'],
        ['Ref:9/', 2 * MiB, '1'],
      ]);
      expect(system!.nics).toEqual([expect.objectContaining({ mac: 'aa:bb:cc:00:11:22', network: 'Pool-wide network associated with eth0' })]);
      expect(appliance.report.networks).toEqual([{ name: 'Pool-wide network associated with eth0', description: null }]);
      expect(appliance.report.warnings).toEqual([]);
      expect(appliance.report.files.map((f) => [f.name, f.chunks])).toEqual([['ova.xml', 0], ['Ref:5/', 3], ['Ref:9/', 2]]);

      const disk = appliance.disks.get('Ref:5/')!;
      expect(disk.virtualSize).toBe(SIZE);
      const extents = [];
      for await (const extent of disk.allocation()) extents.push(extent);
      expect(extents).toEqual([
        { offset: 0, length: MiB, kind: 'data' },
        { offset: MiB, length: MiB, kind: 'unallocated' },
        { offset: 2 * MiB, length: MiB, kind: 'data' },
        { offset: 3 * MiB, length: 2 * MiB, kind: 'unallocated' },
        { offset: 5 * MiB, length: 300 * 1024, kind: 'data' },
      ]);
      await toRaw(disk, join(dir, 'out.raw'));
      writeExpectedRaw(join(dir, 'expected.raw'), vm.disks[0]!);
      expect(qemuCompare(join(dir, 'expected.raw'), 'raw', join(dir, 'out.raw'), 'raw').status).toBe(0);
      expect(await checkXvaChecksums(appliance)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('places chunks after a 0-byte keep-alive chunk one number later, as XenServer import does', async () => {
    const vm = fixtureVm();
    // Chunk 1 is a keep-alive (0 bytes): chunk 2's data belongs at 1 MiB, chunk 6 (a jump of 3) at 4 MiB.
    vm.disks = [{ ref: 'Ref:5', virtualSize: SIZE, chunks: new Map([[0, pseudoRandom(MiB, 1)], [1, Buffer.alloc(0)], [2, Buffer.alloc(MiB, 7)], [6, pseudoRandom(300 * 1024, 2)]]) }];
    const sub = tempDir('xva-keepalive');
    buildXva(sub, join(sub, 'vm.xva'), vm);
    const { files, close } = await nodeFileSet(join(sub, 'vm.xva'));
    try {
      const appliance = await openAppliance(files);
      const disk = appliance.disks.get('Ref:5/')!;
      expect([...(await disk.read(MiB, 4))]).toEqual([7, 7, 7, 7]);
      expect([...(await disk.read(2 * MiB, 4))]).toEqual([0, 0, 0, 0]);
      expect(Buffer.from(await disk.read(5 * MiB, 300 * 1024)).equals(pseudoRandom(300 * 1024, 2))).toBe(true);
      expect(appliance.report.warnings).toEqual([]);
    } finally {
      await close();
    }
  });

  it('verifies .xxhash members (XXH64 upper-case hex, as xxhsum computes) and reports a damaged chunk by name', async () => {
    const sub = tempDir('xva-xxhash');
    const vm = fixtureVm();
    buildXva(sub, join(sub, 'vm.xva'), vm, 'xxhash');
    const { files, close } = await nodeFileSet(join(sub, 'vm.xva'));
    try {
      expect(await checkXvaChecksums(await openAppliance(files))).toEqual([]);
    } finally {
      await close();
    }
    // Damage one byte of chunk Ref:5/00000002 inside the archive (its checksum member stays).
    const bytes = readFileSync(join(sub, 'vm.xva'));
    const at = bytes.indexOf(Buffer.alloc(64, 0x5a));
    bytes[at + 10] = 0x00;
    writeFileSync(join(sub, 'bad.xva'), bytes);
    const bad = await nodeFileSet(join(sub, 'bad.xva'));
    try {
      const problems = await checkXvaChecksums(await openAppliance(bad.files));
      expect(problems).toEqual([expect.stringMatching(/^Ref:5\/00000002: \.xxhash says "[0-9A-F]{16}" but the chunk's XXH64 is [0-9A-F]{16}$/)]);
    } finally {
      await bad.close();
    }
  });

  it('a gzipped XVA is listed in one forward pass and its disk read in order', async () => {
    const sub = tempDir('xva-gzip');
    const vm = fixtureVm();
    buildXva(sub, join(sub, 'vm.xva'), vm);
    execFileSync('gzip', ['-k', join(sub, 'vm.xva')]);
    const input = await NodeFileSource.open(join(sub, 'vm.xva.gz'), 'vm.xva.gz');
    try {
      const appliance = await openCompressedXva(input, 'gzip');
      expect(appliance.report.files[0]).toMatchObject({ name: 'ova.xml', compression: 'gzip' });
      expect(appliance.report.virtualSystems[0]!.name).toBe('web "01" & co');
      await toRaw(appliance.disks.get('Ref:5/')!, join(sub, 'out.raw'));
      writeExpectedRaw(join(sub, 'expected.raw'), vm.disks[0]!);
      expect(qemuCompare(join(sub, 'expected.raw'), 'raw', join(sub, 'out.raw'), 'raw').status).toBe(0);
      expect(await checkXvaChecksums(appliance)).toEqual([]);
    } finally {
      await input.close();
    }
  });

  it('a zstd XVA (xe vm-export compress=zstd) opens by content and converts; a cut one is a named error', async () => {
    const sub = tempDir('xva-zstd');
    const vm = fixtureVm();
    buildXva(sub, join(sub, 'vm.xva'), vm);
    execFileSync('zstd', ['-q', '-19', join(sub, 'vm.xva'), '-o', join(sub, 'export.xva')]);
    const { files, close } = await nodeFileSet(join(sub, 'export.xva'));
    try {
      const appliance = await openAppliance(files);
      expect(appliance.kind).toBe('xva');
      expect(appliance.report.files[0]).toMatchObject({ name: 'ova.xml', compression: 'zstd' });
      expect(appliance.report.virtualSystems[0]!.name).toBe('web "01" & co');
      await toRaw(appliance.disks.get('Ref:5/')!, join(sub, 'out.raw'));
      writeExpectedRaw(join(sub, 'expected.raw'), vm.disks[0]!);
      expect(qemuCompare(join(sub, 'expected.raw'), 'raw', join(sub, 'out.raw'), 'raw').status).toBe(0);
      expect(await checkXvaChecksums(appliance)).toEqual([]);
    } finally {
      await close();
    }
    const whole = readFileSync(join(sub, 'export.xva'));
    writeFileSync(join(sub, 'cut.xva'), whole.subarray(0, Math.floor(whole.length * 0.6)));
    const cut = await nodeFileSet(join(sub, 'cut.xva'));
    try {
      // Listing reads the archive to its end, so a cut file fails to open, naming the file and the problem.
      const error = await openAppliance(cut.files).then(() => null, (e: unknown) => e);
      expect(isVmferryError(error) && error.file).toMatch(/cut\.xva$/);
      expect(String(error)).toMatch(/zstd data does not decompress/);
    } finally {
      await cut.close();
    }
  });

  it('a missing last chunk is a warning (XenServer would refuse the file); the rest reads as zeros', async () => {
    const sub = tempDir('xva-nolast');
    const vm = fixtureVm();
    vm.disks[0]!.chunks.delete(5);
    buildXva(sub, join(sub, 'vm.xva'), vm);
    const { files, close } = await nodeFileSet(join(sub, 'vm.xva'));
    try {
      const appliance = await openAppliance(files);
      expect(appliance.report.warnings).toEqual([expect.stringMatching(/^Ref:5\/: the chunks end at byte 3145728 of 5550080: the last chunk is missing/)]);
      expect([...(await appliance.disks.get('Ref:5/')!.read(SIZE - 2, 2))]).toEqual([0, 0]);
    } finally {
      await close();
    }
  });

  it('chunks out of order are refused with a clear error naming the chunk', async () => {
    const sub = tempDir('xva-order');
    const vm = fixtureVm();
    const members = buildXva(sub, join(sub, 'vm.xva'), vm);
    const swapped = [members[0]!, members[3]!, members[4]!, members[1]!, members[2]!, ...members.slice(5)];
    execFileSync('tar', ['--format', 'ustar', '-cf', join(sub, 'bad.xva'), '-C', sub, ...swapped]);
    const { files, close } = await nodeFileSet(join(sub, 'bad.xva'));
    try {
      const error = await openAppliance(files).catch((e: unknown) => e);
      expect(isVmferryError(error, 'corrupt')).toBe(true);
      expect(String(error)).toMatch(/Chunk Ref:5\/00000000 comes after chunk 2 of the same disk/);
    } finally {
      await close();
    }
  });
});
