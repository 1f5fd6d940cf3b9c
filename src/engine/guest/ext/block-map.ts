import { VmferryError } from '../../errors';
import type { BlockIo } from './block-io';
import { pushMapped, type FileMapping } from './file-mapping';
import { setU32, u32 } from './little-endian';

/**
 * The ext2/ext3 block map (KDOC `blockmap.rst`): i_block[0..11] point at data blocks, i_block[12] at a block of
 * pointers (single indirect), [13] at a block of pointers to pointer blocks (double), [14] triple. A zero pointer
 * is a hole: everything below it reads as zeros. Indirect blocks carry no checksum.
 *
 * Every indirect block has a key naming its place ("1"; "2", "2.j"; "3", "3.j", "3.j.k"), so a rewrite can keep
 * the blocks that stay in the same place and knows which to add or free.
 */
const DIRECT = 12;

export interface BlockMapWalk {
  io: BlockIo;
  inodeNumber: number;
  logicalLimit: number;
  blockBudget: number;
}

export interface BlockMapTree extends FileMapping {
  /** Indirect block number by key. */
  nodes: Map<string, number>;
}

export async function readBlockMap(blockArea: Uint8Array, walk: BlockMapWalk): Promise<BlockMapTree> {
  const tree: BlockMapTree = { runs: [], mappingBlocks: [], nodes: new Map() };
  let budget = Math.min(walk.blockBudget, walk.io.blocksCount);
  const visited = new Set<number>();
  const where = `inode ${walk.inodeNumber} block map`;
  const spend = (block: number, what: string) => {
    walk.io.checkRange(block, 1, `${where} ${what}`);
    if (--budget < 0) throw new VmferryError('corrupt', `ext: ${where} maps more blocks than the inode's i_blocks allows`, { file: walk.io.name });
  };
  const p = walk.io.blockSize / 4;
  for (let i = 0; i < DIRECT && i < walk.logicalLimit; i++) {
    const block = u32(blockArea, i * 4);
    if (block === 0) continue;
    spend(block, `direct pointer ${i}`);
    pushMapped(tree.runs, i, block);
  }
  const visit = async (block: number, key: string, level: number, firstLogical: number): Promise<void> => {
    spend(block, `indirect block ${key}`);
    if (visited.has(block)) throw new VmferryError('corrupt', `ext: ${where} reaches indirect block ${block} twice`, { file: walk.io.name });
    visited.add(block);
    tree.nodes.set(key, block);
    tree.mappingBlocks.push(block);
    const pointers = await walk.io.block(block, `${where} indirect block ${key}`);
    const span = p ** (level - 1);
    for (let slot = 0; slot < p; slot++) {
      const logical = firstLogical + slot * span;
      if (logical >= walk.logicalLimit) return;
      const child = u32(pointers, slot * 4);
      if (child === 0) continue;
      if (level === 1) {
        spend(child, `pointer ${key}.${slot}`);
        pushMapped(tree.runs, logical, child);
      } else {
        await visit(child, `${key}.${slot}`, level - 1, logical);
      }
    }
  };
  let first = DIRECT;
  for (let level = 1; level <= 3; level++) {
    const top = u32(blockArea, (DIRECT + level - 1) * 4);
    if (top !== 0 && first < walk.logicalLimit) await visit(top, String(level), level, first);
    first += p ** level;
  }
  return tree;
}

/** The indirect blocks on the way to logical block `logical`, top first, and the slot used in i_block and in each. */
export function blockMapPath(logical: number, p: number): { nodes: string[]; slots: number[] } {
  if (logical < DIRECT) return { nodes: [], slots: [logical] };
  let rest = logical - DIRECT;
  for (let level = 1; level <= 3; level++) {
    const span = p ** level;
    if (rest < span) {
      const nodes = [String(level)];
      const slots = [DIRECT + level - 1];
      for (let depth = level - 1; depth >= 0; depth--) {
        const slot = Math.floor(rest / p ** depth) % p;
        slots.push(slot);
        if (depth > 0) nodes.push(`${nodes[nodes.length - 1]}.${slot}`);
      }
      return { nodes, slots };
    }
    rest -= span;
  }
  throw new VmferryError('unsupported', `ext: logical block ${logical} is beyond what a block map can address`);
}

/** The largest file a block map can address, in blocks. */
export function blockMapCapacity(p: number): number {
  return DIRECT + p + p ** 2 + p ** 3;
}

/**
 * Indirect block keys a dense file of `count` blocks needs, in the order a writer meets them. Every indirect
 * block starts covering at 12 + a multiple of p, so looking at those logical blocks finds them all.
 */
export function blockMapNodeKeys(count: number, p: number): string[] {
  const keys = new Set<string>();
  for (let logical = DIRECT; logical < count; logical += p) {
    for (const key of blockMapPath(logical, p).nodes) keys.add(key);
  }
  return [...keys];
}

/** Writes a dense block map: i_block and the indirect blocks, for data blocks `physical[0..count)`. */
export function encodeBlockMap(physical: readonly number[], nodes: ReadonlyMap<string, number>, blockSize: number): { blockArea: Uint8Array; blocks: { block: number; bytes: Uint8Array }[] } {
  const p = blockSize / 4;
  const blockArea = new Uint8Array(60);
  const contents = new Map<string, Uint8Array>();
  const nodeBlock = (key: string) => {
    const block = nodes.get(key);
    if (block === undefined) throw new VmferryError('usage', `ext: no block given for indirect block ${key}`);
    return block;
  };
  physical.forEach((data, logical) => {
    const { nodes: path, slots } = blockMapPath(logical, p);
    const targets = [...path.map(nodeBlock), data];
    setU32(blockArea, slots[0]! * 4, targets[0]!);
    path.forEach((key, depth) => {
      let bytes = contents.get(key);
      if (!bytes) contents.set(key, (bytes = new Uint8Array(blockSize)));
      setU32(bytes, slots[depth + 1]! * 4, targets[depth + 1]!);
    });
  });
  return { blockArea, blocks: [...contents].map(([key, bytes]) => ({ block: nodeBlock(key), bytes })) };
}
