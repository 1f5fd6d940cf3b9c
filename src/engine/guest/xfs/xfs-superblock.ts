import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';
import { hasMagic, nulPaddedUtf8, readExactly, u64be, uuidText, viewOf } from '../partitions/bytes';

/**
 * The XFS superblock at byte 0 of AG 0, big-endian (xfsprogs `libxfs/xfs_format.h` struct xfs_dsb):
 * "XFSB" @0, sb_blocksize @4, sb_uuid @32, sb_rootino @56, sb_agblocks @84, sb_agcount @88, sb_versionnum @100,
 * sb_sectsize @102, sb_inodesize @104, sb_inopblock @106, sb_fname @108, sb_blocklog @120, sb_inodelog @122,
 * sb_inopblog @123, sb_agblklog @124, sb_inprogress @126, sb_dirblklog @192, sb_features2 @200,
 * sb_features_incompat @216 (v5).
 */
export interface XfsGeometry {
  version: 4 | 5;
  blockSize: number;
  blockLog: number;
  agBlocks: number;
  agBlockLog: number;
  agCount: number;
  inodeSize: number;
  inodesPerBlockLog: number;
  rootInode: bigint;
  /** Directory blocks are `blockSize << dirblklog` bytes. */
  dirBlockSize: number;
  /** Directory entries carry a file-type byte (v5 incompat FTYPE, or v4 features2 FTYPE). */
  hasFileType: boolean;
  /** NREXT64: the data fork's extent count is the 64-bit di_big_nextents @24. */
  largeExtentCounts: boolean;
  uuid: string;
  label: string | null;
}

const VERSION_MOREBITS = 0x8000;
const FEATURES2_FTYPE = 0x200;
const INCOMPAT_FTYPE = 0x1;
const INCOMPAT_NEEDSREPAIR = 0x10;
const INCOMPAT_NREXT64 = 0x20;

export async function readXfsSuperblock(device: BlockDevice): Promise<XfsGeometry> {
  const sb = await readExactly(device, 0, 512, 'XFS superblock');
  const fail = (what: string) => new VmferryError('corrupt', `XFS superblock: ${what}`, { file: device.name });
  if (!hasMagic(sb, 0, 'XFSB')) throw new VmferryError('unknown-format', 'not an XFS filesystem (no XFSB superblock)', { file: device.name });
  const view = viewOf(sb);
  const versionBits = view.getUint16(100, false);
  const version = versionBits & 0xf;
  if (version !== 4 && version !== 5) {
    throw new VmferryError('unsupported', `XFS version ${version} (only versions 4 and 5 are read)`, { file: device.name });
  }
  const blockSize = view.getUint32(4, false);
  const blockLog = sb[120]!;
  const inodeSize = view.getUint16(104, false);
  const inodeLog = sb[122]!;
  const inodesPerBlockLog = sb[123]!;
  const agBlocks = view.getUint32(84, false);
  const agBlockLog = sb[124]!;
  const agCount = view.getUint32(88, false);
  const dirBlockLog = sb[192]!;
  if (blockLog < 9 || blockLog > 16 || blockSize !== 1 << blockLog) throw fail(`block size ${blockSize} does not match its log ${blockLog}`);
  if (inodeLog < 8 || inodeLog > 11 || inodeSize !== 1 << inodeLog || inodesPerBlockLog !== blockLog - inodeLog) {
    throw fail(`inode size ${inodeSize} (log ${inodeLog}, ${inodesPerBlockLog} per block) is inconsistent`);
  }
  if (agBlocks === 0 || agBlockLog > 31 || agBlocks > 2 ** agBlockLog || agBlocks <= 2 ** (agBlockLog - 1)) {
    throw fail(`allocation group size ${agBlocks} blocks does not match its log ${agBlockLog}`);
  }
  if (agCount === 0 || dirBlockLog > 6) throw fail('impossible allocation group count or directory block size');
  if (sb[126] !== 0) throw fail('mkfs.xfs did not finish on it (sb_inprogress is set)');
  const incompat = version === 5 ? view.getUint32(216, false) : 0;
  if (incompat & INCOMPAT_NEEDSREPAIR) {
    throw new VmferryError('unsupported', 'XFS is marked as needing repair (run xfs_repair inside the guest)', { file: device.name });
  }
  const features2 = versionBits & VERSION_MOREBITS ? view.getUint32(200, false) : 0;
  const rootInode = u64be(view, 56);
  if (rootInode === null) throw fail('root inode number beyond 2^53');
  return {
    version,
    blockSize,
    blockLog,
    agBlocks,
    agBlockLog,
    agCount,
    inodeSize,
    inodesPerBlockLog,
    rootInode: BigInt(rootInode),
    dirBlockSize: blockSize << dirBlockLog,
    hasFileType: version === 5 ? (incompat & INCOMPAT_FTYPE) !== 0 : (features2 & FEATURES2_FTYPE) !== 0,
    largeExtentCounts: (incompat & INCOMPAT_NREXT64) !== 0,
    uuid: uuidText(sb.subarray(32, 48)),
    label: nulPaddedUtf8(sb.subarray(108, 120)),
  };
}

/** Byte offset of a filesystem block number (AG number in the high bits, block within the AG in the low agblklog bits). */
export function fsBlockOffset(geometry: XfsGeometry, fsbno: bigint): number {
  const ag = Number(fsbno >> BigInt(geometry.agBlockLog));
  const block = Number(fsbno & ((1n << BigInt(geometry.agBlockLog)) - 1n));
  return (ag * geometry.agBlocks + block) * geometry.blockSize;
}

/** Whether a filesystem block number names a block that exists. */
export function isValidFsBlock(geometry: XfsGeometry, fsbno: bigint): boolean {
  const ag = Number(fsbno >> BigInt(geometry.agBlockLog));
  const block = Number(fsbno & ((1n << BigInt(geometry.agBlockLog)) - 1n));
  return ag < geometry.agCount && block < geometry.agBlocks;
}
