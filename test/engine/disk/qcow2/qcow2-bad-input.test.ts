import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openQcow2 } from '../../../../src/engine/disk/qcow2/qcow2-reader';
import type { DiskOpenContext } from '../../../../src/engine/disk/open-disk';
import type { VirtualDisk } from '../../../../src/engine/disk/virtual-disk';
import { isVmferryError, type ErrorCode } from '../../../../src/engine/errors';
import { MemorySource } from '../../../../src/engine/io/memory-source';
import { MiB, pseudoRandom, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';

/**
 * Damaged and unsupported qcow2 images: each gives a VmferryError with the right code, naming the file and the
 * structure, quickly and without allocating what the damaged fields claim.
 */
type Files = Record<string, Uint8Array>;

function contextOf(files: Files): DiskOpenContext {
  return { find: async (name) => (files[name] ? new MemorySource(files[name]!, name) : null) };
}

async function open(bytes: Uint8Array, name = 'bad.qcow2', files: Files = {}): Promise<VirtualDisk> {
  return openQcow2(new MemorySource(bytes, name), contextOf({ ...files, [name]: bytes }));
}

/** Opens, lists the allocation and reads everything: whichever step meets the damage must throw. */
async function readAll(bytes: Uint8Array, name = 'bad.qcow2', files: Files = {}): Promise<void> {
  const disk = await open(bytes, name, files);
  for await (const extent of disk.allocation()) void extent;
  for (let at = 0; at < disk.virtualSize; at += 4 * MiB) await disk.read(at, 4 * MiB);
}

async function expectError(run: Promise<unknown>, code: ErrorCode, ...fragments: (string | RegExp)[]): Promise<void> {
  return expectErrorIn(run, 'bad.qcow2', code, ...fragments);
}

async function expectErrorIn(run: Promise<unknown>, file: string | RegExp, code: ErrorCode, ...fragments: (string | RegExp)[]): Promise<void> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected an error').not.toBeNull();
  if (!isVmferryError(error)) throw error;
  expect(error.code, error.message).toBe(code);
  expect(error.message).toMatch(file);
  for (const fragment of fragments) expect(error.message).toMatch(fragment);
}

const u32 = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at);
const setU32 = (bytes: Uint8Array, at: number, value: number) => new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value);
const setU64 = (bytes: Uint8Array, at: number, value: bigint) => new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(at, value);
const l1Offset = (bytes: Uint8Array) => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(40));
const l2Offset = (bytes: Uint8Array) => Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(l1Offset(bytes)) & 0x00fffffffffffe00n);

