import { VmferryError } from '../../errors';
import { crc32cRaw } from '../../io/crc32c';
import { RO_COMPAT } from './features';
import type { GroupDescriptor } from './group-descriptors';
import { joinHiLo, le32Bytes, low32, high32, setU16, setU32, u16, u32 } from './little-endian';
import { hasMetadataCsum, type Superblock } from './superblock';

/** File type bits of i_mode. */
export const S_IFMT = 0xf000;
export const S_IFREG = 0x8000;
export const S_IFDIR = 0x4000;
export const S_IFLNK = 0xa000;

/** i_flags (KDOC `inodes.rst`, E2FS ext2_fs.h). */
export const INODE_FLAG = {
  compressed: 0x4,
  immutable: 0x10,
  appendOnly: 0x20,
  compressedBlocks: 0x200,
  encrypt: 0x800,
  index: 0x1000,
  hugeFile: 0x40000,
  extents: 0x80000,
  verity: 0x100000,
  eaInode: 0x200000,
  inlineData: 0x10000000,
  casefold: 0x40000000,
} as const;

export const ROOT_INODE = 2;
const GOOD_OLD_INODE_SIZE = 128;
const CHECKSUM_LO_AT = 0x7c;
const CHECKSUM_HI_AT = 0x82;

export interface ExtInode {
  number: number;
  /** A private copy of the whole on-disk inode (s_inode_size bytes, extra fields and in-inode xattrs included). */
  raw: Uint8Array;
  deviceOffset: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linksCount: number;
  /** Blocks the inode owns (data, mapping and xattr blocks), in filesystem blocks. */
  allocatedBlocks: number;
  flags: number;
  generation: number;
  /** The external xattr block, or 0. */
  fileAcl: number;
  /** i_extra_isize: how much of the bytes past 128 are fields (0 for 128-byte inodes). */
  extraIsize: number;
  atime: number;
  ctime: number;
  mtime: number;
  /** i_block: the 60 bytes holding the extent root, the block map, a fast symlink or inline data. */
  blockArea: Uint8Array;
}

export function inodeType(mode: number): 'file' | 'directory' | 'symlink' | 'other' {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return 'file';
    case S_IFDIR:
      return 'directory';
    case S_IFLNK:
      return 'symlink';
    default:
      return 'other';
  }
}

/** Where inode `number` lives: its group's inode table (found through the descriptor, never by position). */
export function inodeDeviceOffset(sb: Superblock, descriptors: readonly GroupDescriptor[], number: number, deviceName: string): number {
  if (!Number.isSafeInteger(number) || number < 1 || number > sb.inodesCount) {
    throw new VmferryError('corrupt', `ext: inode ${number} does not exist (the filesystem has ${sb.inodesCount})`, { file: deviceName });
  }
  const group = Math.floor((number - 1) / sb.inodesPerGroup);
  const index = (number - 1) % sb.inodesPerGroup;
  const descriptor = descriptors[group];
  if (!descriptor) throw new VmferryError('corrupt', `ext: inode ${number} is in group ${group}, which has no descriptor`, { file: deviceName });
  return descriptor.inodeTable * sb.blockSize + index * sb.inodeSize;
}

export function parseInode(sb: Superblock, number: number, raw: Uint8Array, deviceOffset: number): ExtInode {
  const flags = u32(raw, 0x20);
  const extraIsize = sb.inodeSize > GOOD_OLD_INODE_SIZE ? u16(raw, 0x80) : 0;
  const hugeFeature = (sb.roCompat & RO_COMPAT.hugeFile) !== 0;
  const blocks = joinHiLo(u32(raw, 0x1c), hugeFeature ? u16(raw, 0x74) : 0);
  // i_blocks counts 512-byte units, or filesystem blocks for a HUGE_FILE inode (KDOC `inodes.rst`).
  const allocatedBlocks = hugeFeature && flags & INODE_FLAG.hugeFile ? blocks : Math.floor((blocks * 512) / sb.blockSize);
  return {
    number,
    raw,
    deviceOffset,
    mode: u16(raw, 0x0),
    uid: u16(raw, 0x2) + u16(raw, 0x78) * 0x10000,
    gid: u16(raw, 0x18) + u16(raw, 0x7a) * 0x10000,
    size: joinHiLo(u32(raw, 0x4), u32(raw, 0x6c)),
    linksCount: u16(raw, 0x1a),
    allocatedBlocks,
    flags,
    generation: u32(raw, 0x64),
    fileAcl: joinHiLo(u32(raw, 0x68), u16(raw, 0x76)),
    extraIsize,
    atime: u32(raw, 0x8),
    ctime: u32(raw, 0xc),
    mtime: u32(raw, 0x10),
    blockArea: raw.subarray(0x28, 0x28 + 60),
  };
}

