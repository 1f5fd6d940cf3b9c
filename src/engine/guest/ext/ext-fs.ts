import { VmferryError } from '../../errors';
import type { BlockDevice } from '../block-device';
import type { GuestFileStat, GuestFs } from '../guest-fs';
import { BlockIo } from './block-io';
import type { DirEntry } from './directory';
import { ExtVolume } from './ext-volume';
import { COMPAT, INCOMPAT, RO_COMPAT, featureNames } from './features';
import { groupDescriptorChecksumProblem, readGroupDescriptors } from './group-descriptors';
import { INODE_FLAG, ROOT_INODE, S_IFDIR, S_IFLNK, S_IFMT, inodeType, type ExtInode } from './inode';
import { journalRefusal } from './journal-superblock';
import { resolvePath, type PathLookup } from './path-resolution';
import { filesystemRefusal } from './refusals';
import {
  STATE_ERROR,
  STATE_VALID,
  SUPERBLOCK_OFFSET,
  SUPERBLOCK_SIZE,
  hasJournal,
  hasMetadataCsum,
  metadataChecksumSeed,
  parseSuperblock,
  storedSuperblockChecksum,
  superblockChecksum,
  type Superblock,
} from './superblock';
import { planFileWrite } from './write-file';

export interface ExtOpenOptions {
  /** The clock for mtime/ctime of rewritten files (milliseconds since the epoch); tests pin it. */
  now?: () => number;
}

/** A reason not to write, and whether it is corruption (a checksum) or a feature or state we will not touch. */
interface Refusal {
  code: 'unsupported' | 'corrupt';
  reason: string;
}

/** Opens the ext2/ext3/ext4 filesystem on `device`: reads the superblock and descriptors, checks whether writing is safe. */
export async function openExt(device: BlockDevice, options: ExtOpenOptions = {}): Promise<ExtFs> {
  const raw = await device.read(SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE);
  const sb = parseSuperblock(raw, device.name);
  if (sb.blocksCount * sb.blockSize > device.size) {
    throw new VmferryError('truncated', `The ext filesystem is ${sb.blocksCount} blocks of ${sb.blockSize} bytes, more than the ${device.size}-byte device holds`, {
      file: device.name,
    });
  }
  const io = new BlockIo(device, sb.blockSize, sb.blocksCount);
  const volume = new ExtVolume(io, sb, await readGroupDescriptors(io, sb), metadataChecksumSeed(sb));
  const refusal = await checkWritable(volume);
  return new ExtFs(volume, refusal, options.now ?? Date.now);
}

async function checkWritable(volume: ExtVolume): Promise<Refusal | null> {
  const { sb } = volume;
  const checksums: string[] = [];
  if (hasMetadataCsum(sb) && storedSuperblockChecksum(sb.raw) !== superblockChecksum(sb.raw)) {
    checksums.push(`superblock checksum is 0x${storedSuperblockChecksum(sb.raw).toString(16)}, computed 0x${superblockChecksum(sb.raw).toString(16)}`);
  }
  for (const descriptor of volume.descriptors) {
    const problem = groupDescriptorChecksumProblem(sb, volume.seed, descriptor);
    if (problem) checksums.push(problem);
  }
  for (const problem of checksums) volume.warn(`ext: ${problem}`);
  if (checksums.length > 0) {
    const more = checksums.length > 1 ? ` (and ${checksums.length - 1} more checksum errors)` : '';
    return { code: 'corrupt', reason: `${checksums[0]}${more}; run e2fsck` };
  }
  const feature = filesystemRefusal(sb);
  if (feature) return { code: 'unsupported', reason: feature };
  if (hasJournal(sb)) {
    try {
      const journal = await volume.readInode(sb.journalInum);
      const { runs } = await volume.mapping(journal, 1);
      const first = runs[0];
      if (!first || first.logical !== 0) return { code: 'corrupt', reason: 'journal: its first block (the journal superblock) is not mapped' };
      const problem = journalRefusal(await volume.io.block(first.physical, 'the journal superblock'));
      if (problem) return { code: 'unsupported', reason: problem };
    } catch (error) {
      if (error instanceof VmferryError) return { code: 'corrupt', reason: `journal: ${error.message}` };
      throw error;
    }
  }
  return null;
}

/**
 * An ext2/ext3/ext4 filesystem, read in TypeScript and edited in place (see write-file.ts). Implements GuestFs
 * plus what inspection wants to show: superblock facts, inode numbers, raw inodes and directory entries.
 */
export class ExtFs implements GuestFs {
  constructor(
    private readonly volume: ExtVolume,
    private readonly refusal: Refusal | null,
    private readonly now: () => number,
  ) {}

  private get sb(): Superblock {
    return this.volume.sb;
  }

  /** ext4 when any feature beyond ext3's is on, ext3 with a journal, else ext2 (the rule blkid applies). */
  get type(): 'ext2' | 'ext3' | 'ext4' {
    const ext3Incompat = INCOMPAT.filetype | INCOMPAT.recover | INCOMPAT.metaBg;
    const ext3RoCompat = RO_COMPAT.sparseSuper | RO_COMPAT.largeFile | RO_COMPAT.btreeDir;
    if (this.sb.incompat & ~ext3Incompat || this.sb.roCompat & ~ext3RoCompat) return 'ext4';
    return this.sb.compat & COMPAT.hasJournal ? 'ext3' : 'ext2';
  }

