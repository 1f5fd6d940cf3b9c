import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { NodeFileSink } from '../../../../src/cli/node-file-sink';
import { NodeFileSource } from '../../../../src/cli/node-file-source';
import { RawDisk } from '../../../../src/engine/disk/raw/raw-disk';
import { copyDisk, type CopyProgress } from '../../../../src/engine/disk/copy';
import { convertFile, makeMixedRaw, openDiskFile, qemuCheck, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { GUIDS, guidText, MiB, parseVhdx, structureChecksum } from './vhdx-fixture';

/**
 * Our dynamic VHDX output, checked by qemu-img (check, compare, info, qemu-io reads) and, for what qemu-img
 * does not check (the CRC-32C of the headers and region tables, the metadata items), by the test's own
 * independent parsing.
 */
let dir = '';

beforeAll(() => {
  dir = tempDir('vhdx-write');
  makeMixedRaw(join(dir, 'mixed.img'), 64 * MiB);
});

/** 1 MiB blocks of `path` (a raw file) holding a non-zero byte. */
function dataBlocksOf(path: string): number {
  const bytes = readFileSync(path);
  const zeros = Buffer.alloc(MiB);
  let count = 0;
  for (let at = 0; at < bytes.length; at += MiB) {
    const block = bytes.subarray(at, at + MiB);
    if (!block.equals(zeros.subarray(0, block.length))) count++;
  }
  return count;
}

function expectSoundStructures(file: Buffer, virtualSize: number, blockSize: number): void {
  expect(file.toString('latin1', 0, 8)).toBe('vhdxfile');
  expect(file.toString('utf16le', 8, 8 + 16)).toBe('VM Ferry');
  const sequences: bigint[] = [];
  for (const at of [64 * 1024, 128 * 1024]) {
    const header = file.subarray(at, at + 4096);
    expect(header.toString('latin1', 0, 4)).toBe('head');
    expect(header.readUInt32LE(4)).toBe(structureChecksum(header));
    expect(header.readUInt16LE(66)).toBe(1); // Version
    expect(header.subarray(48, 64).every((b) => b === 0)).toBe(true); // LogGuid: no log to replay
    expect(header.readUInt32LE(68)).toBe(MiB); // LogLength
    expect(Number(header.readBigUInt64LE(72))).toBe(MiB); // LogOffset
    sequences.push(header.readBigUInt64LE(8));
  }
  expect(sequences[0]).not.toBe(sequences[1]);
  const tables = [192 * 1024, 256 * 1024].map((at) => file.subarray(at, at + 64 * 1024));
  for (const table of tables) {
    expect(table.toString('latin1', 0, 4)).toBe('regi');
    expect(table.readUInt32LE(4)).toBe(structureChecksum(table));
    expect(table.readUInt32LE(8)).toBe(2);
  }
  expect(tables[0]!.equals(tables[1]!)).toBe(true);

  const vhdx = parseVhdx(file);
  expect(vhdx.metadataOffset % MiB).toBe(0);
  expect(vhdx.batOffset % MiB).toBe(0);
  expect(vhdx.blockSize).toBe(blockSize);
  expect(vhdx.virtualSize).toBe(virtualSize);
  const item = (guid: string) => vhdx.items.get(`{${guid}}`)!;
  expect(file.readUInt32LE(item(GUIDS.fileParameters).dataAt + 4)).toBe(0); // neither fixed nor differencing
  expect(file.readUInt32LE(item(GUIDS.logicalSectorSize).dataAt)).toBe(512);
  expect(file.readUInt32LE(item(GUIDS.physicalSectorSize).dataAt)).toBe(4096);
  expect(item(GUIDS.page83).length).toBe(16);
  expect(guidText(file.subarray(item(GUIDS.page83).dataAt, item(GUIDS.page83).dataAt + 16))).not.toBe('{00000000-0000-0000-0000-000000000000}');
  for (const guid of Object.values(GUIDS).slice(2, 7)) {
    // Every system item is marked required (flag bit 2), as the specification's table of items says.
    expect(file.readUInt32LE(item(guid).entryAt + 24) & 4, guid).toBe(4);
  }
}

describeWithTools(['qemu-img', 'qemu-io', 'truncate'], 'VHDX writing', () => {
  it('mixed raw → vhdx: qemu-img check clean, identical, exact size, only the data blocks stored', async () => {
    const out = join(dir, 'mixed.vhdx');
    const progress: CopyProgress[] = [];
    const { disk, close } = await openDiskFile(join(dir, 'mixed.img'));
    const result = await copyDisk(disk, 'vhdx', await NodeFileSink.create(out), { onProgress: (p) => progress.push(p) });
    await close();
    expect(qemuCheck(out, 'vhdx')).toEqual({ status: 0, output: 'No errors were found on the image.\n' });
    expect(qemuCompare(join(dir, 'mixed.img'), 'raw', out, 'vhdx')).toEqual({ status: 0, output: 'Images are identical.\n' });
    const info = JSON.parse(qemuImg('info', '--output=json', out)) as { 'virtual-size': number; 'cluster-size': number; format: string };
    expect(info).toMatchObject({ format: 'vhdx', 'virtual-size': 64 * MiB, 'cluster-size': MiB });

    const size = statSync(out).size;
    const blocks = dataBlocksOf(join(dir, 'mixed.img'));
    expect(blocks).toBeLessThan(12); // the mixed image is mostly empty
    // Header section, log, metadata, a 1 MiB BAT, then exactly the blocks with data.
    expect(size).toBe(4 * MiB + blocks * MiB);
    expect(result.outputBytes).toBe(size);
    const writes = progress.filter((p) => p.phase === 'write');
    expect(writes[writes.length - 1]!.done).toBe(writes[0]!.total);
    // Written to a file, the VHDX goes out in one pass (BAT patched last), so progress is the position reached
    // in the virtual disk, and there is no separate scan.
    expect(writes[0]!.total).toBe(64 * MiB);
    expect(progress.some((p) => p.phase === 'scan')).toBe(false);
    expectSoundStructures(readFileSync(out), 64 * MiB, MiB);
  });

  it('an odd size: whole sectors become the virtual size, whole blocks are stored', async () => {
    for (const size of [10 * MiB + 3 * 512, 10 * MiB + 1000]) {
      const raw = join(dir, `odd-${size}.img`);
      makeMixedRaw(raw, size);
      const out = join(dir, `odd-${size}.vhdx`);
      // Opened as a raw disk directly: content detection only takes whole-sector files for raw images.
      const input = await NodeFileSource.open(raw);
      await copyDisk(new RawDisk(input), 'vhdx', await NodeFileSink.create(out));
      await input.close();
      expect(qemuCheck(out, 'vhdx').status).toBe(0);
      // Past a raw file's end qemu-img compare expects zeros: the padding to a whole sector is zeros.
      expect(qemuCompare(raw, 'raw', out, 'vhdx').output).toBe('Images are identical.\n');
      const sectors = Math.ceil(size / 512) * 512;
      expect(JSON.parse(qemuImg('info', '--output=json', out))['virtual-size']).toBe(sectors);
      expect(statSync(out).size).toBe(4 * MiB + dataBlocksOf(raw) * MiB);
      expectSoundStructures(readFileSync(out), sectors, MiB);
    }
  });

  it('vhdx → vhdx through our reader and writer', async () => {
    const qemuMade = join(dir, 'q.vhdx');
    qemuImg('convert', '-f', 'raw', '-O', 'vhdx', join(dir, 'mixed.img'), qemuMade);
    await convertFile(qemuMade, join(dir, 'again.vhdx'), 'vhdx');
    expect(qemuCheck(join(dir, 'again.vhdx'), 'vhdx').status).toBe(0);
    expect(qemuCompare(qemuMade, 'vhdx', join(dir, 'again.vhdx'), 'vhdx').status).toBe(0);
  });

  it('a 1.5 TiB sparse disk: 2 MiB blocks, sector bitmap entries interleaved, data read back by qemu-io', async () => {
    const source = join(dir, 'big-source.vhdx');
    qemuImg('create', '-q', '-f', 'vhdx', source, '1536G');
    // Data at the start, on both sides of the first chunk boundary (2048 blocks of 2 MiB = 4 GiB), far out, and
    // in the last sector.
    const writes: [number, number, number][] = [
      [0x5a, 0, 64 * 1024],
      [0x6b, 4 * 1024 * MiB - 4096, 4096],
      [0x7c, 4 * 1024 * MiB + MiB, 8192],
      [0x8d, 1024 * 1024 * MiB + 3 * MiB, 4096],
      [0x9e, 1536 * 1024 * MiB - 512, 512],
    ];
    for (const [pattern, offset, length] of writes) execFileSync('qemu-io', ['-f', 'vhdx', '-c', `write -P ${pattern} ${offset} ${length}`, source]);
    const out = join(dir, 'big.vhdx');
    await convertFile(source, out, 'vhdx');
    expect(qemuCheck(out, 'vhdx').status).toBe(0);
    const end = 1536 * 1024 * MiB;
    for (const [pattern, offset, length] of writes) {
      const after = offset + length < end ? ['-c', `read -P 0 ${offset + length} 512`] : [];
      const check = execFileSync('qemu-io', ['-r', '-f', 'vhdx', '-c', `read -P ${pattern} ${offset} ${length}`, ...after, out], { encoding: 'utf8' });
      expect(check, `${length} bytes at ${offset}`).not.toMatch(/fail/i);
    }
    const file = readFileSync(out);
    const vhdx = parseVhdx(file);
    expect(vhdx.blockSize).toBe(2 * MiB);
    // 786432 payload entries and a sector bitmap entry after every 2048 of them: 786815 entries, a 7 MiB BAT.
    expect(file.length).toBe(3 * MiB + 7 * MiB + 5 * 2 * MiB);
    const entry = (index: number) => file.readBigUInt64LE(vhdx.batOffset + index * 8);
    expect(entry(2047) & 7n).toBe(6n); // block 2047, before the first sector bitmap entry
    expect(entry(2048)).toBe(0n); // the sector bitmap entry of chunk 0: not present
    expect(entry(2049) & 7n).toBe(6n); // block 2048
    expectSoundStructures(file, 1536 * 1024 * MiB, 2 * MiB);
  });
});
