import { VmferryError } from '../../errors';
import { crc32cRaw } from '../../io/crc32c';
import { COMPAT, INCOMPAT, READABLE_INCOMPAT, RO_COMPAT, type FeatureSet } from './features';
import { joinHiLo, low32, high32, setU32, u16, u32 } from './little-endian';

/** The primary superblock: 1024 bytes at byte 1024 of the filesystem, whatever the block size (KDOC `super.rst`). */
export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_SIZE = 1024;
export const EXT_MAGIC = 0xef53;

/** s_state bits. */
export const STATE_VALID = 0x1;
export const STATE_ERROR = 0x2;
export const STATE_ORPHANS = 0x4;

const CHECKSUM_AT = 0x3fc;

export interface Superblock extends FeatureSet {
  /** A private copy of the 1024 bytes, the base for rewriting free counts. */
  readonly raw: Uint8Array;
  inodesCount: number;
  blocksCount: number;
  freeBlocks: number;
  firstDataBlock: number;
  blockSize: number;
  blocksPerGroup: number;
  clustersPerGroup: number;
  inodesPerGroup: number;
  state: number;
  revLevel: number;
  firstIno: number;
  inodeSize: number;
  uuid: Uint8Array;
  volumeName: string;
  lastMounted: string;
  journalInum: number;
  lastOrphan: number;
  /** Bytes per group descriptor: 32, or s_desc_size (≥ 64) with the 64bit feature. */
  descSize: number;
  firstMetaBg: number;
  checksumSeedField: number;
  backupGroups: [number, number];
  groupCount: number;
}

/** Whether `bytes` (at least the superblock area) carry the ext2/3/4 magic at 1024 + 0x38. */
export function hasExtMagic(superblock: Uint8Array): boolean {
  return superblock.length >= 0x3a && u16(superblock, 0x38) === EXT_MAGIC;
}

/** Parses and sanity-checks the primary superblock, so nothing later divides by zero or loops on garbage. */
export function parseSuperblock(raw: Uint8Array, deviceName: string): Superblock {
  const at = (offset: number) => ({ file: deviceName, offset: SUPERBLOCK_OFFSET + offset });
  if (raw.length < SUPERBLOCK_SIZE) throw new VmferryError('truncated', 'The device ends inside the ext superblock', at(0));
  if (!hasExtMagic(raw)) throw new VmferryError('unknown-format', 'No ext2/ext3/ext4 superblock (magic 0xEF53 missing at byte 1080)', at(0x38));
  const revLevel = u32(raw, 0x4c);
  const dynamic = revLevel >= 1;
  const features: FeatureSet = dynamic
    ? { compat: u32(raw, 0x5c), incompat: u32(raw, 0x60), roCompat: u32(raw, 0x64) }
    : { compat: 0, incompat: 0, roCompat: 0 };
  const corrupt = (what: string, offset: number) => new VmferryError('corrupt', `ext superblock: ${what}`, at(offset));

  const logBlockSize = u32(raw, 0x18);
  if (logBlockSize > 6) throw corrupt(`block size 2^(10+${logBlockSize}) is impossible`, 0x18);
  const blockSize = 1024 << logBlockSize;
  const is64 = (features.incompat & INCOMPAT.is64bit) !== 0;
  const blocksCount = joinHiLo(u32(raw, 0x4), is64 ? u32(raw, 0x150) : 0);
  const firstDataBlock = u32(raw, 0x14);
  const blocksPerGroup = u32(raw, 0x20);
  const clustersPerGroup = dynamic ? u32(raw, 0x24) || blocksPerGroup : blocksPerGroup;
  const inodesPerGroup = u32(raw, 0x28);
  const inodesCount = u32(raw, 0x0);
  // bigalloc: bitmaps count clusters of 2^(s_log_cluster_size − s_log_block_size) blocks.
  const bigalloc = (features.roCompat & RO_COMPAT.bigalloc) !== 0;
  const clusterRatio = bigalloc ? 2 ** Math.max(0, Math.min(16, u32(raw, 0x1c) - logBlockSize)) : 1;
  if (clustersPerGroup === 0 || clustersPerGroup > 8 * blockSize) throw corrupt(`${clustersPerGroup} clusters per group`, 0x24);
  if (blocksPerGroup === 0 || blocksPerGroup > clustersPerGroup * clusterRatio) throw corrupt(`${blocksPerGroup} blocks per group`, 0x20);
  if (inodesPerGroup === 0 || inodesPerGroup > 8 * blockSize) throw corrupt(`${inodesPerGroup} inodes per group`, 0x28);
  if (firstDataBlock >= blocksCount || firstDataBlock > 1) throw corrupt(`first data block ${firstDataBlock} of ${blocksCount}`, 0x14);
  const inodeSize = dynamic ? u16(raw, 0x58) : 128;
  if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) !== 0) throw corrupt(`inode size ${inodeSize}`, 0x58);
  const descSize = is64 ? u16(raw, 0xfe) : 32;
  if (is64 && (descSize < 64 || descSize > 1024 || (descSize & (descSize - 1)) !== 0)) throw corrupt(`group descriptor size ${descSize}`, 0xfe);
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  if (inodesCount > groupCount * inodesPerGroup) throw corrupt(`${inodesCount} inodes in ${groupCount} groups of ${inodesPerGroup}`, 0x0);
  if (features.incompat & ~READABLE_INCOMPAT) {
    throw new VmferryError('unsupported', `ext superblock: unknown incompatible features 0x${(features.incompat & ~READABLE_INCOMPAT).toString(16)}`, at(0x60));
  }
  return {
    raw: raw.slice(0, SUPERBLOCK_SIZE),
    ...features,
    inodesCount,
    blocksCount,
    freeBlocks: joinHiLo(u32(raw, 0xc), is64 ? u32(raw, 0x158) : 0),
    firstDataBlock,
    blockSize,
    blocksPerGroup,
    clustersPerGroup,
    inodesPerGroup,
    state: u16(raw, 0x3a),
    revLevel,
    firstIno: dynamic ? u32(raw, 0x54) : 11,
    inodeSize,
    uuid: raw.slice(0x68, 0x78),
    volumeName: cString(raw.subarray(0x78, 0x88)),
    lastMounted: cString(raw.subarray(0x88, 0xc8)),
    journalInum: u32(raw, 0xe0),
    lastOrphan: u32(raw, 0xe8),
    descSize,
    firstMetaBg: u32(raw, 0x104),
    checksumSeedField: u32(raw, 0x270),
    backupGroups: [u32(raw, 0x24c), u32(raw, 0x250)],
    groupCount,
  };
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

