import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';
import { hasMagic, readExactly, viewOf } from '../partitions/bytes';
import { FORMAT_BTREE, FORMAT_EXTENTS, type XfsInode } from './xfs-inode';
import { fsBlockOffset, isValidFsBlock, type XfsGeometry } from './xfs-superblock';

/**
 * Where a file's blocks are (libxfs `xfs_format.h`, "Data Extents" in the XFS Algorithms & Data Structures
 * book): packed 128-bit big-endian records of 1 bit unwritten flag, 54 bits file offset, 52 bits filesystem
 * block, 21 bits length. Up to a few dozen fit in the inode (EXTENTS format); more go into a B+tree whose root
 * sits in the inode (BTREE format): `bb_level` u16, `bb_numrecs` u16, then keys and pointers, each array sized
 * for the fork. Tree blocks begin "BMAP" (24-byte header) or, on v5, "BMA3" (72 bytes).
 */
export interface XfsExtent {
  /** In filesystem blocks. */
  fileOffset: number;
  block: bigint;
  length: number;
  /** Preallocated but never written: reads as zeros. */
  unwritten: boolean;
}

const MAX_TREE_DEPTH = 10;

export async function readExtents(device: BlockDevice, geometry: XfsGeometry, inode: XfsInode): Promise<XfsExtent[]> {
  const fail = (what: string) => new VmferryError('corrupt', `XFS inode ${inode.number}: ${what}`, { file: device.name });
  if (inode.format === FORMAT_EXTENTS) {
    if (inode.extentCount * 16 > inode.dataFork.length) throw fail(`${inode.extentCount} extents do not fit in the inode`);
    return checked(parseRecords(inode.dataFork, 0, inode.extentCount), geometry, fail);
  }
  if (inode.format !== FORMAT_BTREE) throw fail(`data fork format ${inode.format} has no extents`);
  const view = viewOf(inode.dataFork);
  const level = view.getUint16(0, false);
  const count = view.getUint16(2, false);
  const maxRecords = Math.floor((inode.dataFork.length - 4) / 16);
  if (level === 0 || level > MAX_TREE_DEPTH || count > maxRecords) throw fail('its extent B+tree root is damaged');
  const extents: XfsExtent[] = [];
  const visited = new Set<bigint>();
  const header = geometry.version === 5 ? 72 : 24;
  const magic = geometry.version === 5 ? 'BMA3' : 'BMAP';
  const walk = async (pointer: bigint, expectedLevel: number): Promise<void> => {
    if (visited.has(pointer) || !isValidFsBlock(geometry, pointer)) throw fail(`its extent B+tree points to block ${pointer} twice or outside the filesystem`);
    visited.add(pointer);
    const block = await readExactly(device, fsBlockOffset(geometry, pointer), geometry.blockSize, 'XFS extent B+tree block');
    const blockView = viewOf(block);
    if (!hasMagic(block, 0, magic)) throw fail(`extent B+tree block ${pointer} has no ${magic} magic`);
    const blockLevel = blockView.getUint16(4, false);
    const records = blockView.getUint16(6, false);
    const fits = Math.floor((geometry.blockSize - header) / 16);
    if (blockLevel !== expectedLevel || records > fits) throw fail(`extent B+tree block ${pointer} is damaged`);
    if (blockLevel === 0) {
      extents.push(...parseRecords(block, header, records));
      if (extents.length > inode.extentCount) throw fail('its extent B+tree holds more extents than the inode says');
      return;
    }
    for (let i = 0; i < records; i++) await walk(blockView.getBigUint64(header + fits * 8 + i * 8, false), blockLevel - 1);
  };
  for (let i = 0; i < count; i++) await walk(view.getBigUint64(4 + maxRecords * 8 + i * 8, false), level - 1);
  return checked(extents, geometry, fail);
}

function parseRecords(bytes: Uint8Array, start: number, count: number): XfsExtent[] {
  const view = viewOf(bytes);
  const extents: XfsExtent[] = [];
  for (let i = 0; i < count; i++) {
    const high = view.getBigUint64(start + i * 16, false);
    const low = view.getBigUint64(start + i * 16 + 8, false);
    extents.push({
      unwritten: high >> 63n === 1n,
      fileOffset: Number((high >> 9n) & ((1n << 54n) - 1n)),
      block: ((high & 0x1ffn) << 43n) | (low >> 21n),
      length: Number(low & 0x1fffffn),
    });
  }
  return extents;
}

/** Extents in file order, inside the filesystem, not overlapping: anything else is corruption. */
function checked(extents: XfsExtent[], geometry: XfsGeometry, fail: (what: string) => VmferryError): XfsExtent[] {
  let end = 0;
  for (const extent of extents) {
    if (extent.fileOffset < end) throw fail('its extents overlap or are out of order');
    if (extent.length === 0 || !isValidFsBlock(geometry, extent.block) || !isValidFsBlock(geometry, extent.block + BigInt(extent.length - 1))) {
      throw fail(`an extent (block ${extent.block}, ${extent.length} blocks) lies outside the filesystem`);
    }
    end = extent.fileOffset + extent.length;
  }
  return extents;
}

/** Bytes [offset, offset+length) of a file mapped by `extents`; holes and unwritten extents read as zeros. */
export async function readMapped(device: BlockDevice, geometry: XfsGeometry, extents: XfsExtent[], offset: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  const end = offset + length;
  for (const extent of extents) {
    const extentStart = extent.fileOffset * geometry.blockSize;
    const extentEnd = extentStart + extent.length * geometry.blockSize;
    const from = Math.max(offset, extentStart);
    const to = Math.min(end, extentEnd);
    if (from >= to || extent.unwritten) continue;
    const bytes = await readExactly(device, fsBlockOffset(geometry, extent.block) + (from - extentStart), to - from, 'XFS file data');
    out.set(bytes, from - offset);
  }
  return out;
}
