import { crc32cRaw } from '../../io/crc32c';
import type { BlockIo } from './block-io';
import { crc16 } from './crc16';
import { INCOMPAT } from './features';
import { joinHiLo, le32Bytes, setU16, u16, u32 } from './little-endian';
import { groupFirstBlock, groupHasSuperblock, hasGdtCsum, hasMetadataCsum, type Superblock } from './superblock';

/** bg_flags (KDOC `group_descr.rst`): a BLOCK_UNINIT group's bitmap is not on disk, so we never allocate there. */
export const BG_BLOCK_UNINIT = 0x2;

const CHECKSUM_AT = 0x1e;
/** bg_block_bitmap_csum_hi exists when the descriptor reaches past it (EXT4_BG_BLOCK_BITMAP_CSUM_HI_LOCATION). */
const BLOCK_BITMAP_CSUM_HI_END = 0x3a;

export interface GroupDescriptor {
  group: number;
  /** A private copy of the descriptor's `descSize` bytes. */
  raw: Uint8Array;
  /** Where the primary copy lives on the device. */
  deviceOffset: number;
  blockBitmap: number;
  inodeBitmap: number;
  inodeTable: number;
  freeBlocks: number;
  flags: number;
  checksum: number;
  blockBitmapChecksum: number;
}

/**
 * The block holding descriptor block `index` of the primary table. Without meta_bg (or below s_first_meta_bg)
 * the table follows the superblock; with meta_bg, descriptor block i sits at the start of group
 * i × descriptors-per-block, after that group's superblock backup if it has one (E2FS `ext2fs_descriptor_block_loc2`).
 */
export function descriptorBlockNumber(sb: Superblock, index: number): number {
  if (!(sb.incompat & INCOMPAT.metaBg) || index < sb.firstMetaBg) return sb.firstDataBlock + 1 + index;
  const group = index * descriptorsPerBlock(sb);
  return groupFirstBlock(sb, group) + (groupHasSuperblock(sb, group) ? 1 : 0);
}

export function descriptorsPerBlock(sb: Superblock): number {
  return sb.blockSize / sb.descSize;
}

export function parseGroupDescriptor(sb: Superblock, group: number, raw: Uint8Array, deviceOffset: number): GroupDescriptor {
  const wide = (sb.incompat & INCOMPAT.is64bit) !== 0 && sb.descSize >= 64;
  const hi32 = (at: number) => (wide ? u32(raw, at) : 0);
  const hi16 = (at: number) => (wide ? u16(raw, at) : 0);
  return {
    group,
    raw,
    deviceOffset,
    blockBitmap: joinHiLo(u32(raw, 0x0), hi32(0x20)),
    inodeBitmap: joinHiLo(u32(raw, 0x4), hi32(0x24)),
    inodeTable: joinHiLo(u32(raw, 0x8), hi32(0x28)),
    freeBlocks: u16(raw, 0xc) + hi16(0x2c) * 0x10000,
    flags: u16(raw, 0x12),
    checksum: u16(raw, CHECKSUM_AT),
    blockBitmapChecksum: u16(raw, 0x18) + (sb.descSize >= BLOCK_BITMAP_CSUM_HI_END ? u16(raw, 0x38) * 0x10000 : 0),
  };
}

/** Reads the primary descriptor table, block by block, wherever meta_bg puts each block. */
export async function readGroupDescriptors(io: BlockIo, sb: Superblock): Promise<GroupDescriptor[]> {
  const perBlock = descriptorsPerBlock(sb);
  const descriptors: GroupDescriptor[] = [];
  for (let index = 0; index * perBlock < sb.groupCount; index++) {
    const blockNumber = descriptorBlockNumber(sb, index);
    const block = await io.block(blockNumber, `group descriptor block ${index}`);
    for (let slot = 0; slot < perBlock && descriptors.length < sb.groupCount; slot++) {
      const at = slot * sb.descSize;
      const group = index * perBlock + slot;
      const descriptor = parseGroupDescriptor(sb, group, block.slice(at, at + sb.descSize), blockNumber * sb.blockSize + at);
      checkDescriptorPlacement(io, sb, descriptor);
      descriptors.push(descriptor);
    }
  }
  return descriptors;
}

function checkDescriptorPlacement(io: BlockIo, sb: Superblock, d: GroupDescriptor): void {
  const inodeTableBlocks = Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize);
  const uninitBlocks = hasChecksums(sb) && d.flags & BG_BLOCK_UNINIT;
  if (!uninitBlocks) io.checkRange(d.blockBitmap, 1, `group ${d.group}'s block bitmap`);
  io.checkRange(d.inodeBitmap, 1, `group ${d.group}'s inode bitmap`);
  io.checkRange(d.inodeTable, inodeTableBlocks, `group ${d.group}'s inode table`);
}

export function hasChecksums(sb: Superblock): boolean {
  return hasMetadataCsum(sb) || hasGdtCsum(sb);
}

/**
 * bg_checksum. metadata_csum: crc32c(seed, le32 group ‖ descriptor with bg_checksum zeroed) & 0xFFFF.
 * gdt_csum: crc16(~0, uuid ‖ le32 group ‖ descriptor without its checksum field) (E2FS `ext2fs_group_desc_csum`).
 */
export function groupDescriptorChecksum(sb: Superblock, seed: number, group: number, raw: Uint8Array): number {
  if (hasMetadataCsum(sb)) {
    const zeroed = raw.slice();
    setU16(zeroed, CHECKSUM_AT, 0);
    return crc32cRaw(crc32cRaw(seed, le32Bytes(group)), zeroed) & 0xffff;
  }
  let crc = crc16(0xffff, sb.uuid);
  crc = crc16(crc, le32Bytes(group));
  crc = crc16(crc, raw.subarray(0, CHECKSUM_AT));
  return crc16(crc, raw.subarray(CHECKSUM_AT + 2));
}

/** Why a descriptor's checksum is wrong, or null when it verifies (or the filesystem has none). */
export function groupDescriptorChecksumProblem(sb: Superblock, seed: number, d: GroupDescriptor): string | null {
  if (!hasChecksums(sb)) return null;
  const expected = groupDescriptorChecksum(sb, seed, d.group, d.raw);
  if (expected === d.checksum) return null;
  return `group descriptor ${d.group} checksum is 0x${hex4(d.checksum)}, computed 0x${hex4(expected)}`;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** A descriptor's bytes with a new free block count and block bitmap checksum, checksummed again. */
export function descriptorWithBlockChanges(sb: Superblock, seed: number, d: GroupDescriptor, freeBlocks: number, bitmapChecksum: number): Uint8Array {
  const raw = d.raw.slice();
  const wide = (sb.incompat & INCOMPAT.is64bit) !== 0 && sb.descSize >= 64;
  setU16(raw, 0xc, freeBlocks & 0xffff);
  if (wide) setU16(raw, 0x2c, Math.floor(freeBlocks / 0x10000));
  if (hasMetadataCsum(sb)) {
    setU16(raw, 0x18, bitmapChecksum & 0xffff);
    if (sb.descSize >= BLOCK_BITMAP_CSUM_HI_END) setU16(raw, 0x38, bitmapChecksum >>> 16);
  }
  if (hasChecksums(sb)) setU16(raw, CHECKSUM_AT, groupDescriptorChecksum(sb, seed, d.group, raw));
  return raw;
}