export const hasMetadataCsum = (sb: FeatureSet) => (sb.roCompat & RO_COMPAT.metadataCsum) !== 0;
export const hasGdtCsum = (sb: FeatureSet) => (sb.roCompat & RO_COMPAT.gdtCsum) !== 0;
export const hasJournal = (sb: FeatureSet) => (sb.compat & COMPAT.hasJournal) !== 0;

/** `s_checksum`: crc32c(~0, superblock[0..0x3FC)) (E2FS csum.c `ext2fs_superblock_csum`; KDOC `checksums.rst`). */
export function superblockChecksum(raw: Uint8Array): number {
  return crc32cRaw(0xffffffff, raw.subarray(0, CHECKSUM_AT));
}

export function storedSuperblockChecksum(raw: Uint8Array): number {
  return u32(raw, CHECKSUM_AT);
}

/**
 * The seed every other metadata_csum checksum starts from: crc32c(~0, uuid), or `s_checksum_seed` when the
 * metadata_csum_seed feature lets the UUID change without rewriting every checksum (E2FS `ext2fs_init_csum_seed`).
 */
export function metadataChecksumSeed(sb: Superblock): number {
  if (sb.incompat & INCOMPAT.csumSeed) return sb.checksumSeedField;
  return crc32cRaw(0xffffffff, sb.uuid);
}

/** The superblock bytes with a new free block count and, under metadata_csum, a fresh checksum. */
export function superblockWithFreeBlocks(sb: Superblock, freeBlocks: number): Uint8Array {
  const raw = sb.raw.slice();
  setU32(raw, 0xc, low32(freeBlocks));
  if (sb.incompat & INCOMPAT.is64bit) setU32(raw, 0x158, high32(freeBlocks));
  if (hasMetadataCsum(sb)) setU32(raw, CHECKSUM_AT, superblockChecksum(raw));
  return raw;
}

/** Which groups hold a superblock backup (and so a descriptor table copy): E2FS `ext2fs_bg_has_super`. */
export function groupHasSuperblock(sb: Superblock, group: number): boolean {
  if (group === 0) return true;
  if (sb.compat & COMPAT.sparseSuper2) return group === sb.backupGroups[0] || group === sb.backupGroups[1];
  if (group <= 1 || !(sb.roCompat & RO_COMPAT.sparseSuper)) return true;
  if (!(group & 1)) return false;
  return isPowerOf(group, 3) || isPowerOf(group, 5) || isPowerOf(group, 7);
}

function isPowerOf(value: number, base: number): boolean {
  let n = value;
  while (n % base === 0) n /= base;
  return n === 1;
}

/** The first block of a group, and how many blocks it has (the last group is usually shorter). */
export function groupFirstBlock(sb: Superblock, group: number): number {
  return sb.firstDataBlock + group * sb.blocksPerGroup;
}

export function blocksInGroup(sb: Superblock, group: number): number {
  return Math.min(sb.blocksPerGroup, sb.blocksCount - groupFirstBlock(sb, group));
}

export function groupOfBlock(sb: Superblock, block: number): number {
  return Math.floor((block - sb.firstDataBlock) / sb.blocksPerGroup);
}
