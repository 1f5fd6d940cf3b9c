import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { isVmferryError } from '../../../../src/engine/errors';
import { convertFile, openDiskFile, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { batEntry, buildLogEntry, editFile, MiB, openError, parseVhdx, placeInLog, setHeaderLogGuid } from './vhdx-fixture';

/**
 * Log replay ([MS-VHDX] 2.3). qemu writes every BAT update through the log and replays it at once, then sets
 * LogGuid back to zero; its log entry stays in the file. Putting that LogGuid back into the current header and
 * undoing the BAT update gives exactly the file a crash between "log written" and "BAT updated" leaves: a real
 * qemu log entry that must be replayed. A second log, with several entries, a wrap around the end of the ring,
 * a zero descriptor, a stale older sequence and a torn entry, is built here from the specification, because
 * qemu never writes such logs (and its replay would not follow the entries' Tail field).
 */
async function readAll(path: string): Promise<Buffer> {
  const { disk, close } = await openDiskFile(path);
  try {
    return Buffer.from(await disk.read(0, disk.virtualSize));
  } finally {
    await close();
  }
}



describeWithTools(['qemu-img', 'qemu-io'], 'VHDX log replay', () => {
  it('replays a log entry qemu wrote, as qemu-img check -r all does', async () => {
    const dir = tempDir('vhdx-log-qemu');
    const path = join(dir, 'dirty.vhdx');
    qemuImg('create', '-q', '-f', 'vhdx', '-o', 'block_size=1M', path, '16M');
    execFileSync('qemu-io', ['-c', 'write -P 0x77 1M 1M', path]);
    editFile(path, (file) => {
      const vhdx = parseVhdx(file);
      expect(vhdx.logGuid.every((b) => b === 0)).toBe(true);
      const entryGuid = file.subarray(vhdx.logOffset + 32, vhdx.logOffset + 48);
      expect(file.toString('latin1', vhdx.logOffset, vhdx.logOffset + 4)).toBe('loge');
      setHeaderLogGuid(file, vhdx.headerOffset, entryGuid);
      // Undo what the replay did: block 1 goes back to ZERO, as qemu-img create left it.
      file.set(batEntry(2), vhdx.batOffset + 8);
    });
    // qemu itself now refuses to read the file without replaying it.
    const info = spawnSync('qemu-img', ['info', path], { encoding: 'utf8' });
    expect(info.status).not.toBe(0);
    expect(info.stderr).toMatch(/log that needs to be replayed/);

    const bytes = await readAll(path);
    expect(bytes.subarray(MiB, 2 * MiB).every((b) => b === 0x77)).toBe(true);
    expect(bytes.subarray(0, MiB).every((b) => b === 0) && bytes.subarray(2 * MiB).every((b) => b === 0)).toBe(true);

    await convertFile(path, join(dir, 'ours.raw'), 'raw');
    copyFileSync(path, join(dir, 'repaired.vhdx'));
    expect(spawnSync('qemu-img', ['check', '-r', 'all', join(dir, 'repaired.vhdx')]).status).toBe(0);
    expect(qemuCompare(join(dir, 'repaired.vhdx'), 'vhdx', join(dir, 'ours.raw'), 'raw').status).toBe(0);
    // The input is never written: it is still dirty.
    expect(spawnSync('qemu-img', ['info', path]).status).not.toBe(0);
  });

  /** A 16 MiB disk in 1 MiB blocks (0 holds 0x11, 3 holds 0x33), two spare blocks A and B appended. */
  function baseWithSpareBlocks(dir: string) {
    const raw = join(dir, 'base.raw');
    const content = Buffer.alloc(16 * MiB);
    content.fill(0x11, 0, MiB);
    content.fill(0x33, 3 * MiB, 4 * MiB);
    writeFileSync(raw, content);
    const path = join(dir, 'built.vhdx');
    qemuImg('convert', '-f', 'raw', '-O', 'vhdx', '-o', 'block_size=1M,block_state_zero=off', raw, path);
    const written = readFileSync(path);
    const original = Buffer.concat([written, Buffer.alloc((MiB - (written.length % MiB)) % MiB)]);
    const a = original.length;
    const b = a + MiB;
    const file = Buffer.concat([original, Buffer.alloc(MiB, 0xaa), Buffer.alloc(MiB, 0xbb)]);
    const vhdx = parseVhdx(file);
    const offsetOf = (block: number) => Number(file.readBigUInt64LE(vhdx.batOffset + block * 8) >> 20n) * MiB;
    return { path, file, vhdx, a, b, block0: offsetOf(0), block3: offsetOf(3) };
  }

  /** The first 4 KiB of the BAT with some payload entries replaced (1 MiB blocks: no bitmap entry in 512). */
  function batSector(file: Buffer, batOffset: number, changes: Record<number, Buffer>): Buffer {
    const sector = Buffer.from(file.subarray(batOffset, batOffset + 4096));
    for (const [block, entry] of Object.entries(changes)) entry.copy(sector, Number(block) * 8);
    return sector;
  }

  it('replays the newest sequence from its tail, across the end of the ring, ignoring stale and torn entries', async () => {
    const dir = tempDir('vhdx-log-built');
    const { path, file, vhdx, a, b, block0, block3 } = baseWithSpareBlocks(dir);
    const size = file.length;
    const logGuid = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const L = vhdx.logLength;
    const common = { logGuid, flushed: size, last: size + MiB };
    // Entry 19: already applied when entry 20 was written (entry 20's Tail is past it); its write to block 3
    // was superseded outside the log, so replaying it would be wrong.
    const e19 = buildLogEntry({ ...common, sequence: 19n, tail: L - 16384, writes: [{ kind: 'data', offset: block3, sector: Buffer.alloc(4096, 0xee) }] });
    // Entry 20: three sectors from L - 8 KiB, so its second data sector wraps to the start of the ring.
    const e20 = buildLogEntry({
      ...common,
      sequence: 20n,
      tail: L - 8192,
      writes: [
        { kind: 'data', offset: vhdx.batOffset, sector: batSector(file, vhdx.batOffset, { 1: batEntry(6, a), 5: batEntry(6, b) }) },
        { kind: 'data', offset: a + MiB - 4096, sector: Buffer.alloc(4096, 0xcd) },
      ],
    });
    expect(e20.length).toBe(3 * 4096);
    // Entry 21 continues the sequence right after it (at 4 KiB): zeros inside block 0, and a newer BAT sector
    // that takes block 5 back, maps block 6 to B and block 7 past the file's end (within LastFileOffset).
    const e21 = buildLogEntry({
      ...common,
      sequence: 21n,
      tail: L - 8192,
      writes: [
        { kind: 'zero', offset: block0 + 4096, length: 8192 },
        { kind: 'data', offset: vhdx.batOffset, sector: batSector(file, vhdx.batOffset, { 1: batEntry(6, a), 6: batEntry(6, b), 7: batEntry(6, size) }) },
      ],
    });
    // Entry 22 would continue the sequence but was torn: its checksum does not hold.
    const e22 = buildLogEntry({ ...common, sequence: 22n, tail: L - 8192, writes: [{ kind: 'data', offset: vhdx.batOffset, sector: Buffer.alloc(4096, 0xff) }] });
    e22[100]! ^= 1;
    // A stale sequence from an earlier pass around the ring: valid, but older.
    const e7 = buildLogEntry({ ...common, sequence: 7n, tail: 64 * 1024, writes: [{ kind: 'data', offset: vhdx.batOffset, sector: batSector(file, vhdx.batOffset, { 2: batEntry(6, b) }) }] });
    placeInLog(file, vhdx.logOffset, L, L - 16384, e19);
    placeInLog(file, vhdx.logOffset, L, L - 8192, e20);
    placeInLog(file, vhdx.logOffset, L, 4096, e21);
    placeInLog(file, vhdx.logOffset, L, 4096 + e21.length, e22);
    placeInLog(file, vhdx.logOffset, L, 64 * 1024, e7);
    setHeaderLogGuid(file, vhdx.headerOffset, logGuid);
    writeFileSync(path, file);

    const expected = Buffer.alloc(16 * MiB);
    expected.fill(0x11, 0, MiB).fill(0, 4096, 12288);
    expected.fill(0xaa, MiB, 2 * MiB).fill(0xcd, 2 * MiB - 4096, 2 * MiB);
    expected.fill(0x33, 3 * MiB, 4 * MiB);
    expected.fill(0xbb, 6 * MiB, 7 * MiB);
    const bytes = await readAll(path);
    for (let block = 0; block < 16; block++) {
      const range = [block * MiB, (block + 1) * MiB] as const;
      expect(bytes.subarray(...range).equals(expected.subarray(...range)), `block ${block}`).toBe(true);
    }
    const { disk, close } = await openDiskFile(path);
    const kinds: string[] = [];
    for await (const extent of disk.allocation()) kinds.push(`${extent.offset / MiB}+${extent.length / MiB}:${extent.kind}`);
    await close();
    expect(kinds).toEqual(['0+2:data', '2+1:unallocated', '3+1:data', '4+2:unallocated', '6+2:data', '8+8:unallocated']);
    // The file itself is untouched.
    expect(readFileSync(path).equals(file)).toBe(true);
  });

  it('refuses a log that says the file was longer than it is', async () => {
    const dir = tempDir('vhdx-log-short');
    const { path, file, vhdx } = baseWithSpareBlocks(dir);
    const logGuid = Buffer.alloc(16, 0x42);
    const entry = buildLogEntry({ logGuid, sequence: 1n, tail: 0, flushed: file.length + MiB, last: file.length + MiB, writes: [{ kind: 'zero', offset: 2 * MiB, length: 4096 }] });
    placeInLog(file, vhdx.logOffset, vhdx.logLength, 0, entry);
    setHeaderLogGuid(file, vhdx.headerOffset, logGuid);
    writeFileSync(path, file);
    const error = await openError(path);
    expect(isVmferryError(error, 'truncated')).toBe(true);
    expect(String(error)).toMatch(/built\.vhdx.*log says the file was at least/);
  });

  it('names what to do with a log too large to replay in memory', async () => {
    const dir = tempDir('vhdx-log-huge');
    const { path, file, vhdx } = baseWithSpareBlocks(dir);
    file.writeUInt32LE(128 * MiB, vhdx.headerOffset + 68);
    setHeaderLogGuid(file, vhdx.headerOffset, Buffer.alloc(16, 0x42));
    writeFileSync(path, file);
    execFileSync('truncate', ['-s', String(vhdx.logOffset + 128 * MiB), path]);
    const error = await openError(path);
    expect(isVmferryError(error, 'unsupported')).toBe(true);
    expect(String(error)).toMatch(/built\.vhdx.*log must be replayed.*qemu-img check -r all/);
  });

  it('gives up on a hostile log in bounded time', async () => {
    const dir = tempDir('vhdx-log-hostile');
    const { path, file, vhdx } = baseWithSpareBlocks(dir);
    const logGuid = Buffer.alloc(16, 0x42);
    // Every sector claims to start an entry as long as the whole log, none with a valid checksum.
    for (let at = 0; at < vhdx.logLength; at += 4096) {
      const fake = buildLogEntry({ logGuid, sequence: BigInt(at / 4096 + 1), tail: 0, flushed: 0, last: 0, writes: [] });
      fake.writeUInt32LE(vhdx.logLength, 8);
      fake.copy(file, vhdx.logOffset + at, 0, 64);
    }
    setHeaderLogGuid(file, vhdx.headerOffset, logGuid);
    writeFileSync(path, file);
    const started = Date.now();
    // Nothing valid to replay: the disk opens as it is.
    const bytes = await readAll(path);
    expect(bytes.subarray(0, MiB).every((b) => b === 0x11)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
