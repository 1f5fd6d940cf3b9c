import { VmferryError } from '../../errors';
import { crc32c } from '../../io/crc32c';
import type { BlockDevice } from '../block-device';
import { readExactly, u64be, viewOf } from '../partitions/bytes';
import type { XfsGeometry } from './xfs-superblock';

/**
 * An XFS on-disk inode (libxfs `xfs_format.h` struct xfs_dinode): "IN" @0, di_mode @2, di_version @4,
 * di_format @5 (1 local, 2 extents, 3 btree), di_size @56, di_nextents @76, di_forkoff @82 (attribute fork
 * offset in 8-byte units, 0 = none); version 3 (v5 filesystems) adds di_crc @100 (CRC-32C of the inode with the
 * field zeroed, stored little-endian), di_ino @152, and a 176-byte core; version 1 and 2 cores are 100 bytes.
 * The inode number locates it: AG | block within the AG | index within the block.
 */
export const FORMAT_LOCAL = 1;
export const FORMAT_EXTENTS = 2;
export const FORMAT_BTREE = 3;

export interface XfsInode {
  number: bigint;
  mode: number;
  format: number;
  size: number;
  extentCount: number;
  /** The data fork: an inline directory or symlink, an extent list, or a bmap btree root. */
  dataFork: Uint8Array;
}

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export async function readXfsInode(device: BlockDevice, geometry: XfsGeometry, number: bigint): Promise<XfsInode> {
  const fail = (what: string) => new VmferryError('corrupt', `XFS inode ${number}: ${what}`, { file: device.name });
  const perBlockLog = BigInt(geometry.inodesPerBlockLog);
  const agShift = BigInt(geometry.agBlockLog) + perBlockLog;
  const ag = Number(number >> agShift);
  const block = Number((number >> perBlockLog) & ((1n << BigInt(geometry.agBlockLog)) - 1n));
  const index = Number(number & ((1n << perBlockLog) - 1n));
  if (ag >= geometry.agCount || block >= geometry.agBlocks) throw fail('its number points outside the filesystem');
  const offset = (ag * geometry.agBlocks + block) * geometry.blockSize + index * geometry.inodeSize;
  const bytes = await readExactly(device, offset, geometry.inodeSize, `XFS inode ${number}`);
  const view = viewOf(bytes);
  if (bytes[0] !== 0x49 || bytes[1] !== 0x4e) throw fail('no "IN" magic');
  const version = bytes[4]!;
  let coreSize = 100;
  if (version === 3) {
    const stored = view.getUint32(100, true);
    const copy = bytes.slice();
    copy.fill(0, 100, 104);
    const computed = crc32c(copy);
    if (stored !== computed) throw fail(`CRC mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)})`);
    if (u64be(view, 152) !== Number(number)) throw fail(`it says it is inode ${u64be(view, 152) ?? '?'}`);
    coreSize = 176;
  } else if (version !== 1 && version !== 2) {
    throw fail(`unknown inode version ${version}`);
  }
  const forkOffset = bytes[82]! * 8;
  const forkEnd = forkOffset > 0 ? coreSize + forkOffset : geometry.inodeSize;
  if (forkEnd > geometry.inodeSize) throw fail('its attribute fork offset is past the end of the inode');
  const size = u64be(view, 56);
  if (size === null) throw fail('size beyond 2^53');
  return {
    number,
    mode: view.getUint16(2, false),
    format: bytes[5]!,
    size,
    extentCount: geometry.largeExtentCounts && version === 3 ? (u64be(view, 24) ?? 0) : view.getUint32(76, false),
    dataFork: bytes.subarray(coreSize, forkEnd),
  };
}
