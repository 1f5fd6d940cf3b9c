import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../../../src/engine/io/memory-source';
import type { BlockDevice } from '../../../../src/engine/guest/block-device';
import { BlockIo } from '../../../../src/engine/guest/ext/block-io';
import { blockMapCapacity, blockMapNodeKeys, blockMapPath, encodeBlockMap, readBlockMap } from '../../../../src/engine/guest/ext/block-map';
import { crc16 } from '../../../../src/engine/guest/ext/crc16';
import { dxCountOffset, parseDirectoryEntries } from '../../../../src/engine/guest/ext/directory';
import {
  encodeExtentTree,
  extentBlockChecksumProblem,
  extentsOf,
  extentTreeNodeCount,
  readExtentTree,
  sealExtentBlock,
} from '../../../../src/engine/guest/ext/extent-tree';
import { featureNames } from '../../../../src/engine/guest/ext/features';
import type { MappedRun } from '../../../../src/engine/guest/ext/file-mapping';
import { findClearBit } from '../../../../src/engine/guest/ext/bitmaps';

/** Unit checks of the pure pieces; the oracle tests (ext-read, ext-write) judge them against e2fsprogs. */

function memoryDevice(bytes: Uint8Array): BlockDevice {
  const source = new MemorySource(bytes, 'memory.img');
  return { name: 'memory.img', size: bytes.length, read: (o, l) => source.read(o, l), write: async (o, b) => void bytes.set(b, o) };
}

describe('crc16 (gdt_csum)', () => {
  it('is CRC-16/ARC from 0 and CRC-16/MODBUS from 0xFFFF', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc16(0, check)).toBe(0xbb3d);
    expect(crc16(0xffff, check)).toBe(0x4b37);
    expect(crc16(crc16(0xffff, check.subarray(0, 4)), check.subarray(4))).toBe(0x4b37);
  });
});

describe('feature names', () => {
  it('are e2fsprogs names in compat, incompat, ro_compat order, unknown bits named by class and bit', () => {
    expect(featureNames({ compat: 0x3c, incompat: 0x2c2, roCompat: 0x46b })).toEqual([
      'has_journal', 'ext_attr', 'resize_inode', 'dir_index', 'filetype', 'extent', '64bit', 'flex_bg',
      'sparse_super', 'large_file', 'huge_file', 'dir_nlink', 'extra_isize', 'metadata_csum',
    ]);
    expect(featureNames({ compat: 0, incompat: 0x80000000, roCompat: 0 })).toEqual(['FEATURE_I31']);
  });
});

