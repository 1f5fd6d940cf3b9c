import { VmferryError } from '../../errors';
import { crc32cRaw } from '../../io/crc32c';
import type { BlockIo } from './block-io';
import type { FileMapping, MappedRun } from './file-mapping';
import { joinHiLo, low32, setU16, setU32, u16, u32 } from './little-endian';

/**
 * The ext4 extent tree (KDOC `ifork.rst`): a 12-byte header (magic 0xF30A, entries, max, depth, generation)
 * then 12-byte entries. The root lives in the inode's 60-byte i_block (4 entries); deeper nodes fill a block,
 * followed under metadata_csum by a 4-byte tail: crc32c(inode seed, block[0 .. 12 + 12 × max)).
 * Depth 0 entries are leaves (logical block, length, physical start); the others index child nodes.
 */
export const EXTENT_MAGIC = 0xf30a;
const HEADER = 12;
const ENTRY = 12;
/** Kernel limit (EXT4_MAX_EXTENT_DEPTH); deeper means corruption, and it bounds the walk. */
const MAX_DEPTH = 5;
/** ee_len above this marks an uninitialised extent of ee_len − 32768 blocks. */
const INIT_MAX_LEN = 32768;

export interface ExtentHeader {
  entries: number;
  max: number;
  depth: number;
}

export interface ExtentWalk {
  io: BlockIo;
  inodeNumber: number;
  /** Checks a node block's tail when metadata_csum is on; reports a mismatch (warning or refusal, caller's choice). */
  verifyNode?: (blockNumber: number, block: Uint8Array) => void;
  /** Stop once the mapping reaches this logical block (reading needs only up to i_size). */
  logicalLimit: number;
  /** At most this many data + node blocks (the inode's i_blocks): a cycle or forged tree cannot run away. */
  blockBudget: number;
}

export function parseExtentHeader(bytes: Uint8Array, where: string, deviceName: string): ExtentHeader {
  const corrupt = (what: string) => new VmferryError('corrupt', `ext: ${where}: ${what}`, { file: deviceName });
  if (u16(bytes, 0) !== EXTENT_MAGIC) throw corrupt(`extent header magic is 0x${u16(bytes, 0).toString(16)}, not 0xf30a`);
  const header = { entries: u16(bytes, 2), max: u16(bytes, 4), depth: u16(bytes, 6) };
  if (header.entries > header.max || HEADER + header.max * ENTRY > bytes.length) throw corrupt(`extent header has ${header.entries} of ${header.max} entries in ${bytes.length} bytes`);
  if (header.depth > MAX_DEPTH) throw corrupt(`extent tree depth ${header.depth} exceeds ${MAX_DEPTH}`);
  return header;
}

/** Reads the whole tree below `root` (the inode's i_block): the data runs in logical order and the node blocks. */
export async function readExtentTree(root: Uint8Array, walk: ExtentWalk): Promise<FileMapping> {
  const mapping: FileMapping = { runs: [], mappingBlocks: [] };
  const state = { nextLogical: 0, budget: Math.min(walk.blockBudget, walk.io.blocksCount), visited: new Set<number>() };
  const header = parseExtentHeader(root, `inode ${walk.inodeNumber} extent root`, walk.io.name);
  await walkNode(root, header, walk, mapping, state, `inode ${walk.inodeNumber} extent root`);
  return mapping;
}

async function walkNode(node: Uint8Array, header: ExtentHeader, walk: ExtentWalk, mapping: FileMapping, state: { nextLogical: number; budget: number; visited: Set<number> }, where: string): Promise<void> {
  const corrupt = (what: string) => new VmferryError('corrupt', `ext: ${where}: ${what}`, { file: walk.io.name });
  const spend = (blocks: number) => {
    state.budget -= blocks;
    if (state.budget < 0) throw corrupt(`the extent tree maps more blocks than the inode's i_blocks allows`);
  };
  for (let i = 0; i < header.entries; i++) {
    const at = HEADER + i * ENTRY;
    const logical = u32(node, at);
    if (logical < state.nextLogical) throw corrupt(`entry ${i} starts at logical block ${logical}, overlapping the one before`);
    if (logical >= walk.logicalLimit) return;
    if (header.depth === 0) {
      const rawLength = u16(node, at + 4);
      const initialized = rawLength <= INIT_MAX_LEN;
      const length = initialized ? rawLength : rawLength - INIT_MAX_LEN;
      const physical = joinHiLo(u32(node, at + 8), u16(node, at + 6));
      if (length === 0) throw corrupt(`entry ${i} has length 0`);
      walk.io.checkRange(physical, length, `${where} entry ${i}`);
      spend(length);
      mapping.runs.push({ logical, physical, length, initialized });
      state.nextLogical = logical + length;
      continue;
    }
    const child = joinHiLo(u32(node, at + 4), u16(node, at + 8));
    spend(1);
    // Each node is read once: a tree whose index entries share or revisit a node is corrupt, and this bounds the walk.
    if (state.visited.has(child)) throw corrupt(`the extent tree reaches block ${child} twice`);
    state.visited.add(child);
    const childWhere = `inode ${walk.inodeNumber} extent node at block ${child}`;
    const block = await walk.io.block(child, childWhere);
    const childHeader = parseExtentHeader(block, childWhere, walk.io.name);
    if (childHeader.depth !== header.depth - 1) throw corrupt(`child node at block ${child} has depth ${childHeader.depth}, expected ${header.depth - 1}`);
    walk.verifyNode?.(child, block);
    mapping.mappingBlocks.push(child);
    await walkNode(block, childHeader, walk, mapping, state, childWhere);
  }
}

