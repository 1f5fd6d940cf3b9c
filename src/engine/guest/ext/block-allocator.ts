import { VmferryError } from '../../errors';
import { blockBitmapChecksum, blockBitmapChecksumMatches, clearBit, findClearBit, setBit, testBit } from './bitmaps';
import type { BlockIo } from './block-io';
import { BG_BLOCK_UNINIT, descriptorWithBlockChanges, hasChecksums, type GroupDescriptor } from './group-descriptors';
import { blocksInGroup, groupFirstBlock, groupOfBlock, hasMetadataCsum, superblockWithFreeBlocks, type Superblock } from './superblock';

export interface DeviceWrite {
  offset: number;
  bytes: Uint8Array;
  what: string;
}

/**
 * Allocates and frees blocks in memory, for one file edit: bitmaps are loaded (and their checksums verified)
 * only for the groups touched, and nothing reaches the device until the caller takes the resulting writes.
 * Never allocates in a BLOCK_UNINIT group, whose bitmap is not on disk (guest-repair note §3.3).
 */
export class BlockAllocator {
  private readonly bitmaps = new Map<number, Uint8Array>();
  private readonly freeDelta = new Map<number, number>();

  constructor(
    private readonly io: BlockIo,
    private readonly sb: Superblock,
    private readonly descriptors: readonly GroupDescriptor[],
    private readonly seed: number,
  ) {}

  /** `count` free blocks, searching from `goal` to the end of its group, then the following groups, wrapping. */
  async allocate(count: number, goal: number): Promise<number[]> {
    const out: number[] = [];
    if (count === 0) return out;
    const start = Math.min(Math.max(goal, this.sb.firstDataBlock), this.sb.blocksCount - 1);
    const goalGroup = groupOfBlock(this.sb, start);
    const goalBit = start - groupFirstBlock(this.sb, goalGroup);
    // The goal group from the goal on, every other group in order, then the goal group's beginning.
    const segments: [group: number, from: number, to: number][] = [[goalGroup, goalBit, blocksInGroup(this.sb, goalGroup)]];
    for (let step = 1; step < this.sb.groupCount; step++) {
      const group = (goalGroup + step) % this.sb.groupCount;
      segments.push([group, 0, blocksInGroup(this.sb, group)]);
    }
    segments.push([goalGroup, 0, goalBit]);
    for (const [group, from, to] of segments) {
      if (out.length === count) break;
      if (!this.canAllocateIn(group)) continue;
      const bitmap = await this.bitmap(group);
      const first = groupFirstBlock(this.sb, group);
      for (let bit = from; out.length < count && this.freeIn(group) > 0; bit++) {
        bit = findClearBit(bitmap, bit, to);
        if (bit < 0) break;
        setBit(bitmap, bit);
        this.adjust(group, -1);
        out.push(first + bit);
      }
    }
    if (out.length < count) {
      throw new VmferryError('unsupported', `ext: not enough free blocks: needed ${count}, found ${out.length} in initialised groups`, { file: this.io.name });
    }
    return out;
  }

  async release(blocks: readonly number[]): Promise<void> {
    for (const block of blocks) {
      const group = groupOfBlock(this.sb, block);
      const descriptor = this.descriptors[group];
      if (!descriptor || (hasChecksums(this.sb) && descriptor.flags & BG_BLOCK_UNINIT)) {
        throw new VmferryError('corrupt', `ext: block ${block} is in group ${group}, which has no block bitmap`, { file: this.io.name });
      }
      const bitmap = await this.bitmap(group);
      const bit = block - groupFirstBlock(this.sb, group);
      if (!testBit(bitmap, bit)) throw new VmferryError('corrupt', `ext: block ${block} belongs to a file but is free in group ${group}'s bitmap`, { file: this.io.name });
      clearBit(bitmap, bit);
      this.adjust(group, +1);
    }
  }

  /** Blocks allocated minus blocks freed so far. */
  get netAllocated(): number {
    let sum = 0;
    for (const delta of this.freeDelta.values()) sum -= delta;
    return sum;
  }

  bitmapWrites(): DeviceWrite[] {
    return [...this.bitmaps].map(([group, bytes]) => ({
      offset: this.descriptors[group]!.blockBitmap * this.sb.blockSize,
      bytes,
      what: `group ${group} block bitmap`,
    }));
  }

  descriptorWrites(): DeviceWrite[] {
    return [...this.bitmaps.keys()].map((group) => {
      const d = this.descriptors[group]!;
      const checksum = hasMetadataCsum(this.sb) ? blockBitmapChecksum(this.sb, this.seed, this.bitmaps.get(group)!) : 0;
      return { offset: d.deviceOffset, bytes: descriptorWithBlockChanges(this.sb, this.seed, d, this.freeIn(group), checksum), what: `group ${group} descriptor` };
    });
  }

  /** The superblock with its free count equal to the sum of the groups' counts, as e2fsck expects. */
  superblockBytes(): Uint8Array {
    let free = 0;
    for (let group = 0; group < this.descriptors.length; group++) free += this.freeIn(group);
    return superblockWithFreeBlocks(this.sb, free);
  }

  private canAllocateIn(group: number): boolean {
    const d = this.descriptors[group]!;
    if (hasChecksums(this.sb) && d.flags & BG_BLOCK_UNINIT) return false;
    return this.freeIn(group) > 0;
  }

  private freeIn(group: number): number {
    return this.descriptors[group]!.freeBlocks + (this.freeDelta.get(group) ?? 0);
  }

  private adjust(group: number, delta: number): void {
    this.freeDelta.set(group, (this.freeDelta.get(group) ?? 0) + delta);
  }

  private async bitmap(group: number): Promise<Uint8Array> {
    let bitmap = this.bitmaps.get(group);
    if (bitmap) return bitmap;
    const d = this.descriptors[group]!;
    bitmap = (await this.io.block(d.blockBitmap, `group ${group}'s block bitmap`)).slice();
    if (hasMetadataCsum(this.sb)) {
      const computed = blockBitmapChecksum(this.sb, this.seed, bitmap);
      if (!blockBitmapChecksumMatches(this.sb, computed, d.blockBitmapChecksum)) {
        throw new VmferryError('corrupt', `ext: group ${group}'s block bitmap checksum is 0x${d.blockBitmapChecksum.toString(16)}, computed 0x${computed.toString(16)}; refusing to write`, {
          file: this.io.name,
        });
      }
    }
    this.bitmaps.set(group, bitmap);
    return bitmap;
  }
}
