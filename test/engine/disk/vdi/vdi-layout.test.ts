import { describe, expect, it } from 'vitest';
import { openVdi } from '../../../../src/engine/disk/vdi/vdi-disk';
import { BLOCK_FREE, BLOCK_ZERO, buildVdiHeader } from '../../../../src/engine/disk/vdi/vdi-header';
import { MemorySource } from '../../../../src/engine/io/memory-source';

/**
 * Layout facts qemu-img cannot make for us: VirtualBox's per-block extra bytes ("block extra", prepended to every
 * stored block), small blocks, blocks stored out of guest order, and a disk that ends inside its last block.
 */
describe('VDI layout details', () => {
  it('honours block extra bytes, out-of-order blocks, zero and free blocks and a short last block', async () => {
    const blockSize = 4096;
    const extra = 512;
    const diskSize = 3 * blockSize + 1000;
    const map = [1, BLOCK_ZERO, BLOCK_FREE, 2]; // stored block 0 is referenced by nobody
    const blockMapOffset = 512;
    const dataOffset = 1024;
    const header = buildVdiHeader({ diskSize, blockSize, blockCount: 4, blocksAllocated: 3, blockMapOffset, dataOffset });
    new DataView(header.buffer).setUint32(380, extra, true);
    const stored = (n: number) => dataOffset + n * (extra + blockSize) + extra;
    const file = new Uint8Array(stored(2) + 1000); // the last stored block ends with the disk
    file.set(header);
    const view = new DataView(file.buffer);
    map.forEach((entry, i) => view.setUint32(blockMapOffset + i * 4, entry, true));
    file.fill(0xee, dataOffset, stored(1)); // extra bytes and the unreferenced block must never show
    file.fill(0xee, stored(1) - extra, stored(1));
    file.fill(0xa0, stored(1), stored(1) + blockSize); // guest block 0
    file.fill(0xee, stored(2) - extra, stored(2));
    file.fill(0xb3, stored(2), stored(2) + 1000); // guest block 3: only 1000 bytes are on the disk

    const open = (bytes: Uint8Array) => openVdi(new MemorySource(bytes, 'x.vdi'), { find: async () => null });
    await expect(open(file.subarray(0, file.length - 1))).rejects.toThrow(/block map entry 3 points to stored block 2/);
    const whole = await open(file);
    expect(whole.virtualSize).toBe(diskSize);
    const all = await whole.read(0, diskSize);
    expect(all.subarray(0, blockSize).every((b) => b === 0xa0)).toBe(true);
    expect(all.subarray(blockSize, 3 * blockSize).every((b) => b === 0)).toBe(true);
    expect(all.subarray(3 * blockSize).every((b) => b === 0xb3)).toBe(true);
    const extents = [];
    for await (const extent of whole.allocation()) extents.push(extent);
    expect(extents).toEqual([
      { offset: 0, length: blockSize, kind: 'data' },
      { offset: blockSize, length: blockSize, kind: 'zero' },
      { offset: 2 * blockSize, length: blockSize, kind: 'unallocated' },
      { offset: 3 * blockSize, length: 1000, kind: 'data' },
    ]);
  });
});