/** The checksum's high half exists only in large inodes whose extra fields reach it (EXT4_INODE_CSUM_HI_EXTRA_END). */
function hasChecksumHi(sb: Superblock, raw: Uint8Array): boolean {
  return sb.inodeSize > GOOD_OLD_INODE_SIZE && u16(raw, 0x80) >= 4;
}

/** The per-inode seed: crc32c(seed, le32 inode ‖ le32 generation); extent blocks and directory blocks start from it too. */
export function inodeChecksumSeed(seed: number, number: number, generation: number): number {
  return crc32cRaw(crc32cRaw(seed, le32Bytes(number)), le32Bytes(generation));
}

/** crc32c over the whole inode with both checksum fields zeroed (E2FS csum.c `ext2fs_inode_csum`). */
export function inodeChecksum(sb: Superblock, seed: number, number: number, raw: Uint8Array): number {
  const zeroed = raw.slice(0, sb.inodeSize);
  setU16(zeroed, CHECKSUM_LO_AT, 0);
  const hi = hasChecksumHi(sb, raw);
  if (hi) setU16(zeroed, CHECKSUM_HI_AT, 0);
  const crc = crc32cRaw(inodeChecksumSeed(seed, number, u32(raw, 0x64)), zeroed);
  return hi ? crc : crc & 0xffff;
}

export function storedInodeChecksum(sb: Superblock, raw: Uint8Array): number {
  return u16(raw, CHECKSUM_LO_AT) + (hasChecksumHi(sb, raw) ? u16(raw, CHECKSUM_HI_AT) * 0x10000 : 0);
}

/** Why inode `number`'s checksum is wrong, or null when it verifies (or the filesystem has no metadata_csum). */
export function inodeChecksumProblem(sb: Superblock, seed: number, inode: ExtInode): string | null {
  if (!hasMetadataCsum(sb)) return null;
  const stored = storedInodeChecksum(sb, inode.raw);
  const computed = inodeChecksum(sb, seed, inode.number, inode.raw);
  return stored === computed ? null : `inode ${inode.number} checksum is 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`;
}

export interface InodeChanges {
  size: number;
  allocatedBlocksDelta: number;
  blockArea: Uint8Array;
  /** Seconds since the epoch, with nanoseconds for the extra timestamp fields. */
  seconds: number;
  nanoseconds: number;
}

/**
 * The inode's new bytes: size, i_blocks, i_block, mtime and ctime changed, everything else (owner, mode, links,
 * flags, xattrs in the inode) kept byte for byte, and the checksum recomputed.
 */
export function inodeWithChanges(sb: Superblock, seed: number, inode: ExtInode, changes: InodeChanges): Uint8Array {
  const raw = inode.raw.slice();
  setU32(raw, 0x4, low32(changes.size));
  setU32(raw, 0x6c, high32(changes.size));
  const hugeFeature = (sb.roCompat & RO_COMPAT.hugeFile) !== 0;
  const units = joinHiLo(u32(raw, 0x1c), hugeFeature ? u16(raw, 0x74) : 0) + (changes.allocatedBlocksDelta * sb.blockSize) / 512;
  setU32(raw, 0x1c, low32(units));
  if (hugeFeature) setU16(raw, 0x74, high32(units));
  raw.set(changes.blockArea, 0x28);
  setTimestamp(raw, inode.extraIsize, 0xc, 0x84, changes); // ctime
  setTimestamp(raw, inode.extraIsize, 0x10, 0x88, changes); // mtime
  if (hasMetadataCsum(sb)) {
    const crc = inodeChecksum(sb, seed, inode.number, raw);
    setU16(raw, CHECKSUM_LO_AT, crc & 0xffff);
    if (hasChecksumHi(sb, raw)) setU16(raw, CHECKSUM_HI_AT, crc >>> 16);
  }
  return raw;
}

/**
 * A timestamp: low 32 bits of seconds in the base field; when the extra field exists (i_extra_isize covers it),
 * two epoch bits (seconds >> 32) and the nanoseconds << 2 (KDOC `inodes.rst`, "Inode Timestamps").
 */
function setTimestamp(raw: Uint8Array, extraIsize: number, baseAt: number, extraAt: number, time: { seconds: number; nanoseconds: number }): void {
  setU32(raw, baseAt, low32(time.seconds));
  if (GOOD_OLD_INODE_SIZE + extraIsize >= extraAt + 4) {
    const epoch = Math.floor((time.seconds - (time.seconds | 0)) / 0x1_0000_0000) & 3;
    setU32(raw, extraAt, ((time.nanoseconds << 2) | epoch) >>> 0);
  }
}
