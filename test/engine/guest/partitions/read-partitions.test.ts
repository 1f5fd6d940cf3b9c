import { execFileSync } from 'node:child_process';
import { openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { readPartitions } from '../../../../src/engine/guest/partitions';
import type { PartitionTable } from '../../../../src/engine/guest/partitions';
import { isVmferryError } from '../../../../src/engine/errors';
import { describeWithTools } from '../../../support/tools';
import { tempDir } from '../../../support/packages';
import { fileDevice, memoryDevice } from './memory-device';

/**
 * Partition tables made by sfdisk, read by us, compared with what `sfdisk --json` (and blkid) say about the same
 * image. Damage is made by patching bytes the way a broken tool or a cut copy would.
 */
interface SfdiskPartition {
  node: string;
  start: number;
  size: number;
  type: string;
  uuid?: string;
  name?: string;
  bootable?: boolean;
  attrs?: string;
}
interface SfdiskTable {
  label: string;
  id: string;
  sectorsize: number;
  partitions: SfdiskPartition[];
}

let dir: string;

function makeImage(name: string, mib: number, script: string): string {
  const path = join(dir, name);
  execFileSync('truncate', ['-s', `${mib}M`, path]);
  execFileSync('sfdisk', ['-q', path], { input: script });
  return path;
}

function sfdiskJson(path: string): SfdiskTable {
  return (JSON.parse(execFileSync('sfdisk', ['--json', path], { encoding: 'utf8' })) as { partitiontable: SfdiskTable }).partitiontable;
}

function numberOf(node: string): number {
  return Number(/(\d+)$/.exec(node)![1]);
}

function patch(path: string, offset: number, bytes: number[] | Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Uint8Array.from(bytes), 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function expectSameAsSfdisk(table: PartitionTable, expected: SfdiskTable): void {
  expect(table.partitions.map((p) => p.number)).toEqual(expected.partitions.map((p) => numberOf(p.node)));
  for (const [i, want] of expected.partitions.entries()) {
    const got = table.partitions[i]!;
    expect(got.firstSector).toBe(want.start);
    expect(got.sectors).toBe(want.size);
    expect(got.start).toBe(want.start * expected.sectorsize);
    expect(got.size).toBe(want.size * expected.sectorsize);
    expect(got.device.size).toBe(got.size);
    if (expected.label === 'dos') {
      expect(parseInt(got.type, 16)).toBe(parseInt(want.type, 16));
      expect(got.bootable).toBe(want.bootable === true);
    } else {
      expect(got.type).toBe(want.type.toLowerCase());
      expect(got.uuid).toBe(want.uuid!.toLowerCase());
      expect(got.name).toBe(want.name ?? null);
      expect(got.bootable).toBe((want.attrs ?? '').includes('LegacyBIOSBootable'));
    }
  }
}

describeWithTools(['sfdisk', 'blkid', 'truncate', 'mke2fs', 'mkfs.vfat', 'losetup'], 'partition tables', () => {
  beforeAll(() => {
    dir = tempDir('partitions');
  });

  it('MBR with primaries, an extended partition and logical partitions numbered 5, 6, 7', async () => {
    const path = makeImage('mbr.img', 64, 'label: dos\nlabel-id: 0x1234abcd\n,8M,83,*\n,8M,82\n,,5\n,4M,83\n,4M,8e\n,,b\n');
    const table = await readPartitions(fileDevice(path));
    expect(table.scheme).toBe('mbr');
    expect(table.id).toBe('1234abcd');
    expect(table.warnings).toEqual([]);
    expectSameAsSfdisk(table, sfdiskJson(path));
    expect(table.partitions.map((p) => [p.number, p.typeName, p.extended])).toEqual([
      [1, 'Linux', false],
      [2, 'Linux swap / Solaris', false],
      [3, 'Extended', true],
      [5, 'Linux', false],
      [6, 'Linux LVM', false],
      [7, 'W95 FAT32', false],
    ]);
    // Linux's PARTUUID for MBR partitions: the disk signature blkid calls PTUUID, and the partition number.
    const blkid = execFileSync('blkid', ['-p', '-o', 'export', path], { encoding: 'utf8' });
    expect(blkid).toContain(`PTUUID=${table.id}\n`);
    expect(table.partitions.find((p) => p.number === 6)!.uuid).toBe('1234abcd-06');
  });

  it('reads through each partition window: bytes written at a partition start come back at its offset 0', async () => {
    const path = makeImage('mbr-window.img', 16, 'label: dos\n,4M,83\n,,5\n,2M,83\n,2M,83\n');
    const table = await readPartitions(fileDevice(path));
    const logical6 = table.partitions.find((p) => p.number === 6)!;
    patch(path, logical6.start, [0xde, 0xad, 0xbe, 0xef]);
    const again = await readPartitions(fileDevice(path));
    const device = again.partitions.find((p) => p.number === 6)!.device;
    expect([...(await device.read(0, 4))]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(device.name).toBe('mbr-window.img partition 6');
  });

  it('GPT with names, types, attributes and partition GUIDs, as sfdisk reports them', async () => {
    const path = makeImage(
      'gpt.img',
      64,
      'label: gpt\nsize=4M, type=U, name="EFI system"\nsize=1M, type=21686148-6449-6E6F-744E-656564454649, name="bios"\n' +
        'size=8M, type=L, name="root fs", attrs="LegacyBIOSBootable"\nsize=8M, type=E6D6D379-F507-44C2-A23C-238F2A3DF928\ntype=S, name="swäp ü"\n',
    );
    const table = await readPartitions(fileDevice(path));
    const expected = sfdiskJson(path);
    expect(table.scheme).toBe('gpt');
    expect(table.id).toBe(expected.id.toLowerCase());
    expect(table.warnings).toEqual([]);
    expectSameAsSfdisk(table, expected);
    expect(table.partitions.map((p) => p.typeName)).toEqual(['EFI System', 'BIOS boot', 'Linux filesystem', 'Linux LVM', 'Linux swap']);
    expect(table.partitions[4]!.name).toBe('swäp ü');
  });

  it('GPT whose primary header is corrupt: the backup at the last LBA is used, with a warning', async () => {
    const path = makeImage('gpt-bad-primary.img', 16, 'label: gpt\nsize=4M, type=L, name="one"\ntype=S, name="two"\n');
    const expected = sfdiskJson(path);
    patch(path, 512 + 40, [0x55]); // FirstUsableLBA changes: the header CRC no longer matches
    const table = await readPartitions(fileDevice(path));
    expect(table.warnings.join('\n')).toMatch(/primary GPT header fails its CRC-32 check .*backup at LBA 32767 was used/);
    expectSameAsSfdisk(table, expected);
  });

  it('GPT whose primary entry array is damaged: the backup is used', async () => {
    const path = makeImage('gpt-bad-entries.img', 16, 'label: gpt\nsize=4M, type=L, name="one"\ntype=S, name="two"\n');
    const expected = sfdiskJson(path);
    patch(path, 1024 + 56, [0x41, 0]); // a name character in entry 1
    const table = await readPartitions(fileDevice(path));
    expect(table.warnings.join('\n')).toMatch(/primary GPT partition entry array fails its CRC-32 check/);
    expectSameAsSfdisk(table, expected);
    expect(table.partitions[0]!.name).toBe('one');
  });

  it('GPT with both headers damaged is a clear error', async () => {
    const path = makeImage('gpt-both-bad.img', 16, 'label: gpt\nsize=4M, type=L\n');
    patch(path, 512 + 40, [0x55]);
    patch(path, 16 * 1024 * 1024 - 512 + 40, [0x55]);
    const error = await readPartitions(fileDevice(path)).catch((e: unknown) => e);
    expect(isVmferryError(error, 'corrupt')).toBe(true);
    expect((error as Error).message).toMatch(
      /gpt-both-bad\.img: GPT unreadable: the primary header fails its CRC-32 check .* and the backup at LBA \d+ header fails its CRC-32 check/,
    );
  });

  it('GPT with a damaged backup header still reads, with a warning', async () => {
    const path = makeImage('gpt-bad-backup.img', 16, 'label: gpt\nsize=4M, type=L\n');
    patch(path, 16 * 1024 * 1024 - 512, [0x58]);
    const table = await readPartitions(fileDevice(path));
    expect(table.partitions).toHaveLength(1);
    expect(table.warnings).toEqual([expect.stringMatching(/backup GPT header at LBA 32767 header has no "EFI PART" signature; the primary is intact/)]);
  });

  it('a grown GPT disk: the backup is not at the last LBA', async () => {
    const path = makeImage('gpt-grown.img', 16, 'label: gpt\nsize=4M, type=L\n');
    execFileSync('truncate', ['-s', '20M', path]);
    const table = await readPartitions(fileDevice(path));
    expect(table.partitions).toHaveLength(1);
    expect(table.warnings.join('\n')).toMatch(/backup GPT header is at LBA 32767, not at the last LBA 40959/);
  });

  it('a looping EBR chain keeps the logical partitions before the loop and warns', async () => {
    const path = makeImage('ebr-loop.img', 32, 'label: dos\n,4M,83\n,,5\n,2M,83\n,2M,83\n,2M,83\n');
    const expected = sfdiskJson(path);
    const extended = expected.partitions.find((p) => p.type === '5')!;
    const logical6 = expected.partitions.find((p) => numberOf(p.node) === 6)!;
    // The EBR of partition 6 sits 2048 sectors before it (sfdisk's alignment); point its link back to the first EBR.
    const ebr6 = await findEbrBefore(path, logical6.start);
    const link = 446 + 16 + 8;
    patch(path, ebr6 * 512 + link, [0, 0, 0, 0]);
    expect(extended.start).toBeGreaterThan(0);
    const table = await readPartitions(fileDevice(path));
    expect(table.partitions.map((p) => p.number)).toEqual([1, 2, 5, 6]);
    expect(table.warnings).toEqual([expect.stringMatching(/ebr-loop\.img: the chain of logical partitions loops back to the extended boot record at sector \d+; partitions after 6 ignored/)]);
  });

  it('an EBR link out of the extended partition, and a logical partition past its end, are refused by name', async () => {
    const path = makeImage('ebr-range.img', 32, 'label: dos\n,4M,83\n,,5\n,2M,83\n,2M,83\n,2M,83\n');
    const logical6 = sfdiskJson(path).partitions.find((p) => numberOf(p.node) === 6)!;
    const ebr6 = await findEbrBefore(path, logical6.start);
    patch(path, ebr6 * 512 + 446 + 12, le32(100000)); // partition 6 grows past the extended partition
    patch(path, ebr6 * 512 + 446 + 16 + 8, le32(900000)); // the link to 7 points past the disk
    const table = await readPartitions(fileDevice(path));
    expect(table.partitions.map((p) => p.number)).toEqual([1, 2, 5]);
    expect(table.warnings).toEqual([
      expect.stringMatching(/logical partition 6 \(sectors \d+\.\.\d+\) lies outside the extended partition \(sectors \d+\.\.\d+\); skipped/),
      expect.stringMatching(/links to sector \d+, outside the extended partition .*the chain ends there/),
    ]);
  });

  it('an EBR without its signature ends the chain with a warning', async () => {
    const path = makeImage('ebr-sig.img', 32, 'label: dos\n,,5\n,2M,83\n,2M,83\n');
    const logical6 = sfdiskJson(path).partitions.find((p) => numberOf(p.node) === 6)!;
    const ebr6 = await findEbrBefore(path, logical6.start);
    patch(path, ebr6 * 512 + 510, [0, 0]);
    const table = await readPartitions(fileDevice(path));
    expect(table.partitions.map((p) => p.number)).toEqual([1, 5]);
    expect(table.warnings).toEqual([expect.stringMatching(/extended boot record at sector \d+ has no 0x55AA signature; partitions after 5 ignored/)]);
  });

  it('a primary partition past the end of the disk is skipped with a warning naming it', async () => {
    const path = makeImage('mbr-past-end.img', 16, 'label: dos\n,4M,83\n,4M,83\n');
    patch(path, 446 + 16 + 12, le32(1 << 20));
    const table = await readPartitions(fileDevice(path));
    expect(table.partitions.map((p) => p.number)).toEqual([1]);
    expect(table.warnings).toEqual([expect.stringMatching(/MBR partition 2 \(sectors \d+\.\.\d+\) extends past the end of the disk \(32768 sectors\); skipped/)]);
  });

  it('hybrid MBR: the GPT wins, with a warning', async () => {
    const path = makeImage('hybrid.img', 16, 'label: gpt\nsize=4M, type=L\ntype=L\n');
    // Add a second MBR entry (type 0x83) beside the protective one, as gdisk's hybrid MBR does.
    patch(path, 446 + 16, [0x80, 0, 0, 0, 0x83, 0, 0, 0, ...le32(2048), ...le32(8192)]);
    const table = await readPartitions(fileDevice(path));
    expect(table.scheme).toBe('gpt');
    expect(table.partitions).toHaveLength(2);
    expect(table.warnings).toEqual([expect.stringMatching(/hybrid MBR/)]);
  });

  it('no partition table: an empty disk, a whole-disk filesystem', async () => {
    expect((await readPartitions(memoryDevice(new Uint8Array(1 << 20), 'empty'))).scheme).toBe('none');
    expect((await readPartitions(memoryDevice(new Uint8Array(100), 'tiny'))).scheme).toBe('none');
    const path = join(dir, 'whole-ext4.img');
    execFileSync('truncate', ['-s', '8M', path]);
    execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', path]);
    expect((await readPartitions(fileDevice(path))).scheme).toBe('none');
    // A FAT boot sector ends in 0x55AA too; with empty entries it is a whole-disk filesystem (blkid: TYPE=vfat).
    for (const bits of ['12', '16', '32']) {
      const fat = join(dir, `whole-fat${bits}.img`);
      execFileSync('truncate', ['-s', '40M', fat]);
      execFileSync('mkfs.vfat', ['-F', bits, fat], { stdio: 'ignore' });
      expect(execFileSync('blkid', ['-p', '-o', 'value', '-s', 'TYPE', fat], { encoding: 'utf8' }).trim()).toBe('vfat');
      expect((await readPartitions(fileDevice(fat))).scheme).toBe('none');
    }
  });

  it('GPT on a disk with 4096-byte sectors (made through a 4 KiB loop device) is found by where its header is', async () => {
    const path = join(dir, 'gpt4k.img');
    execFileSync('truncate', ['-s', '64M', path]);
    const loop = execFileSync('losetup', ['-b', '4096', '-f', '--show', path], { encoding: 'utf8' }).trim();
    let expected: SfdiskTable;
    try {
      execFileSync('sfdisk', ['-q', '--no-reread', loop], { input: 'label: gpt\nsize=4M, type=U, name="esp"\ntype=L\n', stdio: ['pipe', 'ignore', 'ignore'] });
      expected = sfdiskJson(loop);
    } finally {
      execFileSync('losetup', ['-d', loop]);
    }
    expect(expected.sectorsize).toBe(4096);
    const table = await readPartitions(fileDevice(path));
    expect(table.sectorSize).toBe(4096);
    expect(table.warnings).toEqual([]);
    expectSameAsSfdisk(table, expected);
  });

  it('MBR on a 4096-byte-sector disk reads right when told the sector size (it cannot be detected)', async () => {
    const path = join(dir, 'mbr4k.img');
    execFileSync('truncate', ['-s', '64M', path]);
    const loop = execFileSync('losetup', ['-b', '4096', '-f', '--show', path], { encoding: 'utf8' }).trim();
    let expected: SfdiskTable;
    try {
      execFileSync('sfdisk', ['-q', '--no-reread', loop], { input: 'label: dos\n,8M,83\n,,5\n,4M,82\n', stdio: ['pipe', 'ignore', 'ignore'] });
      expected = sfdiskJson(loop);
    } finally {
      execFileSync('losetup', ['-d', loop]);
    }
    const table = await readPartitions(fileDevice(path), { sectorSize: 4096 });
    expect(table.warnings).toEqual([]);
    expectSameAsSfdisk(table, expected);
  });
});

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** The EBR of a logical partition: the nearest sector before it that carries 0x55AA (sfdisk puts it 2048 sectors before). */
async function findEbrBefore(path: string, start: number): Promise<number> {
  const bytes = readFileSync(path);
  for (let sector = start - 1; sector > 0; sector--) {
    if (bytes[sector * 512 + 510] === 0x55 && bytes[sector * 512 + 511] === 0xaa) return sector;
  }
  throw new Error('no EBR found');
}
