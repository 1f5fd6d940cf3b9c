import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { layersOf, type DiskExtent } from '../../../../src/engine/disk/virtual-disk';
import { isVmferryError } from '../../../../src/engine/errors';
import { convertFile, makeMixedRaw, openDiskFile, pseudoRandom, qemuCompare, qemuImg } from '../../../support/disks';
import { tempDir } from '../../../support/packages';
import { describeWithTools } from '../../../support/tools';
import { buildDifferencingVhdx, guidText, MiB, openError, parseVhdx, type ChildBlock } from './vhdx-fixture';

/**
 * Differencing VHDX. qemu-img can neither create one (`subformat=differencing` is refused) nor read one (its
 * driver stops at HasParent), so the child is built here from [MS-VHDX] over a parent qemu-img made, and the
 * merged disk is compared with bytes the test computes itself: the parent's raw image with the child's sectors
 * written over it. The disk is 4 GiB + 16 MiB so that it has two chunks (a sector bitmap block covers 2^23
 * sectors), both with PARTIALLY_PRESENT blocks.
 */
const BLOCK = 2 * MiB;
const SIZE = 4096 * MiB + 16 * MiB;
const LAST = SIZE / BLOCK - 1;
let dir = '';
let parentGuid = '';

const junkUnder = (seed: number) => pseudoRandom(BLOCK, seed);
const childBlocks = new Map<number, ChildBlock>([
  [0, { state: 7, data: junkUnder(100), present: [[0, 8], [100, 104], [4095, 4096]] }],
  [1, { state: 6, data: junkUnder(101) }],
  [2, { state: 2 }], // ZERO hides the parent's data at 5 MiB + 512
  [3, { state: 7, data: junkUnder(103), present: [[16, 24]] }], // over a part of the parent that stores nothing
  [5, { state: 1 }], // UNDEFINED: the parent shows through
  [1027, { state: 7, data: junkUnder(127), present: [[0, 1], [2, 3], [10, 200], [4000, 4096]] }],
  [1028, { state: 3 }], // UNMAPPED: the parent shows through
  [2050, { state: 6, data: junkUnder(150) }], // second chunk
  [LAST, { state: 7, data: junkUnder(155), present: [[4095, 4096]] }], // the disk's last sector
]);

function writeChild(name: string, locator: Record<string, string>): string {
  const path = join(dir, name);
  writeFileSync(path, buildDifferencingVhdx({ virtualSize: SIZE, blockSize: BLOCK, locator, blocks: childBlocks }));
  return path;
}

beforeAll(() => {
  dir = tempDir('vhdx-diff');
  makeMixedRaw(join(dir, 'parent.raw'), SIZE);
  qemuImg('convert', '-f', 'raw', '-O', 'vhdx', '-o', 'block_size=2M,block_state_zero=off', join(dir, 'parent.raw'), join(dir, 'parent.vhdx'));
  parentGuid = guidText(parseVhdx(readFileSync(join(dir, 'parent.vhdx'))).dataWriteGuid);
  // What the chain must read as: the parent's bytes with the child's sectors over them.
  execFileSync('cp', ['--sparse=always', join(dir, 'parent.raw'), join(dir, 'expected.raw')]);
  const fd = openSync(join(dir, 'expected.raw'), 'r+');
  try {
    for (const [block, spec] of childBlocks) {
      const start = block * BLOCK;
      if (spec.state === 6) writeSync(fd, spec.data!, 0, BLOCK, start);
      if (spec.state === 2) writeSync(fd, Buffer.alloc(BLOCK), 0, BLOCK, start);
      for (const [first, end] of spec.present ?? []) writeSync(fd, spec.data!, first * 512, (end - first) * 512, start + first * 512);
    }
  } finally {
    closeSync(fd);
  }
});

const locatorFor = (linkage: string, extra: Record<string, string> = {}) => ({
  parent_linkage: linkage,
  relative_path: '.\\parent.vhdx',
  absolute_win32_path: 'C:\\Hyper-V\\Disks\\parent.vhdx',
  ...extra,
});