describe('block map layout', () => {
  const p = 256; // 1 KiB blocks
  it('finds the indirect blocks and slots on the way to a logical block', () => {
    expect(blockMapPath(11, p)).toEqual({ nodes: [], slots: [11] });
    expect(blockMapPath(12, p)).toEqual({ nodes: ['1'], slots: [12, 0] });
    expect(blockMapPath(12 + 255, p)).toEqual({ nodes: ['1'], slots: [12, 255] });
    expect(blockMapPath(12 + 256, p)).toEqual({ nodes: ['2', '2.0'], slots: [13, 0, 0] });
    expect(blockMapPath(12 + 256 + 257, p)).toEqual({ nodes: ['2', '2.1'], slots: [13, 1, 1] });
    expect(blockMapPath(12 + 256 + 65536, p)).toEqual({ nodes: ['3', '3.0', '3.0.0'], slots: [14, 0, 0, 0] });
    expect(blockMapPath(blockMapCapacity(p) - 1, p)).toEqual({ nodes: ['3', '3.255', '3.255.255'], slots: [14, 255, 255, 255] });
    expect(() => blockMapPath(blockMapCapacity(p), p)).toThrow(/beyond what a block map can address/);
  });

  it('lists the indirect blocks a dense file needs', () => {
    expect(blockMapNodeKeys(12, p)).toEqual([]);
    expect(blockMapNodeKeys(13, p)).toEqual(['1']);
    expect(blockMapNodeKeys(12 + 256 + 1, p)).toEqual(['1', '2', '2.0']);
    expect(blockMapNodeKeys(12 + 256 + 256 * 3, p)).toEqual(['1', '2', '2.0', '2.1', '2.2']);
    expect(blockMapNodeKeys(12 + 256 + 65536 + 1, p)).toHaveLength(1 + 1 + 256 + 3);
  });

  it('encodes a map that the reader walks back', async () => {
    const blockSize = 1024;
    const count = 12 + 256 + 300;
    const disk = new Uint8Array(4000 * blockSize);
    const physical = Array.from({ length: count }, (_, i) => 1000 + i * 2);
    const nodes = new Map(blockMapNodeKeys(count, 256).map((key, i) => [key, 10 + i]));
    const encoded = encodeBlockMap(physical, nodes, blockSize);
    for (const { block, bytes } of encoded.blocks) disk.set(bytes, block * blockSize);
    const io = new BlockIo(memoryDevice(disk), blockSize, 4000);
    const tree = await readBlockMap(encoded.blockArea, { io, inodeNumber: 12, logicalLimit: Infinity, blockBudget: count + nodes.size });
    expect(tree.runs).toHaveLength(count);
    expect(tree.runs.map((run) => run.physical)).toEqual(physical);
    expect(new Set(tree.mappingBlocks)).toEqual(new Set(nodes.values()));
    await expect(readBlockMap(encoded.blockArea, { io, inodeNumber: 12, logicalLimit: Infinity, blockBudget: count })).rejects.toThrow(/more blocks than the inode's i_blocks/);
  });
});

describe('extent tree layout', () => {
  it('counts the node blocks of a packed tree', () => {
    expect(extentTreeNodeCount(0, 1024)).toBe(0);
    expect(extentTreeNodeCount(4, 1024)).toBe(0);
    expect(extentTreeNodeCount(5, 1024)).toBe(1);
    expect(extentTreeNodeCount(4 * 84, 1024)).toBe(4);
    expect(extentTreeNodeCount(4 * 84 + 1, 1024)).toBe(5 + 1);
    expect(extentTreeNodeCount(340 * 4, 4096)).toBe(4);
  });

  it('splits runs longer than 32768 blocks', () => {
    expect(extentsOf([{ logical: 0, physical: 100, length: 70000, initialized: true }]).map((e) => e.length)).toEqual([32768, 32768, 4464]);
  });

  it('encodes a depth-2 tree with checksum tails that the reader walks back', async () => {
    const blockSize = 1024;
    const extents: MappedRun[] = Array.from({ length: 1000 }, (_, i) => ({ logical: i * 3, physical: 5000 + i * 4, length: 2 + (i % 2), initialized: i % 7 !== 0 }));
    const count = extentTreeNodeCount(extents.length, blockSize);
    const nodeBlocks = Array.from({ length: count }, (_, i) => 100 + i);
    const seed = 0x12345678;
    const tree = encodeExtentTree(extents, nodeBlocks, blockSize, 0, (block) => sealExtentBlock(seed, block));
    expect(tree.root[6]).toBe(2); // depth
    const disk = new Uint8Array(10000 * blockSize);
    for (const { block, bytes } of tree.nodes) {
      expect(extentBlockChecksumProblem(seed, bytes, block, 12)).toBeNull();
      disk.set(bytes, block * blockSize);
    }
    const io = new BlockIo(memoryDevice(disk), blockSize, 10000);
    const problems: string[] = [];
    const read = await readExtentTree(tree.root, {
      io,
      inodeNumber: 12,
      logicalLimit: Infinity,
      blockBudget: 1e9,
      verifyNode: (block, bytes) => void (extentBlockChecksumProblem(seed, bytes, block, 12) && problems.push(String(block))),
    });
    expect(read.runs).toEqual(extents);
    expect(read.mappingBlocks.sort((a, b) => a - b)).toEqual(nodeBlocks);
    expect(problems).toEqual([]);
    // Stops at the logical limit without walking the rest.
    const head = await readExtentTree(tree.root, { io, inodeNumber: 12, logicalLimit: 30, blockBudget: 1e9 });
    expect(head.runs).toEqual(extents.slice(0, 10));
  });

  it('refuses a tree whose node reaches itself', async () => {
    const blockSize = 1024;
    const extents: MappedRun[] = Array.from({ length: 400 }, (_, i) => ({ logical: i * 2, physical: 5000 + i * 2, length: 1, initialized: true }));
    const nodeBlocks = Array.from({ length: extentTreeNodeCount(400, blockSize) }, (_, i) => 100 + i);
    const tree = encodeExtentTree(extents, nodeBlocks, blockSize, 0, null);
    const disk = new Uint8Array(6000 * blockSize);
    for (const { block, bytes } of tree.nodes) disk.set(bytes, block * blockSize);
    const top = tree.nodes[tree.nodes.length - 1]!.block; // the index node the root points at
    disk.set([top & 0xff, top >> 8, 0, 0], top * blockSize + 12 + 4); // its first child pointer → itself
    const io = new BlockIo(memoryDevice(disk), blockSize, 6000);
    await expect(readExtentTree(tree.root, { io, inodeNumber: 12, logicalLimit: Infinity, blockBudget: 1e9 })).rejects.toMatchObject({ code: 'corrupt' });
  });
});

describe('directory entries', () => {
  const parse = { hasFileType: true, blockSize: 1024, where: 'test directory', deviceName: 'memory.img' };

  it('rejects a rec_len that is too short, unaligned or runs past the block', () => {
    for (const recLen of [4, 13, 2000]) {
      const block = new Uint8Array(1024);
      block.set([12, 0, 0, 0, recLen & 0xff, recLen >> 8, 1, 2, 0x61]);
      expect(() => parseDirectoryEntries(block, parse)).toThrow(/directory entry at byte 0 has rec_len/);
    }
  });

  it('finds the htree count/limit of a root and an interior node', () => {
    const root = new Uint8Array(1024);
    root.set([2, 0, 0, 0, 12, 0, 1, 2, 0x2e]);
    root.set([2, 0, 0, 0, 0x10 - 12 + 0xf0, 0x03, 2, 2, 0x2e, 0x2e], 12); // rec_len 1012
    root[24 + 5] = 8; // dx_root_info.info_length
    expect(dxCountOffset(root)).toBe(32);
    const node = new Uint8Array(1024);
    node.set([0, 0, 0, 0, 0x00, 0x04]); // inode 0, rec_len 1024
    expect(dxCountOffset(node)).toBe(8);
    expect(parseDirectoryEntries(node, parse)).toEqual([]);
  });
});

describe('bitmaps', () => {
  it('finds the first clear bit, skipping full bytes', () => {
    const bitmap = new Uint8Array(8).fill(0xff);
    bitmap[5] = 0b1110_1111;
    expect(findClearBit(bitmap, 0, 64)).toBe(44);
    expect(findClearBit(bitmap, 45, 64)).toBe(-1);
    expect(findClearBit(bitmap, 0, 44)).toBe(-1);
  });
});
