import { VmferryError } from '../../errors';
import { BlockAllocator, type DeviceWrite } from './block-allocator';
import { blockMapCapacity, blockMapNodeKeys, blockMapPath, encodeBlockMap, type BlockMapTree } from './block-map';
import { encodeExtentTree, extentsOf, extentTreeNodeCount, sealExtentBlock } from './extent-tree';
import type { ExtVolume } from './ext-volume';
import { RO_COMPAT } from './features';
import { pushMapped, type FileMapping, type MappedRun } from './file-mapping';
import { INODE_FLAG, inodeChecksumSeed, inodeWithChanges, type ExtInode } from './inode';
import { fileRefusal, quotaRefusal } from './refusals';
import { groupFirstBlock, hasMetadataCsum } from './superblock';
import { u32 } from './little-endian';

/**
 * Plans an in-place rewrite of a regular file's contents (guest-repair note §3.5): the inode is kept (owner,
 * mode, links, xattrs and SELinux label untouched); blocks the file keeps are overwritten; new blocks come from
 * the group of its last block; blocks past the new end are freed, since initialised blocks past i_size are an
 * e2fsck error. Everything is computed in memory first — a refusal or a bad checksum anywhere leaves the device
 * untouched — and the writes come back in a safe order: data and mapping blocks, bitmaps, group descriptors,
 * the inode, the superblock.
 */
export async function planFileWrite(volume: ExtVolume, inode: ExtInode, contents: Uint8Array, nowMs: number): Promise<DeviceWrite[]> {
  const { sb } = volume;
  const refuse = (reason: string) => new VmferryError('unsupported', `ext: cannot rewrite inode ${inode.number}: ${reason}`, { file: volume.name });
  const refusal = fileRefusal(sb, inode);
  if (refusal) throw refuse(refusal);
  if (contents.length >= 2 ** 31 && !(sb.roCompat & RO_COMPAT.largeFile)) throw refuse('large_file: the new contents need 2 GiB files, which the filesystem does not have');

  const blockSize = sb.blockSize;
  const need = Math.ceil(contents.length / blockSize);
  const old = await volume.mapping(inode, Infinity, true);
  const allocator = new BlockAllocator(volume.io, sb, volume.descriptors, volume.seed);
  const goal = allocationGoal(old.runs, need, groupFirstBlock(sb, Math.floor((inode.number - 1) / sb.inodesPerGroup)));
  const layout = inode.flags & INODE_FLAG.extents
    ? await layoutExtents(volume, inode, old, need, goal, allocator)
    : await layoutBlockMap(volume, inode, old as BlockMapTree, need, goal, allocator);

  const net = allocator.netAllocated;
  const quota = quotaRefusal(sb, inode.allocatedBlocks, inode.allocatedBlocks + net);
  if (quota) throw refuse(quota);

  const writes: DeviceWrite[] = [...dataWrites(layout.physical, contents, blockSize), ...layout.mappingWrites];
  const touchedBitmaps = allocator.bitmapWrites();
  if (touchedBitmaps.length > 0) writes.push(...touchedBitmaps, ...allocator.descriptorWrites());
  const inodeBytes = inodeWithChanges(sb, volume.seed, inode, {
    size: contents.length,
    allocatedBlocksDelta: net,
    blockArea: layout.blockArea,
    seconds: Math.floor(nowMs / 1000),
    nanoseconds: Math.floor(nowMs % 1000) * 1_000_000,
  });
  writes.push({ offset: inode.deviceOffset, bytes: inodeBytes, what: `inode ${inode.number}` });
  if (touchedBitmaps.length > 0) writes.push({ offset: 1024, bytes: allocator.superblockBytes(), what: 'superblock' });
  return writes;
}

interface Layout {
  /** Physical block of each logical block 0..need-1. */
  physical: number[];
  blockArea: Uint8Array;
  mappingWrites: DeviceWrite[];
}

/**
 * Where new blocks should go: right after the file's last block below `need` (so a growing file stays
 * contiguous, in the group of its last block), else after its last block, else at its inode's group.
 */
function allocationGoal(runs: readonly MappedRun[], need: number, fallback: number): number {
  let goal: number | null = null;
  for (const run of runs) {
    const lastBelow = Math.min(run.logical + run.length, need) - 1;
    if (lastBelow >= run.logical) goal = run.physical + (lastBelow - run.logical) + 1;
  }
  const last = runs[runs.length - 1];
  return goal ?? (last ? last.physical + last.length : fallback);
}