/** Where a node's checksum tail sits (right after `max` entries), or -1 when the block has no room for it. */
export function extentTailOffset(block: Uint8Array): number {
  const at = HEADER + u16(block, 4) * ENTRY;
  return at + 4 <= block.length ? at : -1;
}

export function extentBlockChecksum(inodeSeed: number, block: Uint8Array): number {
  return crc32cRaw(inodeSeed, block.subarray(0, HEADER + u16(block, 4) * ENTRY));
}

/** Why a node's tail does not verify, or null. */
export function extentBlockChecksumProblem(inodeSeed: number, block: Uint8Array, blockNumber: number, inodeNumber: number): string | null {
  const tail = extentTailOffset(block);
  if (tail < 0) return `inode ${inodeNumber} extent block ${blockNumber} has no room for its checksum`;
  const stored = u32(block, tail);
  const computed = extentBlockChecksum(inodeSeed, block);
  return stored === computed ? null : `inode ${inodeNumber} extent block ${blockNumber} checksum is 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`;
}

/** Splits runs into extents of at most 32768 blocks (the longest an initialised extent can be). */
export function extentsOf(runs: readonly MappedRun[]): MappedRun[] {
  const out: MappedRun[] = [];
  for (const run of runs) {
    for (let done = 0; done < run.length; done += INIT_MAX_LEN) {
      out.push({ logical: run.logical + done, physical: run.physical + done, length: Math.min(INIT_MAX_LEN, run.length - done), initialized: run.initialized });
    }
  }
  return out;
}

const ROOT_CAPACITY = 4;

function nodeCapacity(blockSize: number): number {
  return Math.floor((blockSize - HEADER) / ENTRY);
}

/**
 * How many node blocks a tree over `extentCount` extents needs when every node is filled: 0 when the root holds
 * them all, otherwise leaves, then index levels until at most 4 nodes remain for the root to point at.
 * A packed tree is also what e2fsck considers neither too deep nor too wide.
 */
export function extentTreeNodeCount(extentCount: number, blockSize: number): number {
  let count = 0;
  let level = extentCount;
  while (level > ROOT_CAPACITY) {
    level = Math.ceil(level / nodeCapacity(blockSize));
    count += level;
  }
  return count;
}

export interface EncodedExtentTree {
  root: Uint8Array;
  nodes: { block: number; bytes: Uint8Array }[];
}

/**
 * Lays out `extents` as a packed tree in the given node blocks (exactly `extentTreeNodeCount` of them).
 * `seal` writes the checksum tail of a node block (metadata_csum), or is null.
 */
export function encodeExtentTree(extents: readonly MappedRun[], nodeBlocks: readonly number[], blockSize: number, rootGeneration: number, seal: ((block: Uint8Array) => void) | null): EncodedExtentTree {
  const capacity = nodeCapacity(blockSize);
  type Entry = { logical: number; write: (bytes: Uint8Array, at: number) => void };
  let level: Entry[] = extents.map((extent) => ({
    logical: extent.logical,
    write: (bytes, at) => {
      setU32(bytes, at, extent.logical);
      setU16(bytes, at + 4, extent.initialized ? extent.length : extent.length + INIT_MAX_LEN);
      setU16(bytes, at + 6, Math.floor(extent.physical / 0x1_0000_0000));
      setU32(bytes, at + 8, low32(extent.physical));
    },
  }));
  const nodes: EncodedExtentTree['nodes'] = [];
  let depth = 0;
  let next = 0;
  while (level.length > ROOT_CAPACITY) {
    const parents: Entry[] = [];
    for (let start = 0; start < level.length; start += capacity) {
      const block = nodeBlocks[next++];
      if (block === undefined) throw new VmferryError('usage', 'ext: too few blocks given for the extent tree');
      const bytes = new Uint8Array(blockSize);
      const children = level.slice(start, start + capacity);
      writeNode(bytes, children, capacity, depth, 0);
      seal?.(bytes);
      nodes.push({ block, bytes });
      parents.push({
        logical: children[0]!.logical,
        write: (out, at) => {
          setU32(out, at, children[0]!.logical);
          setU32(out, at + 4, low32(block));
          setU16(out, at + 8, Math.floor(block / 0x1_0000_0000));
          setU16(out, at + 10, 0);
        },
      });
    }
    level = parents;
    depth++;
  }
  if (depth > MAX_DEPTH) throw new VmferryError('unsupported', `ext: ${extents.length} extents need a tree deeper than ${MAX_DEPTH} levels`);
  if (next !== nodeBlocks.length) throw new VmferryError('usage', `ext: ${nodeBlocks.length} blocks given for an extent tree of ${next} nodes`);
  const root = new Uint8Array(60);
  writeNode(root, level, ROOT_CAPACITY, depth, rootGeneration);
  return { root, nodes };

  function writeNode(bytes: Uint8Array, entries: Entry[], max: number, nodeDepth: number, generation: number): void {
    setU16(bytes, 0, EXTENT_MAGIC);
    setU16(bytes, 2, entries.length);
    setU16(bytes, 4, max);
    setU16(bytes, 6, nodeDepth);
    setU32(bytes, 8, generation);
    entries.forEach((entry, i) => entry.write(bytes, HEADER + i * ENTRY));
  }
}

/** Writes the checksum tail of a node block. */
export function sealExtentBlock(inodeSeed: number, block: Uint8Array): void {
  setU32(block, extentTailOffset(block), extentBlockChecksum(inodeSeed, block));
}