  get uuid(): string | null {
    const hex = [...this.sb.uuid].map((b) => b.toString(16).padStart(2, '0')).join('');
    if (/^0+$/.test(hex)) return null;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  get label(): string | null {
    return this.sb.volumeName || null;
  }

  get deviceName(): string {
    return this.volume.name;
  }

  get blockSize(): number {
    return this.sb.blockSize;
  }

  /** Feature names as dumpe2fs prints them. */
  get features(): string[] {
    return featureNames(this.sb);
  }

  /** s_state: clean (cleanly unmounted), not clean (mounted or crashed), errors (the kernel saw errors). */
  get state(): 'clean' | 'not clean' | 'errors' {
    if (this.sb.state & STATE_ERROR) return 'errors';
    return this.sb.state & STATE_VALID ? 'clean' : 'not clean';
  }

  /** Where it was last mounted (s_last_mounted), which tells /boot from / when fstab cannot. */
  get lastMountPoint(): string | null {
    return this.sb.lastMounted || null;
  }

  get superblock(): Readonly<Superblock> {
    return this.sb;
  }

  /** Checksum mismatches met so far while reading (the data was returned anyway). */
  get warnings(): string[] {
    return this.volume.warnings;
  }

  get writeRefusal(): string | null {
    return this.refusal?.reason ?? null;
  }

  readInode(number: number): Promise<ExtInode> {
    return this.volume.readInode(number);
  }

  /** The inode number `path` names (following symlinks, the last one too unless `followLast` is false), or null. */
  inodeOf(path: string, followLast = true): Promise<number | null> {
    return resolvePath(path, followLast, this.lookup());
  }

  async stat(path: string): Promise<GuestFileStat | null> {
    const number = await this.inodeOf(path);
    if (number === null) return null;
    const inode = await this.volume.readInode(number);
    return { type: inodeType(inode.mode), size: inode.size, inode: number, mode: inode.mode };
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    const inode = await this.inodeAt(path, true);
    if (!inode || inodeType(inode.mode) !== 'file') return null;
    return this.volume.readData(inode);
  }

  async readlink(path: string): Promise<string | null> {
    const inode = await this.inodeAt(path, false);
    if (!inode || (inode.mode & S_IFMT) !== S_IFLNK) return null;
    return this.volume.symlinkTarget(inode);
  }

  async list(path: string): Promise<string[] | null> {
    const entries = await this.directoryEntries(path);
    return entries && entries.map((entry) => entry.name).filter((name) => name !== '.' && name !== '..');
  }

  /** The directory's entries as stored, "." and ".." included, with inode numbers and file types; null if not a directory. */
  async directoryEntries(path: string): Promise<DirEntry[] | null> {
    const inode = await this.inodeAt(path, true);
    if (!inode || (inode.mode & S_IFMT) !== S_IFDIR) return null;
    return [...(await this.volume.directoryEntries(inode))];
  }

  async writeFile(path: string, contents: Uint8Array): Promise<void> {
    if (this.refusal) {
      throw new VmferryError(this.refusal.code, `Cannot edit ${path}: ${this.refusal.reason}`, { file: this.deviceName });
    }
    const number = await this.inodeOf(path);
    if (number === null) throw new VmferryError('missing-file', `Cannot edit ${path}: no such file in the ext filesystem`, { file: this.deviceName });
    const inode = await this.volume.readInode(number, true);
    const writes = await planFileWrite(this.volume, inode, contents, this.now());
    this.volume.forgetCaches();
    for (const write of writes) await this.volume.io.device.write(write.offset, write.bytes);
    await this.reload();
  }

  /** After a write: the superblock and descriptors as they now are, for the next edit. */
  private async reload(): Promise<void> {
    const raw = await this.volume.io.bytes(SUPERBLOCK_OFFSET, SUPERBLOCK_SIZE, 'the superblock');
    this.volume.sb = parseSuperblock(raw, this.deviceName);
    this.volume.descriptors = await readGroupDescriptors(this.volume.io, this.volume.sb);
  }

  private async inodeAt(path: string, followLast: boolean): Promise<ExtInode | null> {
    const number = await this.inodeOf(path, followLast);
    return number === null ? null : this.volume.readInode(number);
  }

  private lookup(): PathLookup<ExtInode & { isDirectory: boolean; isSymlink: boolean }> {
    const volume = this.volume;
    return {
      root: ROOT_INODE,
      deviceName: volume.name,
      node: async (number) => {
        const inode = await volume.readInode(number);
        return { ...inode, isDirectory: (inode.mode & S_IFMT) === S_IFDIR, isSymlink: (inode.mode & S_IFMT) === S_IFLNK };
      },
      child: async (directory, name) => {
        const dir = await volume.readInode(directory);
        const entries = await volume.directoryEntries(dir);
        const exact = entries.find((entry) => entry.name === name);
        if (exact) return exact.inode;
        // A casefolded directory (casefold feature) matches names without regard to case.
        if (dir.flags & INODE_FLAG.casefold) return entries.find((entry) => entry.name.toLowerCase() === name.toLowerCase())?.inode ?? null;
        return null;
      },
      linkTarget: (node) => volume.symlinkTarget(node),
    };
  }
}
