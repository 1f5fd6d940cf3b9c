import { VmferryError } from '../../errors';
import type { BlockIo } from './block-io';
import { readBlockMap, type BlockMapTree } from './block-map';
import { type DirEntry, directoryBlockChecksumProblem, parseDirectoryEntries } from './directory';
import { extentBlockChecksumProblem, readExtentTree } from './extent-tree';
import { INCOMPAT } from './features';
import type { FileMapping } from './file-mapping';
import type { GroupDescriptor } from './group-descriptors';
import { readInlineDirectory, readInlineFile } from './inline-data';
import { INODE_FLAG, S_IFDIR, S_IFLNK, S_IFMT, inodeChecksumProblem, inodeChecksumSeed, inodeDeviceOffset, parseInode, type ExtInode } from './inode';
import { hasMetadataCsum, type Superblock } from './superblock';

/** The most a file read returns at once: beyond this a file is not a configuration file and would exhaust memory. */
export const MAX_READ_BYTES = 1024 * 1024 * 1024;
/** A directory of a million entries is about 40 MiB; beyond this one is forged. */
export const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;
/** Directories kept parsed, so resolving many paths in one directory reads it once. */
const DIRECTORY_CACHE_SIZE = 32;
const READ_CHUNK_BLOCKS_BYTES = 4 * 1024 * 1024;

/**
 * One opened ext2/3/4 filesystem's structures: superblock, descriptors, and reads of inodes, mappings, file
 * data and directories. Checksum mismatches met while reading are warnings (the data is still shown, as
 * debugfs does); `strict` reads, used before writing, turn them into errors.
 */
export class ExtVolume {
  private readonly warningSet = new Set<string>();
  private readonly directoryCache = new Map<number, DirEntry[]>();

  constructor(
    readonly io: BlockIo,
    public sb: Superblock,
    public descriptors: GroupDescriptor[],
    readonly seed: number,
  ) {}

  get name(): string {
    return this.io.name;
  }

  get warnings(): string[] {
    return [...this.warningSet];
  }

  warn(message: string): void {
    this.warningSet.add(message);
  }

  /** Reports a checksum problem: a warning when reading, a 'corrupt' error (refusing the edit) when strict. */
  checksumProblem(problem: string | null, strict: boolean): void {
    if (problem === null) return;
    if (strict) throw new VmferryError('corrupt', `ext: ${problem}; refusing to write`, { file: this.name });
    this.warn(`ext: ${problem}`);
  }

  async readInode(number: number, strict = false): Promise<ExtInode> {
    const offset = inodeDeviceOffset(this.sb, this.descriptors, number, this.name);
    const raw = (await this.io.bytes(offset, this.sb.inodeSize, `inode ${number}`)).slice();
    const inode = parseInode(this.sb, number, raw, offset);
    this.checksumProblem(inodeChecksumProblem(this.sb, this.seed, inode), strict);
    return inode;
  }

  /** Where the inode's blocks are, up to logical block `logicalLimit` (all of them with Infinity). */
  async mapping(inode: ExtInode, logicalLimit: number, strict = false): Promise<FileMapping | BlockMapTree> {
    const walk = { io: this.io, inodeNumber: inode.number, logicalLimit, blockBudget: inode.allocatedBlocks };
    if (inode.flags & INODE_FLAG.extents) {
      const inodeSeed = inodeChecksumSeed(this.seed, inode.number, inode.generation);
      const verifyNode = hasMetadataCsum(this.sb)
        ? (blockNumber: number, block: Uint8Array) => this.checksumProblem(extentBlockChecksumProblem(inodeSeed, block, blockNumber, inode.number), strict)
        : undefined;
      return readExtentTree(inode.blockArea, { ...walk, ...(verifyNode && { verifyNode }) });
    }
    return readBlockMap(inode.blockArea, walk);
  }

