import { VmferryError } from '../../errors';
import { mapBlocks, pointerBlock } from './block-map-build';
import { buildBlockBitmap, buildInodeBitmap } from './bitmap-build';
import { directoryBlocks, FT_DIR, FT_REG_FILE, FT_SYMLINK, type DirectoryEntry } from './directory-build';
import { FIRST_INODE, INODE_SIZE, planGeometry, type ExtGeometry } from './ext-geometry';
import type { FsDirectory, FsNode } from './fs-tree';
import { buildDescriptorTable, type GroupCounts } from './group-descriptor-build';
import { blockPointers, buildInode, S_IFDIR, S_IFLNK, S_IFREG, type InodeFields } from './inode-build';
import { buildJournalSuperblock, defaultJournalBlocks, JOURNAL_INODE, MIN_JOURNAL_BLOCKS } from './journal-build';
import { SequentialAllocator } from './sequential-allocator';
import {
  buildSuperblock,
  COMPAT_HAS_JOURNAL,
  INCOMPAT_FILETYPE,
  RO_COMPAT_SPARSE_SUPER,
  type SuperblockFields,
} from './superblock-build';

export interface ExtFormatOptions {
  /** Names the filesystem in errors ("sda1"). */
  name: string;
  /** ext3: an internal journal in inode 8 and the has_journal feature; ext2 otherwise. */
  journal: boolean;
  sizeBytes: number;
  /** Default 1024, what mke2fs picks for filesystems under 512 MiB. */
  blockSize?: number;
  /** Default 4096 (mke2fs.conf "small"). */
  bytesPerInode?: number;
  /** Default 5 (%), reserved for root. */
  reservedPercent?: number;
  /** Default: mke2fs's size for the filesystem (`defaultJournalBlocks`). */
  journalBlocks?: number;
  uuid: Uint8Array;
  hashSeed: Uint8Array;
  label?: string;
  lastMounted?: string;
  /** Seconds since 1970 for every timestamp. */
  time: number;
  /** The files; lost+found is added. */
  root: FsDirectory;
}

/** The root directory is inode 2 (KDOC `special_inodes.rst`); lost+found is the first normal inode, 11. */
const ROOT_INODE = 2;
const LOST_AND_FOUND = 'lost+found';
/** Fast symlinks keep the target in i_block's 60 bytes, NUL-terminated when shorter (KDOC `inodes.rst`). */
const FAST_SYMLINK_MAX = 59;
/** Beyond 2 GiB a file needs the large_file feature, which these filesystems do not carry. */
const MAX_FILE_SIZE = 2 ** 31 - 1;

interface Child {
  name: string;
  node: FsNode;
  inode: number;
  /** The directory holding the entry: its ".." when the child is a directory. */
  parent: number;
}

/**
 * Formats an ext2 or ext3 filesystem holding `root`, as `mke2fs -t ext2|ext3 -b 1024 -I 128 -O
 * none,filetype,sparse_super[,has_journal] -d root` would: the same group layout, root directory then
 * lost+found then the journal then the files, every count and bitmap consistent, clean. Returns the
 * filesystem's bytes (block count × block size).
 */
export function formatExt(options: ExtFormatOptions): Uint8Array {
  const blockSize = options.blockSize ?? 1024;
  const geometry = planGeometry(options.sizeBytes, blockSize, options.bytesPerInode ?? 4096, options.name);
  if (options.root.entries[LOST_AND_FOUND]) {
    throw new VmferryError('usage', 'lost+found is made by the formatter; the tree must not have one', { file: options.name });
  }
  const writer = new ExtWriter(geometry, options);
  const rootChildren = writer.writeDirectory({ ...options.root, entries: { [LOST_AND_FOUND]: { kind: 'directory', mode: 0o700, entries: {} }, ...options.root.entries } }, ROOT_INODE, ROOT_INODE);
  writer.populate(rootChildren.slice(0, 1));
  const journal = options.journal ? writer.writeJournal(options.journalBlocks ?? defaultJournalBlocks(geometry.blocksCount)) : null;
  writer.populate(rootChildren.slice(1));
  return writer.finish(journal);
}

class ExtWriter {
  readonly image: Uint8Array;
  private readonly allocator: SequentialAllocator;
  private readonly inodes = new Map<number, Uint8Array>();
  private readonly usedInodes = new Set<number>();
  private readonly directories: number[];
  private nextInode = FIRST_INODE;

