/**
 * The allocation map the Look screen draws: extents summarised into buckets. Exact on made-up extents (edges,
 * sizes that do not divide, extents over many buckets), and on real images made by qemu-img: where the data
 * is agrees with `qemu-img map`, bucket by bucket.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiskExtent } from '../../src/engine/disk/virtual-disk';
import { errorCodeOf } from '../../src/engine/errors';
import { summariseAllocation } from '../../workers/allocation-buckets';
import { makeMixedRaw, MiB, openDiskFile } from '../support/disks';
import { tempDir } from '../support/packages';
import { describeWithTools } from '../support/tools';

async function* extents(list: DiskExtent[]): AsyncIterable<DiskExtent> {
  yield* list;
}

describe('summariseAllocation', () => {
  it('splits extents at bucket edges and gives each bucket its fractions', async () => {
    const map = await summariseAllocation('d', 400, extents([
      { offset: 0, length: 150, kind: 'data' },
      { offset: 150, length: 50, kind: 'zero' },
      { offset: 200, length: 200, kind: 'unallocated' },
    ]), 4);
    expect(map.data).toEqual([1, 0.5, 0, 0]);
    expect(map.zero).toEqual([0, 0.5, 0, 0]);
    expect(map.unallocated).toEqual([0, 0, 1, 1]);
    expect(map.totals).toEqual({ data: 150, zero: 50, unallocated: 200 });
  });

  it('covers every byte once when the size does not divide, and when there are more buckets than bytes', async () => {
    const odd = await summariseAllocation('d', 1000, extents([{ offset: 0, length: 1000, kind: 'data' }]), 7);
    expect(odd.data.every((f) => f === 1)).toBe(true);
    const tiny = await summariseAllocation('d', 3, extents([{ offset: 0, length: 1, kind: 'data' }, { offset: 1, length: 2, kind: 'unallocated' }]), 8);
    expect(tiny.data.filter((f) => f === 1)).toHaveLength(1);
    expect(tiny.data.length).toBe(8);
    // Empty buckets (no byte falls in them) read as empty.
    expect(tiny.data.map((f, i) => f + tiny.zero[i]! + tiny.unallocated[i]!).every((sum) => Math.abs(sum - 1) < 1e-12)).toBe(true);
  });

  it('handles a terabyte disk with an extent per bucket boundary in bounded time', async () => {
    const size = 2 ** 40;
    const list: DiskExtent[] = [];
    for (let offset = 0; offset < size; offset += size / 1024) list.push({ offset, length: size / 2048, kind: 'data' }, { offset: offset + size / 2048, length: size / 2048, kind: 'unallocated' });
    const map = await summariseAllocation('big', size, extents(list), 512);
    expect(map.data.every((f) => f === 0.5)).toBe(true);
    expect(map.totals.data).toBe(size / 2);
  });

  it('refuses a bucket count it cannot draw', async () => {
    const error = await summariseAllocation('d', 10, extents([]), 0).catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe('usage');
  });
});

interface QemuMapEntry {
  start: number;
  length: number;
  data: boolean;
  zero: boolean;
}

describeWithTools(['qemu-img'], 'allocation maps of real images agree with qemu-img map', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('allocation');
    makeMixedRaw(join(dir, 'mixed.raw'), 64 * MiB);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // VHDX is left out: qemu-img map reports a whole VHDX as data (its driver has no block status).
  for (const [format, args] of [
    ['qcow2', ['-O', 'qcow2']],
    ['vmdk', ['-O', 'vmdk', '-o', 'subformat=streamOptimized']],
    ['vhd', ['-O', 'vpc', '-o', 'subformat=dynamic']],
  ] as const) {
    it(`${format}: the data fraction of each of 256 buckets is qemu-img map's`, async () => {
      const image = join(dir, `mixed.${format}`);
      execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', ...args, join(dir, 'mixed.raw'), image]);
      const { disk, close } = await openDiskFile(image);
      try {
        const ours = await summariseAllocation(disk.name, disk.virtualSize, disk.allocation(), 256);
        const entries = JSON.parse(execFileSync('qemu-img', ['map', '--output=json', image], { encoding: 'utf8' })) as QemuMapEntry[];
        const theirs = await summariseAllocation(
          'qemu',
          disk.virtualSize,
          extents(entries.map((e) => ({ offset: e.start, length: e.length, kind: e.data ? 'data' : e.zero ? 'zero' : 'unallocated' }))),
          256,
        );
        expect(ours.data).toEqual(theirs.data);
        expect(ours.totals.data).toBe(theirs.totals.data);
        expect(ours.totals.data).toBeGreaterThan(4 * MiB);
      } finally {
        await close();
      }
    });
  }
});