  /** The inode's bytes, i_size long: holes and uninitialised extents read as zeros. */
  async readData(inode: ExtInode): Promise<Uint8Array> {
    if (inode.size > MAX_READ_BYTES) {
      throw new VmferryError('unsupported', `ext: inode ${inode.number} is ${inode.size} bytes, more than the ${MAX_READ_BYTES}-byte read limit`, { file: this.name });
    }
    if (inode.flags & INODE_FLAG.inlineData) return readInlineFile(inode, this.name);
    const blockSize = this.sb.blockSize;
    const out = new Uint8Array(inode.size);
    const fileBlocks = Math.ceil(inode.size / blockSize);
    const { runs } = await this.mapping(inode, fileBlocks);
    const chunk = Math.max(1, READ_CHUNK_BLOCKS_BYTES / blockSize);
    for (const run of runs) {
      if (!run.initialized) continue;
      const length = Math.min(run.length, fileBlocks - run.logical);
      for (let done = 0; done < length; done += chunk) {
        const count = Math.min(chunk, length - done);
        const bytes = await this.io.blocks(run.physical + done, count, `inode ${inode.number} data`);
        const at = (run.logical + done) * blockSize;
        out.set(bytes.subarray(0, Math.min(bytes.length, inode.size - at)), at);
      }
    }
    return out;
  }

  /** Forgets cached directories: after a write, or when the device may have changed. */
  forgetCaches(): void {
    this.directoryCache.clear();
  }

  async directoryEntries(inode: ExtInode): Promise<DirEntry[]> {
    const cached = this.directoryCache.get(inode.number);
    if (cached) return cached;
    const entries = await this.readDirectory(inode);
    if (this.directoryCache.size >= DIRECTORY_CACHE_SIZE) this.directoryCache.delete(this.directoryCache.keys().next().value!);
    this.directoryCache.set(inode.number, entries);
    return entries;
  }

  private async readDirectory(inode: ExtInode): Promise<DirEntry[]> {
    if ((inode.mode & S_IFMT) !== S_IFDIR) throw new VmferryError('usage', `ext: inode ${inode.number} is not a directory`, { file: this.name });
    if (inode.size > MAX_DIRECTORY_BYTES) {
      throw new VmferryError('corrupt', `ext: directory inode ${inode.number} claims ${inode.size} bytes`, { file: this.name });
    }
    const parse = {
      hasFileType: (this.sb.incompat & INCOMPAT.filetype) !== 0,
      blockSize: this.sb.blockSize,
      where: `directory inode ${inode.number}`,
      deviceName: this.name,
    };
    if (inode.flags & INODE_FLAG.inlineData) return readInlineDirectory(inode, parse);
    const data = await this.readData(inode);
    const blockSize = this.sb.blockSize;
    const inodeSeed = inodeChecksumSeed(this.seed, inode.number, inode.generation);
    const entries: DirEntry[] = [];
    for (let at = 0; at + blockSize <= data.length; at += blockSize) {
      const block = data.subarray(at, at + blockSize);
      const where = `directory inode ${inode.number} block ${at / blockSize}`;
      if (hasMetadataCsum(this.sb)) this.checksumProblem(directoryBlockChecksumProblem(inodeSeed, block, where), false);
      entries.push(...parseDirectoryEntries(block, { ...parse, where }));
    }
    return entries;
  }

  /**
   * A symlink's target. Fast symlinks keep it in i_block: the kernel's test is "no blocks except an xattr
   * block" (ext4_inode_is_fast_symlink); inline-data and slow symlinks keep it in data.
   */
  async symlinkTarget(inode: ExtInode): Promise<string> {
    if ((inode.mode & S_IFMT) !== S_IFLNK) throw new VmferryError('usage', `ext: inode ${inode.number} is not a symlink`, { file: this.name });
    if (inode.size > this.sb.blockSize || inode.size > 4096) {
      throw new VmferryError('corrupt', `ext: symlink inode ${inode.number} is ${inode.size} bytes long`, { file: this.name });
    }
    const dataBlocks = inode.allocatedBlocks - (inode.fileAcl ? 1 : 0);
    const fast = !(inode.flags & INODE_FLAG.inlineData) && dataBlocks === 0 && inode.size < 60;
    const bytes = fast ? inode.blockArea.subarray(0, inode.size) : await this.readData(inode);
    return new TextDecoder().decode(bytes);
  }
}
