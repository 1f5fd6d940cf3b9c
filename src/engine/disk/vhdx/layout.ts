import { batEntryCount, chunkRatioOf } from './bat';
import { MiB } from './fields';
import { MAX_BLOCK_SIZE, MIN_BLOCK_SIZE } from './metadata';

/**
 * Where a dynamic VHDX we write puts everything ([MS-VHDX] 2.1: every object 1 MiB aligned). The same parts as
 * qemu-img's output (which puts the BAT before the metadata); here the fixed-size parts come first, so every
 * offset but the data's is a constant:
 *
 *   0        header section: file identifier, header 1 and 2, region table 1 and 2
 *   1 MiB    log (1 MiB, empty: LogGuid is zero; Hyper-V writes its metadata updates through it)
 *   2 MiB    metadata region (1 MiB)
 *   3 MiB    BAT, rounded up to whole MiB
 *   then     the payload blocks that hold data, in disk order, each at a 1 MiB multiple
 */
export const LOGICAL_SECTOR_SIZE = 512;
export const PHYSICAL_SECTOR_SIZE = 4096;
export const LOG_OFFSET = MiB;
export const LOG_LENGTH = MiB;
export const METADATA_OFFSET = 2 * MiB;
export const METADATA_LENGTH = MiB;
export const BAT_OFFSET = 3 * MiB;
/** A BAT of up to 2^20 payload entries (8 MiB), whatever the disk size. */
const TARGET_BLOCKS = 2 ** 20;

export interface VhdxLayout {
  /** Whole 512-byte sectors: a VHDX disk is whole logical sectors (2.6.2.2), so an odd tail is padded. */
  readonly virtualSize: number;
  readonly blockSize: number;
  readonly chunkRatio: number;
  readonly batEntries: number;
  readonly batLength: number;
  readonly dataOffset: number;
}

/**
 * The block size is the unit of sparseness: a block holding one non-zero byte is stored whole. We use the
 * smallest the format allows, 1 MiB (Hyper-V's `New-VHD -BlockSizeBytes 1MB`), and double it only to keep the
 * BAT at 2^20 payload entries or fewer, so a 1 TiB disk still gets 1 MiB blocks and a 64 TiB disk 64 MiB ones.
 * qemu-img's 8 to 32 MiB blocks (Hyper-V defaults to 32 MiB) make sparse outputs much larger for scattered data.
 */
export function chooseBlockSize(virtualSize: number): number {
  let blockSize = MIN_BLOCK_SIZE;
  while (blockSize < MAX_BLOCK_SIZE && Math.ceil(virtualSize / blockSize) > TARGET_BLOCKS) blockSize *= 2;
  return blockSize;
}

export function planLayout(diskSize: number): VhdxLayout {
  const virtualSize = Math.ceil(diskSize / LOGICAL_SECTOR_SIZE) * LOGICAL_SECTOR_SIZE;
  const blockSize = chooseBlockSize(virtualSize);
  const geometry = { virtualSize, blockSize, logicalSectorSize: LOGICAL_SECTOR_SIZE, hasParent: false };
  const batEntries = batEntryCount(geometry);
  const batLength = Math.max(MiB, Math.ceil((batEntries * 8) / MiB) * MiB);
  return { virtualSize, blockSize, chunkRatio: chunkRatioOf(geometry), batEntries, batLength, dataOffset: BAT_OFFSET + batLength };
}
