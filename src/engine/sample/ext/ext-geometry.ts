import { VmferryError } from '../../errors';

/**
 * Where everything of an ext2/ext3 filesystem goes, decided from its size alone (KDOC `overview.rst` "Layout",
 * `super.rst`, `group_descr.rst`): block groups of 8 × block-size blocks, each starting with a superblock and
 * group descriptor copy when it is a backup group, then its block bitmap, inode bitmap and inode table.
 *
 * The choices are those of `mke2fs -t ext2/ext3` for a small filesystem ("small" in mke2fs.conf): 128-byte
 * inodes, no reserved GDT blocks (no resize_inode), the inode count from the bytes-per-inode ratio spread evenly
 * over the groups; checked against dumpe2fs of the same sizes made by mke2fs 1.47.0 (test/engine/sample).
 */
export const INODE_SIZE = 128;
/** 32-byte descriptors: no 64bit feature (KDOC `group_descr.rst`). */
export const GROUP_DESCRIPTOR_SIZE = 32;
/** s_first_ino for revision 1: inodes 1-10 are reserved (KDOC `special_inodes.rst`). */
export const FIRST_INODE = 11;
/** mke2fs leaves out a last group too small for its metadata plus this many blocks. */
const MIN_LAST_GROUP_DATA = 50;

export interface GroupLayout {
  index: number;
  /** First block of the group, and how many blocks it has (the last group may be shorter). */
  start: number;
  blocks: number;
  /** Whether the group holds a superblock and descriptor-table copy (the primary in group 0). */
  hasSuperblock: boolean;
  blockBitmap: number;
  inodeBitmap: number;
  inodeTable: number;
  /** First block after the group's metadata. */
  firstDataBlock: number;
}

export interface ExtGeometry {
  blockSize: number;
  blocksCount: number;
  /** 1 with 1 KiB blocks (block 0 is the boot block, in no group), else 0. */
  firstDataBlock: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  inodesCount: number;
  inodeTableBlocks: number;
  descriptorBlocks: number;
  groups: GroupLayout[];
}

/**
 * sparse_super (KDOC `super.rst`): superblock and descriptor copies only in group 0, group 1 and the groups that
 * are powers of 3, 5 or 7.
 */
export function hasSuperblockCopy(group: number): boolean {
  if (group <= 1) return true;
  for (const base of [3, 5, 7]) {
    let power = base;
    while (power < group) power *= base;
    if (power === group) return true;
  }
  return false;
}

export function planGeometry(sizeBytes: number, blockSize: number, bytesPerInode: number, name: string): ExtGeometry {
  if (![1024, 2048, 4096].includes(blockSize)) throw new VmferryError('usage', `Block size ${blockSize} is not 1024, 2048 or 4096`, { file: name });
  const firstDataBlock = blockSize === 1024 ? 1 : 0;
  const blocksPerGroup = blockSize * 8; // one bitmap block covers the group
  let blocksCount = Math.floor(sizeBytes / blockSize);
  const overhead = (groupCount: number) => {
    const inodesPerGroup = inodesPerGroupFor(blocksCount, blockSize, bytesPerInode, groupCount);
    const inodeTableBlocks = (inodesPerGroup * INODE_SIZE) / blockSize;
    const descriptorBlocks = Math.ceil((groupCount * GROUP_DESCRIPTOR_SIZE) / blockSize);
    return { inodesPerGroup, inodeTableBlocks, descriptorBlocks };
  };
  let groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  const lastBlocks = blocksCount - firstDataBlock - (groupCount - 1) * blocksPerGroup;
  const last = overhead(groupCount);
  const lastMetadata = (hasSuperblockCopy(groupCount - 1) ? 1 + last.descriptorBlocks : 0) + 2 + last.inodeTableBlocks;
  if (groupCount > 1 && lastBlocks < lastMetadata + MIN_LAST_GROUP_DATA) {
    groupCount--;
    blocksCount = firstDataBlock + groupCount * blocksPerGroup;
  }
  const { inodesPerGroup, inodeTableBlocks, descriptorBlocks } = overhead(groupCount);
  if (inodesPerGroup <= FIRST_INODE) throw new VmferryError('usage', `A ${sizeBytes}-byte filesystem is too small`, { file: name });

  const groups: GroupLayout[] = [];
  for (let index = 0; index < groupCount; index++) {
    const start = firstDataBlock + index * blocksPerGroup;
    const hasSuperblock = hasSuperblockCopy(index);
    const blockBitmap = start + (hasSuperblock ? 1 + descriptorBlocks : 0);
    groups.push({
      index,
      start,
      blocks: Math.min(blocksPerGroup, blocksCount - start),
      hasSuperblock,
      blockBitmap,
      inodeBitmap: blockBitmap + 1,
      inodeTable: blockBitmap + 2,
      firstDataBlock: blockBitmap + 2 + inodeTableBlocks,
    });
    if (groups[index]!.firstDataBlock > start + groups[index]!.blocks) {
      throw new VmferryError('usage', `Group ${index} of a ${sizeBytes}-byte filesystem cannot hold its own metadata`, { file: name });
    }
  }
  return {
    blockSize,
    blocksCount,
    firstDataBlock,
    blocksPerGroup,
    inodesPerGroup,
    inodesCount: inodesPerGroup * groupCount,
    inodeTableBlocks,
    descriptorBlocks,
    groups,
  };
}

/**
 * One inode per `bytesPerInode` of the filesystem, spread evenly over the groups, rounded up to fill whole inode
 * table blocks (a multiple of 8 too, for the bitmap), at most one bitmap block's worth.
 */
function inodesPerGroupFor(blocksCount: number, blockSize: number, bytesPerInode: number, groupCount: number): number {
  const inodes = Math.floor((blocksCount * blockSize) / bytesPerInode);
  const perBlock = blockSize / INODE_SIZE;
  const unit = Math.max(8, perBlock);
  const perGroup = Math.ceil(Math.ceil(inodes / groupCount) / unit) * unit;
  return Math.min(perGroup, blockSize * 8);
}