  constructor(
    private readonly geometry: ExtGeometry,
    private readonly options: ExtFormatOptions,
  ) {
    this.image = new Uint8Array(geometry.blocksCount * geometry.blockSize);
    this.allocator = new SequentialAllocator(geometry, options.name);
    for (let reserved = 1; reserved < FIRST_INODE; reserved++) this.usedInodes.add(reserved);
    this.directories = geometry.groups.map(() => 0);
  }

  /** Gives the children their inode numbers, writes the directory's blocks and inode; returns the children. */
  writeDirectory(node: FsDirectory, inode: number, parent: number): Child[] {
    const children = Object.entries(node.entries).map(([name, child]) => ({ name, node: child, inode: this.takeInode(), parent: inode }));
    const entries: DirectoryEntry[] = [
      { name: '.', inode, fileType: FT_DIR },
      { name: '..', inode: parent, fileType: FT_DIR },
      ...children.map((child) => ({ name: child.name, inode: child.inode, fileType: fileTypeOf(child.node) })),
    ];
    const bs = this.geometry.blockSize;
    const isLostAndFound = parent === ROOT_INODE && inode === FIRST_INODE;
    // mke2fs grows lost+found to 16 KiB (at least 2 blocks, at most the 12 direct ones), so e2fsck can reconnect
    // orphans without allocating.
    const minBlocks = isLostAndFound ? Math.min(12, Math.max(2, 16384 / bs)) : 1;
    const blocks = directoryBlocks(entries, bs, minBlocks, this.options.name);
    const data = new Uint8Array(blocks.length * bs);
    blocks.forEach((block, i) => data.set(block, i * bs));
    const subdirectories = children.filter((child) => child.node.kind === 'directory').length;
    this.putInode(inode, { mode: S_IFDIR | (node.mode ?? 0o755), linksCount: 2 + subdirectories, ...this.writeData(data) });
    this.directories[this.groupOf(inode)]!++;
    return children;
  }

  populate(children: readonly Child[]): void {
    for (const child of children) {
      const { node, inode } = child;
      if (node.kind === 'directory') {
        this.populate(this.writeDirectory(node, inode, child.parent));
      } else if (node.kind === 'file') {
        if (node.data.length > MAX_FILE_SIZE) throw new VmferryError('unsupported', `${child.name} is over 2 GiB`, { file: this.options.name });
        this.putInode(inode, { mode: S_IFREG | (node.mode ?? 0o644), linksCount: 1, ...this.writeData(node.data) });
      } else {
        this.putInode(inode, { mode: S_IFLNK | 0o777, linksCount: 1, ...this.writeSymlink(node.target, child.name) });
      }
    }
  }

  writeJournal(blocks: number): { iBlock: Uint32Array; size: number } {
    if (blocks < MIN_JOURNAL_BLOCKS) {
      throw new VmferryError('usage', `A ${this.geometry.blocksCount}-block filesystem is too small for a journal of ${MIN_JOURNAL_BLOCKS} blocks or more`, {
        file: this.options.name,
      });
    }
    const bs = this.geometry.blockSize;
    const size = blocks * bs;
    const map = mapBlocks(blocks, bs, () => this.allocator.allocate(), this.options.name);
    this.write(map.data[0]!, buildJournalSuperblock(bs, blocks, this.options.uuid)); // the other blocks stay zero
    for (const indirect of map.indirect) this.write(indirect.block, pointerBlock(indirect.pointers, bs));
    const sectors = ((map.data.length + map.indirect.length) * bs) / 512;
    this.putInode(JOURNAL_INODE, { mode: S_IFREG | 0o600, linksCount: 1, size, sectors, iBlock: blockPointers(map.iBlock) });
    return { iBlock: map.iBlock, size };
  }

