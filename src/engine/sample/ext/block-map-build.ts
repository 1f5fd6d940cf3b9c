import { VmferryError } from '../../errors';

/**
 * The ext2/ext3 block map (KDOC `blockmap.rst`): i_block[0..11] point at the first twelve data blocks,
 * i_block[12] at a single-indirect block of pointers, i_block[13] at a double-indirect block of pointers to
 * single-indirect blocks. Triple indirection (i_block[14]) is not needed here: with 1 KiB blocks double
 * indirection already reaches 64 MiB, and the largest file of a sample is its 4 MiB journal.
 *
 * Blocks are taken in the order the kernel's and mke2fs's allocators lay them out: each indirect block just
 * before the data it maps, so a file stays one contiguous run.
 */
const DIRECT = 12;
const SINGLE = 12;
const DOUBLE = 13;

export interface IndirectBlock {
  block: number;
  pointers: Uint32Array;
}

export interface BlockMap {
  iBlock: Uint32Array;
  /** Physical block of each logical block, in order. */
  data: number[];
  /** Pointer blocks to write (little-endian u32s, zero-padded). */
  indirect: IndirectBlock[];
}

export function mapBlocks(count: number, blockSize: number, allocate: () => number, name: string): BlockMap {
  const perBlock = blockSize / 4;
  if (count > DIRECT + perBlock + perBlock * perBlock) {
    throw new VmferryError('unsupported', `A file of ${count} blocks would need triple-indirect blocks`, { file: name });
  }
  const iBlock = new Uint32Array(15);
  const data: number[] = [];
  const indirect: IndirectBlock[] = [];
  const takeData = (n: number, into: Uint32Array) => {
    for (let i = 0; i < n; i++) {
      const block = allocate();
      into[i] = block;
      data.push(block);
    }
  };
  const single = (n: number): number => {
    const pointers = new Uint32Array(perBlock);
    const block = allocate();
    indirect.push({ block, pointers });
    takeData(n, pointers);
    return block;
  };

  takeData(Math.min(count, DIRECT), iBlock);
  let left = count - DIRECT;
  if (left > 0) {
    iBlock[SINGLE] = single(Math.min(left, perBlock));
    left -= perBlock;
  }
  if (left > 0) {
    const pointers = new Uint32Array(perBlock);
    iBlock[DOUBLE] = allocate();
    indirect.push({ block: iBlock[DOUBLE], pointers });
    for (let i = 0; left > 0; i++, left -= perBlock) pointers[i] = single(Math.min(left, perBlock));
  }
  return { iBlock, data, indirect };
}

export function pointerBlock(pointers: Uint32Array, blockSize: number): Uint8Array {
  const bytes = new Uint8Array(blockSize);
  const view = new DataView(bytes.buffer);
  pointers.forEach((pointer, i) => view.setUint32(i * 4, pointer, true));
  return bytes;
}