function kindAt(extents: DiskExtent[], offset: number): string {
  return extents.find((e) => e.offset <= offset && offset < e.offset + e.length)!.kind;
}

describeWithTools(['qemu-img', 'truncate'], 'VHDX differencing disks', () => {
  it('merges the child over its parent: bitmaps, ZERO blocks, states that show the parent, two chunks', async () => {
    const child = writeChild('child.vhdx', locatorFor(parentGuid));
    await convertFile(child, join(dir, 'merged.raw'), 'raw');
    expect(qemuCompare(join(dir, 'expected.raw'), 'raw', join(dir, 'merged.raw'), 'raw')).toEqual({ status: 0, output: 'Images are identical.\n' });

    const { disk, close } = await openDiskFile(child);
    try {
      expect(layersOf(disk).map((layer) => [layer.name, layer.format, layer.subformat])).toEqual([
        ['child.vhdx', 'vhdx', 'differencing'],
        ['parent.vhdx', 'vhdx', 'dynamic'],
      ]);
      expect(disk.storedBytes).toBe(readFileSync(child).length);
      // A few reads that straddle bitmap runs, block and chunk boundaries.
      const expected = openSync(join(dir, 'expected.raw'), 'r');
      for (const [offset, length] of [
        [0, 5000],
        [99 * 512 + 7, 6 * 512],
        [BLOCK - 700, 1400],
        [1027 * BLOCK - 512, 4 * MiB],
        [4096 * MiB - 4096, 8192],
        [SIZE - 1024, 1024],
      ] as const) {
        const want = Buffer.alloc(length);
        readSync(expected, want, 0, length, offset);
        expect(Buffer.from(await disk.read(offset, length)).equals(want), `${length} bytes at ${offset}`).toBe(true);
      }
      closeSync(expected);
      const extents: DiskExtent[] = [];
      for await (const extent of disk.allocation()) extents.push(extent);
      let at = 0;
      for (const extent of extents) {
        expect(extent.offset).toBe(at);
        at += extent.length;
      }
      expect(at).toBe(SIZE);
      expect(kindAt(extents, 2 * BLOCK)).toBe('zero');
      expect(kindAt(extents, 3 * BLOCK)).toBe('unallocated'); // neither layer stores it
      expect(kindAt(extents, 3 * BLOCK + 16 * 512)).toBe('data'); // the child's sectors 16..23
      expect(kindAt(extents, 3 * BLOCK + 24 * 512)).toBe('unallocated');
      expect(kindAt(extents, 1028 * BLOCK)).toBe('data'); // the parent's, through UNMAPPED
      expect(kindAt(extents, 2050 * BLOCK)).toBe('data');
      expect(kindAt(extents, 2051 * BLOCK)).toBe('unallocated');
    } finally {
      await close();
    }
  });

  it('4096-byte logical sectors: one bitmap bit per 4 KiB', async () => {
    const size = 64 * MiB;
    makeMixedRaw(join(dir, 'parent4k.raw'), size);
    qemuImg('convert', '-f', 'raw', '-O', 'vhdx', '-o', 'block_size=1M', join(dir, 'parent4k.raw'), join(dir, 'parent4k.vhdx'));
    const linkage = guidText(parseVhdx(readFileSync(join(dir, 'parent4k.vhdx'))).dataWriteGuid);
    const blocks = new Map<number, ChildBlock>([
      [0, { state: 7, data: pseudoRandom(MiB, 200), present: [[0, 1], [3, 5], [255, 256]] }],
      [20, { state: 7, data: pseudoRandom(MiB, 220), present: [[10, 20]] }], // the parent's block 20 is ZERO
      [63, { state: 7, data: pseudoRandom(MiB, 263), present: [[255, 256]] }],
    ]);
    const child = join(dir, 'child4k.vhdx');
    writeFileSync(child, buildDifferencingVhdx({ virtualSize: size, blockSize: MiB, sectorSize: 4096, locator: { parent_linkage: linkage, relative_path: 'parent4k.vhdx' }, blocks }));
    const expected = readFileSync(join(dir, 'parent4k.raw'));
    for (const [block, spec] of blocks) {
      for (const [first, end] of spec.present!) spec.data!.copy(expected, block * MiB + first * 4096, first * 4096, end * 4096);
    }
    const { disk, close } = await openDiskFile(child);
    try {
      expect(Buffer.from(await disk.read(0, size)).equals(expected)).toBe(true);
      const kinds: string[] = [];
      for await (const extent of disk.allocation()) {
        // Block 20, in 4 KiB sectors: the extents clipped to it.
        const start = Math.max(extent.offset, 20 * MiB);
        const end = Math.min(extent.offset + extent.length, 21 * MiB);
        if (start < end) kinds.push(`${(start - 20 * MiB) / 4096}..${(end - 20 * MiB) / 4096}:${extent.kind}`);
      }
      // The child's sectors 10..19 over the parent's ZERO block.
      expect(kinds).toEqual(['0..10:zero', '10..20:data', '20..256:zero']);
    } finally {
      await close();
    }
  });

  it('finds the parent by the file name of its absolute path when the relative path is stale', async () => {
    const child = writeChild('moved.vhdx', locatorFor(parentGuid, { relative_path: '..\\old-place\\gone.vhdx' }));
    await convertFile(child, join(dir, 'moved.raw'), 'raw');
    expect(qemuCompare(join(dir, 'expected.raw'), 'raw', join(dir, 'moved.raw'), 'raw').status).toBe(0);
  });

  it('accepts a parent that matches parent_linkage2', async () => {
    const child = writeChild('linkage2.vhdx', locatorFor('{11111111-2222-3333-4444-555555555555}', { parent_linkage2: parentGuid }));
    const { disk, close } = await openDiskFile(child);
    expect(disk.parent?.name).toBe('parent.vhdx');
    await close();
  });

  it('refuses a parent whose DataWriteGuid is not the linkage, naming both files and both GUIDs', async () => {
    const wrong = '{0BADF00D-0000-4000-8000-000000000001}';
    const child = writeChild('mismatch.vhdx', locatorFor(wrong));
    const error = await openError(child);
    expect(isVmferryError(error, 'corrupt')).toBe(true);
    const message = String(error);
    expect(message).toContain('mismatch.vhdx');
    expect(message).toContain('parent.vhdx has');
    expect(message).toContain(wrong);
    expect(message).toContain(parentGuid);
  });

  it('a PARTIALLY_PRESENT block whose chunk has no sector bitmap', async () => {
    const path = writeChild('no-bitmap.vhdx', locatorFor(parentGuid));
    const file = readFileSync(path);
    file.fill(0, 3 * MiB + 2048 * 8, 3 * MiB + 2049 * 8); // chunk 0's sector bitmap entry (chunk ratio 2048)
    writeFileSync(path, file);
    const { disk, close } = await openDiskFile(path);
    try {
      await expect(disk.read(0, 4096)).rejects.toThrow(/no-bitmap\.vhdx: Block 0 is PARTIALLY_PRESENT but the sector bitmap of its chunk \(0\) is not present/);
    } finally {
      await close();
    }
  });

  it('says which names it looked for when the parent is missing', async () => {
    const child = writeChild('orphan.vhdx', { parent_linkage: parentGuid, relative_path: '.\\nowhere.vhdx', volume_path: '\\\\?\\Volume{1234}\\x\\lost.vhdx' });
    const error = await openError(child);
    expect(isVmferryError(error, 'missing-file')).toBe(true);
    expect(String(error)).toMatch(/orphan\.vhdx.*parent.*"\.\/nowhere\.vhdx", "nowhere\.vhdx", "lost\.vhdx"/);
  });
});
