import { describe, expect, it } from 'vitest';
import { OverlayDisk } from '../../../src/engine/disk/overlay';
import { RawDisk } from '../../../src/engine/disk/raw/raw-disk';
import { MemorySource } from '../../../src/engine/io/memory-source';
import type { DiskExtent, VirtualDisk } from '../../../src/engine/disk/virtual-disk';

const collect = async (items: AsyncIterable<DiskExtent>) => {
  const out: DiskExtent[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/** A base whose first half is data and second half unallocated, like a sparse image. */
function halfAllocated(bytes: Uint8Array): VirtualDisk {
  const raw = new RawDisk(new MemorySource(bytes, 'base.img'));
  return Object.assign(Object.create(raw) as VirtualDisk, {
    allocation: async function* () {
      yield { offset: 0, length: bytes.length / 2, kind: 'data' as const };
      yield { offset: bytes.length / 2, length: bytes.length / 2, kind: 'unallocated' as const };
    },
  });
}

describe('OverlayDisk', () => {
  it('reads writes back over the base, across page boundaries, without touching the base', async () => {
    const base = Uint8Array.from({ length: 32768 }, (_, i) => i & 0xff);
    const original = base.slice();
    const overlay = new OverlayDisk(new RawDisk(new MemorySource(base, 'base.img')));
    await overlay.write(4090, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    expect(base).toEqual(original);
    const expected = original.slice();
    expected.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4090);
    expect(await overlay.read(0, 32768)).toEqual(expected);
    expect(await overlay.read(4095, 3)).toEqual(Uint8Array.of(6, 7, 8));
    expect(overlay.changedPages()).toEqual([0, 4096]);
    expect(overlay.changedBytes).toBe(8192);
  });

  it('refuses writes outside the disk', async () => {
    const overlay = new OverlayDisk(new RawDisk(new MemorySource(new Uint8Array(8192), 'base.img')));
    await expect(overlay.write(8190, new Uint8Array(4))).rejects.toThrow(/outside the 8192-byte disk/);
  });

  it('counts changed pages as data in the allocation, even inside unallocated space', async () => {
    const overlay = new OverlayDisk(halfAllocated(new Uint8Array(65536)));
    await overlay.write(40960 + 10, Uint8Array.of(1));
    await overlay.write(65536 - 1, Uint8Array.of(2));
    expect(await collect(overlay.allocation())).toEqual([
      { offset: 0, length: 32768, kind: 'data' },
      { offset: 32768, length: 8192, kind: 'unallocated' },
      { offset: 40960, length: 4096, kind: 'data' },
      { offset: 45056, length: 16384, kind: 'unallocated' },
      { offset: 61440, length: 4096, kind: 'data' },
    ]);
  });
});
