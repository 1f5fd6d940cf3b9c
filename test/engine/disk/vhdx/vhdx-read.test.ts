import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { DiskExtent } from '../../../../src/engine/disk/virtual-disk';
import type { VhdxDisk } from '../../../../src/engine/disk/vhdx/vhdx-disk';
import { convertFile, makeMixedRaw, MiB, openDiskFile, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';

/**
 * Every VHDX variant qemu-img makes, read by our engine and compared with the source by qemu-img.
 *
 * `qemu-img map` cannot be the oracle for the allocation here: qemu's vhdx driver has no block-status callback,
 * so it reports the whole disk as data. The allocation is checked instead against what qemu-img convert does
 * when it writes a VHDX: a block is stored exactly when the source has a non-zero 4 KiB in it.
 */
const SIZE = 64 * MiB;
let dir = '';
let source: Buffer;
/** Offsets of the source's 4 KiB pieces that hold a non-zero byte. */
let nonZero: number[] = [];

beforeAll(() => {
  dir = tempDir('vhdx-read');
  makeMixedRaw(join(dir, 'mixed.img'), SIZE);
  source = readFileSync(join(dir, 'mixed.img'));
  const zeros = Buffer.alloc(4096);
  for (let at = 0; at < source.length; at += 4096) if (!source.subarray(at, at + 4096).equals(zeros)) nonZero.push(at);
});

async function allocationOf(path: string): Promise<{ disk: VhdxDisk; extents: DiskExtent[] }> {
  const { disk, close } = await openDiskFile(path);
  const extents: DiskExtent[] = [];
  for await (const extent of disk.allocation()) extents.push(extent);
  await close();
  return { disk: disk as VhdxDisk, extents };
}

/** The blocks of `blockSize` that hold a non-zero byte in the source. */
function blocksWithData(blockSize: number): Set<number> {
  return new Set(nonZero.map((at) => Math.floor(at / blockSize)));
}

function kindsPerBlock(extents: DiskExtent[], blockSize: number, size: number): string[] {
  const kinds: string[] = [];
  for (const extent of extents) {
    for (let at = extent.offset; at < extent.offset + extent.length; at += blockSize) kinds[Math.floor(at / blockSize)] = extent.kind;
  }
  expect(kinds.length).toBe(Math.ceil(size / blockSize));
  return kinds;
}

function expectCoalescedAndCovering(extents: DiskExtent[], size: number): void {
  let at = 0;
  extents.forEach((extent, i) => {
    expect(extent.offset).toBe(at);
    if (i > 0) expect(extent.kind).not.toBe(extents[i - 1]!.kind);
    at += extent.length;
  });
  expect(at).toBe(size);
}

describeWithTools(['qemu-img', 'truncate'], 'VHDX reading (qemu-img made)', () => {
  // `unstored`: what the blocks without data are. qemu-img marks them ZERO by default (block_state_zero=on),
  // even in a fixed file; NOT_PRESENT with block_state_zero=off; a fixed file without ZERO blocks stores all.
  const variants: { name: string; options: string[]; blockSize: number; fixed: boolean; unstored: 'zero' | 'unallocated' | null }[] = [
    { name: 'default (dynamic, 8 MiB blocks)', options: [], blockSize: 8 * MiB, fixed: false, unstored: 'zero' },
    { name: 'block_size=1M', options: ['block_size=1M'], blockSize: MiB, fixed: false, unstored: 'zero' },
    { name: 'block_size=8M, log_size=2M', options: ['block_size=8M', 'log_size=2M'], blockSize: 8 * MiB, fixed: false, unstored: 'zero' },
    { name: 'block_state_zero=off', options: ['block_state_zero=off'], blockSize: 8 * MiB, fixed: false, unstored: 'unallocated' },
    { name: 'block_size=32M', options: ['block_size=32M'], blockSize: 32 * MiB, fixed: false, unstored: 'zero' },
    { name: 'subformat=fixed', options: ['subformat=fixed'], blockSize: 8 * MiB, fixed: true, unstored: 'zero' },
    { name: 'subformat=fixed, block_state_zero=off', options: ['subformat=fixed', 'block_state_zero=off'], blockSize: 8 * MiB, fixed: true, unstored: null },
  ];

  for (const variant of variants) {
    it(`${variant.name}: identical to the source, allocation and size as qemu wrote them`, async () => {
      const path = join(dir, `${variant.name.replace(/\W+/g, '_')}.vhdx`);
      const optionArgs = variant.options.length > 0 ? ['-o', variant.options.join(',')] : [];
      qemuImg('convert', '-f', 'raw', '-O', 'vhdx', ...optionArgs, join(dir, 'mixed.img'), path);
      const raw = `${path}.raw`;
      await convertFile(path, raw, 'raw');
      expect(qemuCompare(join(dir, 'mixed.img'), 'raw', raw, 'raw')).toEqual({ status: 0, output: 'Images are identical.\n' });

      const info = JSON.parse(qemuImg('info', '--output=json', path)) as { 'virtual-size': number; 'cluster-size': number };
      const { disk, extents } = await allocationOf(path);
      expect(disk.virtualSize).toBe(info['virtual-size']);
      expect(disk.blockSize).toBe(info['cluster-size']);
      expect(disk.blockSize).toBe(variant.blockSize);
      expect(disk.subformat).toBe(variant.fixed ? 'fixed' : 'dynamic');
      expect(disk.storedBytes).toBe(readFileSync(path).length);
      expectCoalescedAndCovering(extents, SIZE);

      const kinds = kindsPerBlock(extents, variant.blockSize, SIZE);
      const stored = blocksWithData(variant.blockSize);
      kinds.forEach((kind, block) => {
        const want = variant.unstored === null || stored.has(block) ? 'data' : variant.unstored;
        expect(kind, `block ${block}`).toBe(want);
      });
    });
  }

  it('a size that is not a whole number of blocks', async () => {
    const size = 10 * MiB + 3 * 512;
    makeMixedRaw(join(dir, 'odd.img'), size);
    qemuImg('convert', '-f', 'raw', '-O', 'vhdx', '-o', 'block_size=4M', join(dir, 'odd.img'), join(dir, 'odd.vhdx'));
    await convertFile(join(dir, 'odd.vhdx'), join(dir, 'odd.raw'), 'raw');
    expect(readFileSync(join(dir, 'odd.raw')).length).toBe(size);
    expect(qemuCompare(join(dir, 'odd.img'), 'raw', join(dir, 'odd.raw'), 'raw').status).toBe(0);
    const { disk, extents } = await allocationOf(join(dir, 'odd.vhdx'));
    expect(disk.virtualSize).toBe(size);
    expectCoalescedAndCovering(extents, size);
    // Every 4 MiB block holds some of the source's data; the last one (8 MiB .. end) is short.
    expect(extents).toEqual([{ offset: 0, length: size, kind: 'data' }]);
  });

  it('reads across block boundaries and from the middle of blocks, as the source has it', async () => {
    const path = join(dir, 'random-access.vhdx');
    qemuImg('convert', '-f', 'raw', '-O', 'vhdx', '-o', 'block_size=1M', join(dir, 'mixed.img'), path);
    const { disk, close } = await openDiskFile(path);
    try {
      for (const [offset, length] of [
        [0, 512],
        [MiB - 100, 300],
        [MiB - 4096, 3 * MiB],
        [5 * MiB + 511, 7 * 512 + 2],
        [SIZE - 1000, 5000],
        [SIZE, 10],
      ] as const) {
        const bytes = await disk.read(offset, length);
        expect(Buffer.from(bytes).equals(source.subarray(offset, offset + length)), `${length} bytes at ${offset}`).toBe(true);
      }
    } finally {
      await close();
    }
  });
});