describeWithTools(['qemu-img', 'qemu-io'], 'qcow2 bad input', () => {
  let good: Uint8Array;
  let compressed: Uint8Array;
  let dir: string;
  const copy = (bytes: Uint8Array) => Uint8Array.from(bytes);

  // Fixtures are regenerated on every run; leave nothing behind in /tmp.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    dir = tempDir('qcow2-bad');
    const raw = join(dir, 'small.img');
    writeFileSync(raw, Buffer.concat([pseudoRandom(MiB, 1), Buffer.alloc(MiB, 0x5a)]));
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, join(dir, 'good.qcow2'));
    qemuImg('convert', '-q', '-c', '-f', 'raw', '-O', 'qcow2', raw, join(dir, 'compressed.qcow2'));
    good = readFileSync(join(dir, 'good.qcow2'));
    compressed = readFileSync(join(dir, 'compressed.qcow2'));
  });

  it('the undamaged images read (so the cases below fail for their damage only)', async () => {
    await readAll(good);
    await readAll(compressed);
  });

  it('bad magic, unknown version', async () => {
    const bytes = copy(good);
    bytes[3] = 0;
    await expectError(open(bytes), 'corrupt', /magic/);
    const v4 = copy(good);
    setU32(v4, 4, 4);
    await expectError(open(v4), 'unsupported', /version 4/);
  });

  it('a file that ends inside the header', async () => {
    await expectError(open(good.subarray(0, 50)), 'truncated', /header/);
  });

  it('cluster_bits outside 9..21', async () => {
    for (const bits of [8, 22, 40]) {
      const bytes = copy(good);
      setU32(bytes, 20, bits);
      await expectError(open(bytes), 'corrupt', new RegExp(`cluster_bits ${bits}`));
    }
  });

  it('an absurd L1 size is refused before anything is allocated', async () => {
    const bytes = copy(good);
    setU32(bytes, 36, 0xffffffff);
    const started = Date.now();
    await expectError(open(bytes), 'corrupt', /L1 table of 4294967295 entries/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an L1 table too small for the virtual size', async () => {
    const bytes = copy(good);
    setU64(bytes, 24, 1n << 40n); // 1 TiB with a one-entry L1 table
    await expectError(open(bytes), 'corrupt', /too small/);
  });

  it('L1 table past the end of the file, or unaligned', async () => {
    const past = copy(good);
    setU64(past, 40, BigInt(good.length + 65536 * 10 - (good.length % 65536)));
    await expectError(open(past), 'corrupt', /L1 table/, /past the end/);
    const unaligned = copy(good);
    setU64(unaligned, 40, BigInt(l1Offset(good) + 512));
    await expectError(open(unaligned), 'corrupt', /L1 table offset/, /not a non-zero multiple/);
  });

  it('an L1 entry pointing past the end of the file, or unaligned', async () => {
    const past = copy(good);
    setU64(past, l1Offset(past), (1n << 63n) | BigInt(65536 * 1000));
    await expectError(open(past), 'corrupt', /L1 entry 0/, /past the end of the file/);
    const unaligned = copy(good);
    setU64(unaligned, l1Offset(unaligned), BigInt(l2Offset(good) + 4096));
    await expectError(open(unaligned), 'corrupt', /L1 entry 0/, /not aligned/);
  });

  it('an L2 entry pointing a data cluster past the end of the file, or unaligned', async () => {
    const past = copy(good);
    setU64(past, l2Offset(past) + 8 * 3, (1n << 63n) | BigInt(65536 * 5000));
    await expectError(readAll(past), 'corrupt', /L2 entry for guest cluster 3/, /past the end of the file/);
    const unaligned = copy(good);
    setU64(unaligned, l2Offset(unaligned) + 8 * 3, (1n << 63n) | BigInt(65536 * 2 + 512));
    await expectError(readAll(unaligned), 'corrupt', /guest cluster 3/, /not aligned/);
  });

  it('a compressed cluster descriptor past the end of the file', async () => {
    const bytes = copy(compressed);
    const at = l2Offset(bytes) + 8 * 20; // cluster 20: the 0x5a half, surely compressed
    expect(u32(bytes, at) & 0x40000000).not.toBe(0);
    setU32(bytes, at, (u32(bytes, at) & 0xffc00000) | 0x3fff);
    await expectError(readAll(bytes), 'corrupt', /guest cluster 20/, /compressed data/, /past the end of the file/);
  });

  it('compressed data that does not decompress', async () => {
    const bytes = copy(compressed);
    const at = l2Offset(bytes) + 8 * 20;
    const view = new DataView(bytes.buffer);
    const host = Number(view.getBigUint64(at) & ((1n << 54n) - 1n));
    bytes.fill(0xff, host, host + 16);
    await expectError(readAll(bytes), 'corrupt', /guest cluster 20/, /does not decompress/);
  });

  it('encrypted images are refused, naming the method', async () => {
    const aes = join(dir, 'aes.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '--object', 'secret,id=s0,data=x', '-o', 'encrypt.format=aes,encrypt.key-secret=s0', aes, '4M');
    await expectError(open(readFileSync(aes)), 'unsupported', /encrypted \(AES\)/);
    // LUKS needs qemu to time its key derivation, which fails where the thread CPU clock is unavailable
    // ("Unable to get accurate CPU usage", as in some sandboxes); then the header is marked by hand.
    const luks = join(dir, 'luks.qcow2');
    const made = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', '--object', 'secret,id=s0,data=x', '-o', 'encrypt.format=luks,encrypt.key-secret=s0', luks, '4M']);
    let bytes: Uint8Array;
    if (made.status === 0) {
      bytes = readFileSync(luks);
    } else {
      expect(String(made.stderr)).toMatch(/CPU usage/);
      bytes = copy(good);
      setU32(bytes, 32, 2);
    }
    await expectError(open(bytes), 'unsupported', /encrypted \(LUKS\)/, /Decrypt it first/);
  });

  it('an unknown incompatible feature bit is refused by number (and by name when the table has one)', async () => {
    const bytes = copy(good);
    setU32(bytes, 76, 1 << 9);
    await expectError(open(bytes), 'unsupported', /incompatible feature bit 9, which/);
    // qemu's feature name table names bits 0-4; give the "extended L2" entry bit 9 instead.
    const named = copy(bytes);
    const at = Buffer.from(named.subarray(0, 4096)).indexOf('extended L2');
    expect(at).toBeGreaterThan(0);
    expect(named[at - 2]).toBe(0); // type: incompatible
    named[at - 1] = 9;
    await expectError(open(named), 'unsupported', /incompatible feature bit 9 \("extended L2 entries"\)/);
  });

  it('the corrupt bit is refused with the qemu-img check hint; the dirty bit is read and noted', async () => {
    const corrupt = copy(good);
    setU32(corrupt, 76, 2);
    await expectError(open(corrupt), 'corrupt', /marked corrupt/, /qemu-img check -r all/);
    const dirty = copy(good);
    setU32(dirty, 76, 1);
    const disk = (await open(dirty)) as VirtualDisk & { notes: string[] };
    expect(disk.notes.join(' ')).toMatch(/dirty/);
    await readAll(dirty);
  });

  it('an external data file is refused, naming it', async () => {
    const path = join(dir, 'external.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-o', `data_file=${join(dir, 'external.raw')}`, path, '4M');
    await expectError(open(readFileSync(path)), 'unsupported', /external data file/, /external\.raw/);
  });

  it('a zstd-compressed cluster that does not decompress, or decompresses short, is named', async () => {
    const path = join(dir, 'zstd.qcow2');
    qemuImg('convert', '-q', '-c', '-f', 'raw', '-O', 'qcow2', '-o', 'compression_type=zstd', join(dir, 'small.img'), path);
    const good = readFileSync(path);
    await readAll(good);
    const at = l2Offset(good) + 8 * 20; // cluster 20: the 0x5a half, surely compressed
    const view = new DataView(good.buffer, good.byteOffset);
    expect(view.getUint32(at) & 0x40000000).not.toBe(0);
    const host = Number(view.getBigUint64(at) & ((1n << 54n) - 1n));
    const damaged = copy(good);
    damaged.fill(0xff, host + 4, host + 24); // after the frame magic: a frame header and block that make no sense
    await expectError(readAll(damaged), 'corrupt', /guest cluster 20/, /does not decompress/, /zstd/);
  });

  it('a missing backing file is named; a backing file loop ends with a clear error', async () => {
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'gone.qcow2', '-F', 'qcow2', '-u', join(dir, 'orphan.qcow2'), '4M');
    await expectError(open(readFileSync(join(dir, 'orphan.qcow2'))), 'missing-file', /backing file "gone\.qcow2"/);

    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'loop-b.qcow2', '-F', 'qcow2', '-u', join(dir, 'loop-a.qcow2'), '4M');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'bad.qcow2', '-F', 'qcow2', '-u', join(dir, 'loop-b.qcow2'), '4M');
    const a = readFileSync(join(dir, 'loop-a.qcow2'));
    const loop = open(a, 'bad.qcow2', { 'loop-b.qcow2': readFileSync(join(dir, 'loop-b.qcow2')) });
    await expectErrorIn(loop, /bad\.qcow2|loop-b\.qcow2/, 'corrupt', /chain of backing files is more than 64 deep/);

    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'bad.qcow2', '-F', 'qcow2', '-u', join(dir, 'self.qcow2'), '4M');
    await expectError(open(readFileSync(join(dir, 'self.qcow2'))), 'corrupt', /names itself/);
  });

  it('a backing file name outside the header cluster', async () => {
    const bytes = copy(good);
    setU64(bytes, 8, 65530n);
    setU32(bytes, 16, 100);
    await expectError(open(bytes), 'corrupt', /backing file name/);
  });

  it('an extended L2 entry marking a subcluster both allocated and zero', async () => {
    const path = join(dir, 'extended.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-o', 'extended_l2=on,cluster_size=64k', path, '4M');
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 1 0 4k', path], { stdio: 'ignore' });
    const bytes = readFileSync(path);
    const l2 = l2Offset(bytes);
    setU32(bytes, l2 + 8, u32(bytes, l2 + 8) | 1); // zero bit of subcluster 0, whose allocation bit is set
    await expectError(readAll(bytes), 'corrupt', /subcluster 0 both allocated and zero/);
  });
});