  /** Inode tables, bitmaps, descriptors and superblocks, once every file is in place. */
  finish(journal: { iBlock: Uint32Array; size: number } | null): Uint8Array {
    const { geometry: g } = this;
    for (const [inode, bytes] of this.inodes) {
      const group = g.groups[this.groupOf(inode)]!;
      const index = (inode - 1) % g.inodesPerGroup;
      this.image.set(bytes, group.inodeTable * g.blockSize + index * INODE_SIZE);
    }
    const counts: GroupCounts[] = g.groups.map((group) => {
      this.write(group.blockBitmap, buildBlockBitmap(g, group, this.allocator.used));
      this.write(group.inodeBitmap, buildInodeBitmap(g, group, this.usedInodes));
      let usedBlocks = 0;
      for (let block = group.start; block < group.start + group.blocks; block++) usedBlocks += this.allocator.used[block]!;
      let usedInodes = 0;
      for (let i = 1; i <= g.inodesPerGroup; i++) if (this.usedInodes.has(group.index * g.inodesPerGroup + i)) usedInodes++;
      return { freeBlocks: group.blocks - usedBlocks, freeInodes: g.inodesPerGroup - usedInodes, directories: this.directories[group.index]! };
    });
    const fields: SuperblockFields = {
      geometry: g,
      reservedBlocks: Math.floor((g.blocksCount * (this.options.reservedPercent ?? 5)) / 100),
      freeBlocks: counts.reduce((sum, count) => sum + count.freeBlocks, 0),
      freeInodes: counts.reduce((sum, count) => sum + count.freeInodes, 0),
      time: this.options.time,
      features: {
        compat: journal ? COMPAT_HAS_JOURNAL : 0,
        incompat: INCOMPAT_FILETYPE,
        roCompat: RO_COMPAT_SPARSE_SUPER,
      },
      uuid: this.options.uuid,
      hashSeed: this.options.hashSeed,
      volumeName: this.options.label ?? '',
      lastMounted: this.options.lastMounted ?? '',
      journal: journal ? { inode: JOURNAL_INODE, ...journal } : null,
    };
    const table = buildDescriptorTable(g, counts);
    for (const group of g.groups) {
      if (!group.hasSuperblock) continue;
      // The primary superblock is at byte 1024 whatever the block size; a backup starts its group's first block.
      const superblockAt = group.index === 0 ? 1024 : group.start * g.blockSize;
      this.image.set(buildSuperblock(fields, group.index), superblockAt);
      this.image.set(table, (group.start + 1) * g.blockSize);
    }
    return this.image;
  }

  private writeData(data: Uint8Array): Pick<InodeFields, 'size' | 'sectors' | 'iBlock'> {
    const bs = this.geometry.blockSize;
    const map = mapBlocks(Math.ceil(data.length / bs), bs, () => this.allocator.allocate(), this.options.name);
    map.data.forEach((block, i) => this.write(block, data.subarray(i * bs, (i + 1) * bs)));
    for (const indirect of map.indirect) this.write(indirect.block, pointerBlock(indirect.pointers, bs));
    return { size: data.length, sectors: ((map.data.length + map.indirect.length) * bs) / 512, iBlock: blockPointers(map.iBlock) };
  }

  private writeSymlink(target: string, name: string): Pick<InodeFields, 'size' | 'sectors' | 'iBlock'> {
    const bytes = new TextEncoder().encode(target);
    if (bytes.length === 0 || bytes.includes(0) || bytes.length >= this.geometry.blockSize) {
      throw new VmferryError('usage', `Symbolic link ${name} -> "${target}" has an impossible target`, { file: this.options.name });
    }
    if (bytes.length > FAST_SYMLINK_MAX) return this.writeData(bytes);
    const iBlock = new Uint8Array(60);
    iBlock.set(bytes);
    return { size: bytes.length, sectors: 0, iBlock };
  }

  private takeInode(): number {
    if (this.nextInode > this.geometry.inodesCount) throw new VmferryError('usage', 'The filesystem has too few inodes for the files', { file: this.options.name });
    return this.nextInode++;
  }

  private putInode(inode: number, fields: Omit<InodeFields, 'time'>): void {
    this.inodes.set(inode, buildInode({ ...fields, time: this.options.time }));
    this.usedInodes.add(inode);
  }

  private groupOf(inode: number): number {
    return Math.floor((inode - 1) / this.geometry.inodesPerGroup);
  }

  private write(block: number, bytes: Uint8Array): void {
    this.image.set(bytes, block * this.geometry.blockSize);
  }
}

function fileTypeOf(node: FsNode): number {
  return node.kind === 'directory' ? FT_DIR : node.kind === 'file' ? FT_REG_FILE : FT_SYMLINK;
}
