import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAllZero } from '../../../src/engine/disk/zero';
import { scanUnits, UnitMap } from '../../../src/engine/disk/unit-map';
import { coalesce, layerOver } from '../../../src/engine/disk/allocation';
import { readUnits } from '../../../src/engine/disk/read-units';
import { RawDisk } from '../../../src/engine/disk/raw/raw-disk';
import { MemorySource } from '../../../src/engine/io/memory-source';
import type { DiskExtent, VirtualDisk } from '../../../src/engine/disk/virtual-disk';
import { describeWithTools } from '../../support/tools';
import { convertFile, makeMixedRaw, MiB, qemuCompare } from '../../support/disks';
import { tempDir } from '../../support/packages';

const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

describe('isAllZero', () => {
  it('finds a single set bit at any position and alignment', () => {
    const buffer = new Uint8Array(4096 + 16);
    for (const start of [0, 1, 2, 3, 5]) {
      for (const length of [0, 1, 3, 4, 17, 4096]) {
        const view = buffer.subarray(start, start + length);
        expect(isAllZero(view)).toBe(true);
        for (const at of new Set([0, Math.floor(length / 2), length - 1])) {
          if (at < 0 || at >= length) continue;
          view[at] = 0x80;
          expect(isAllZero(view), `start ${start} length ${length} at ${at}`).toBe(false);
          view[at] = 0;
        }
      }
    }
  });
});

describe('UnitMap and scanUnits', () => {
  it('marks exactly the units that hold a non-zero byte, reading only data extents', async () => {
    const bytes = new Uint8Array(10 * 65536 + 100);
    bytes[65536 * 2 + 5] = 1;
    bytes[65536 * 7] = 2;
    bytes[10 * 65536 + 99] = 3; // in the short last unit
    const map = await scanUnits(new RawDisk(new MemorySource(bytes, 'x.img')), 65536, { chunkSize: 3 * 65536 });
    expect([...map.indexes()]).toEqual([2, 7, 10]);
    expect(map.dataUnits).toBe(3);
    expect(map.unitLength(10)).toBe(100);
  });

  it('readUnits yields only mapped units, zero-padding the last', async () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i % 7) + 1);
    const map = new UnitMap(1024, 5000);
    for (const i of [0, 1, 4]) map.set(i);
    const units = await collect(readUnits(new RawDisk(new MemorySource(bytes, 'x')), map, { maxRead: 1024 }));
    expect(units.map((u) => u.index)).toEqual([0, 1, 4]);
    expect(units[2]!.data.length).toBe(1024);
    expect(units[2]!.data.subarray(0, 904)).toEqual(bytes.subarray(4096));
    expect(units[2]!.data.subarray(904).every((b) => b === 0)).toBe(true);
  });
});

describe('allocation helpers', () => {
  const disk = (extents: DiskExtent[], size: number): VirtualDisk => ({
    name: 'parent',
    format: 'raw',
    subformat: null,
    virtualSize: size,
    blockSize: 512,
    parent: null,
    storedBytes: 0,
    allocation: async function* () {
      yield* extents;
    },
    read: async (_o, l) => new Uint8Array(l),
  });

  it('coalesce merges touching extents of one kind only', async () => {
    const merged = await collect(
      coalesce([
        { offset: 0, length: 10, kind: 'data' },
        { offset: 10, length: 5, kind: 'data' },
        { offset: 15, length: 5, kind: 'zero' },
        { offset: 20, length: 5, kind: 'data' },
      ]),
    );
    expect(merged).toEqual([
      { offset: 0, length: 15, kind: 'data' },
      { offset: 15, length: 5, kind: 'zero' },
      { offset: 20, length: 5, kind: 'data' },
    ]);
  });

  it('layerOver shows the parent through unallocated ranges, and past a smaller parent nothing', async () => {
    const parent = disk(
      [
        { offset: 0, length: 30, kind: 'data' },
        { offset: 30, length: 30, kind: 'unallocated' },
      ],
      60,
    );
    const own = (async function* () {
      yield { offset: 0, length: 10, kind: 'unallocated' as const };
      yield { offset: 10, length: 10, kind: 'zero' as const };
      yield { offset: 20, length: 60, kind: 'unallocated' as const };
    })();
    expect(await collect(layerOver(own, parent, 80))).toEqual([
      { offset: 0, length: 10, kind: 'data' },
      { offset: 10, length: 10, kind: 'zero' },
      { offset: 20, length: 10, kind: 'data' },
      { offset: 30, length: 50, kind: 'unallocated' },
    ]);
  });
});

describeWithTools(['qemu-img', 'truncate'], 'raw reading and writing', () => {
  it('raw → raw is identical for qemu-img and leaves the empty space as holes', async () => {
    const dir = tempDir('raw');
    makeMixedRaw(join(dir, 'in.img'), 64 * MiB);
    await convertFile(join(dir, 'in.img'), join(dir, 'out.img'), 'raw');
    expect(qemuCompare(join(dir, 'in.img'), 'raw', join(dir, 'out.img'), 'raw').status).toBe(0);
    const out = statSync(join(dir, 'out.img'));
    expect(out.size).toBe(64 * MiB);
    // About 5 MiB of the 64 are non-zero; the rest must not occupy disk blocks.
    expect(out.blocks * 512).toBeLessThan(8 * MiB);
  });
});