/** Fills the holes below `need` from the allocator, in logical order, and frees what lies at or past `need`. */
async function fillAndTrim(old: FileMapping, need: number, goal: number, allocator: BlockAllocator, extraBefore = 0): Promise<{ physical: number[]; beyond: number[]; fresh: number[] }> {
  const physical = new Array<number>(need).fill(0);
  const beyond: number[] = [];
  for (const run of old.runs) {
    for (let i = 0; i < run.length; i++) {
      const logical = run.logical + i;
      if (logical < need) physical[logical] = run.physical + i;
      else beyond.push(run.physical + i);
    }
  }
  const holes = physical.filter((block) => block === 0).length;
  const fresh = await allocator.allocate(holes + extraBefore, goal);
  return { physical, beyond, fresh };
}

async function layoutExtents(volume: ExtVolume, inode: ExtInode, old: FileMapping, need: number, goal: number, allocator: BlockAllocator): Promise<Layout> {
  const { sb } = volume;
  const unchanged = old.runs.every((run) => run.initialized && run.logical + run.length <= need) && old.runs.reduce((n, run) => n + run.length, 0) === need;
  const { physical, beyond, fresh } = await fillAndTrim(old, need, goal, allocator);
  if (unchanged) return { physical, blockArea: inode.blockArea.slice(), mappingWrites: [] };
  let next = 0;
  for (let logical = 0; logical < need; logical++) if (physical[logical] === 0) physical[logical] = fresh[next++]!;

  const runs: MappedRun[] = [];
  physical.forEach((block, logical) => pushMapped(runs, logical, block));
  const extents = extentsOf(runs);
  const nodeCount = extentTreeNodeCount(extents.length, sb.blockSize);
  const reused = old.mappingBlocks.slice(0, nodeCount);
  const added = await allocator.allocate(nodeCount - reused.length, need > 0 ? physical[need - 1]! + 1 : goal);
  const inodeSeed = inodeChecksumSeed(volume.seed, inode.number, inode.generation);
  const seal = hasMetadataCsum(sb) ? (block: Uint8Array) => sealExtentBlock(inodeSeed, block) : null;
  const tree = encodeExtentTree(extents, [...reused, ...added], sb.blockSize, u32(inode.blockArea, 8), seal);
  await allocator.release([...beyond, ...old.mappingBlocks.slice(nodeCount)]);
  return {
    physical,
    blockArea: tree.root,
    mappingWrites: tree.nodes.map(({ block, bytes }) => ({ offset: block * sb.blockSize, bytes, what: `inode ${inode.number} extent block` })),
  };
}

async function layoutBlockMap(volume: ExtVolume, inode: ExtInode, old: BlockMapTree, need: number, goal: number, allocator: BlockAllocator): Promise<Layout> {
  const { sb } = volume;
  const p = sb.blockSize / 4;
  if (need > blockMapCapacity(p)) throw new VmferryError('unsupported', `ext: ${need} blocks is more than a block map addresses`, { file: volume.name });
  const keys = new Set(blockMapNodeKeys(need, p));
  const newKeys = [...keys].filter((key) => !old.nodes.has(key));
  const { physical, beyond, fresh } = await fillAndTrim(old, need, goal, allocator, newKeys.length);
  const unchanged = beyond.length === 0 && newKeys.length === 0 && fresh.length === 0 && keys.size === old.nodes.size;

  // Hand out the new blocks in the order a writer meets them: an indirect block just before the data it maps.
  const nodes = new Map([...old.nodes].filter(([key]) => keys.has(key)));
  let next = 0;
  for (let logical = 0; logical < need; logical++) {
    for (const key of blockMapPath(logical, p).nodes) if (!nodes.has(key)) nodes.set(key, fresh[next++]!);
    if (physical[logical] === 0) physical[logical] = fresh[next++]!;
  }
  if (unchanged) return { physical, blockArea: inode.blockArea.slice(), mappingWrites: [] };
  const freedNodes = [...old.nodes].filter(([key]) => !keys.has(key)).map(([, block]) => block);
  await allocator.release([...beyond, ...freedNodes]);
  const encoded = encodeBlockMap(physical, nodes, sb.blockSize);
  return {
    physical,
    blockArea: encoded.blockArea,
    mappingWrites: encoded.blocks.map(({ block, bytes }) => ({ offset: block * sb.blockSize, bytes, what: 'indirect block' })),
  };
}

/** The new contents over the file's blocks, the last one zero-padded, one write per physically contiguous run. */
function dataWrites(physical: readonly number[], contents: Uint8Array, blockSize: number): DeviceWrite[] {
  const writes: DeviceWrite[] = [];
  for (let start = 0; start < physical.length; ) {
    let end = start + 1;
    while (end < physical.length && physical[end] === physical[start]! + (end - start)) end++;
    const bytes = new Uint8Array((end - start) * blockSize);
    bytes.set(contents.subarray(start * blockSize, Math.min(contents.length, end * blockSize)));
    writes.push({ offset: physical[start]! * blockSize, bytes, what: 'file data' });
    start = end;
  }
  return writes;
}
