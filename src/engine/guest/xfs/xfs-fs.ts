import { VmferryError } from '../../errors';
import { concatBytes } from '../../io/bytes';
import type { BlockDevice } from '../block-device';
import { resolvePath, type PathLookup, type PathNode } from '../ext/path-resolution';
import type { GuestFileStat, GuestFs } from '../guest-fs';
import { hasMagic } from '../partitions/bytes';
import { readExtents, readMapped } from './xfs-bmap';
import { readDirectory, type XfsDirEntry } from './xfs-directory';
import { FORMAT_LOCAL, readXfsInode, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type XfsInode } from './xfs-inode';
import { readXfsSuperblock, type XfsGeometry } from './xfs-superblock';

/**
 * An XFS filesystem (v4 and v5), read-only: what guest inspection needs from a RHEL 7+ root or /boot. Writing
 * would need XFS log replay checks and allocation btrees, so it is refused (see notes §4.2).
 * Path lookup follows symlinks as the kernel does (the shared resolver from ext), and stays inside this
 * filesystem.
 */
const MAX_READ_BYTES = 64 * 1024 * 1024;
/** Symlink targets are at most 1024 bytes (XFS_SYMLINK_MAXLEN). */
const MAX_SYMLINK = 1024;

interface XfsNode extends PathNode {
  inode: XfsInode;
}

export async function openXfsFs(device: BlockDevice): Promise<GuestFs> {
  return new XfsFs(device, await readXfsSuperblock(device));
}

class XfsFs implements GuestFs {
  readonly type = 'xfs';
  readonly writeRefusal = 'XFS filesystems are read-only in VM Ferry (rewriting needs log and allocation B+tree support)';
  private readonly inodes = new Map<bigint, XfsInode>();
  /** Directories already read, so that walking a tree does not re-read each parent for every child. */
  private readonly directories = new Map<bigint, XfsDirEntry[]>();

  constructor(
    private readonly device: BlockDevice,
    private readonly geometry: XfsGeometry,
  ) {}

  get uuid(): string {
    return this.geometry.uuid;
  }
  get label(): string | null {
    return this.geometry.label;
  }
  get deviceName(): string {
    return this.device.name;
  }

  async stat(path: string): Promise<GuestFileStat | null> {
    const inode = await this.inodeAt(path, true);
    if (!inode) return null;
    const kind = inode.mode & S_IFMT;
    const type = kind === S_IFDIR ? 'directory' : kind === S_IFREG ? 'file' : kind === S_IFLNK ? 'symlink' : 'other';
    return { type, size: inode.size, inode: Number(inode.number), mode: inode.mode };
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    const inode = await this.inodeAt(path, true);
    if (!inode || (inode.mode & S_IFMT) !== S_IFREG) return null;
    if (inode.size > MAX_READ_BYTES) {
      throw new VmferryError('unsupported', `XFS: ${path} is ${inode.size} bytes, more than the ${MAX_READ_BYTES}-byte read limit`, { file: this.device.name });
    }
    if (inode.format === FORMAT_LOCAL) return inode.dataFork.slice(0, inode.size);
    return readMapped(this.device, this.geometry, await readExtents(this.device, this.geometry, inode), 0, inode.size);
  }

  async readlink(path: string): Promise<string | null> {
    const inode = await this.inodeAt(path, false);
    return inode && (inode.mode & S_IFMT) === S_IFLNK ? this.symlinkTarget(inode) : null;
  }

  async list(path: string): Promise<string[] | null> {
    const inode = await this.inodeAt(path, true);
    if (!inode || (inode.mode & S_IFMT) !== S_IFDIR) return null;
    return (await this.directory(inode)).filter((entry) => entry.name !== '..').map((entry) => entry.name);
  }

  async writeFile(path: string): Promise<void> {
    throw new VmferryError('unsupported', `Cannot change ${path}: ${this.writeRefusal}`, { file: this.device.name });
  }

  private async inodeAt(path: string, followLast: boolean): Promise<XfsInode | null> {
    const number = await resolvePath(path, followLast, this.lookup());
    return number === null ? null : this.inode(BigInt(number));
  }

  private lookup(): PathLookup<XfsNode> {
    const node = async (number: number): Promise<XfsNode> => {
      const inode = await this.inode(BigInt(number));
      const kind = inode.mode & S_IFMT;
      return { inode, isDirectory: kind === S_IFDIR, isSymlink: kind === S_IFLNK };
    };
    return {
      root: Number(this.geometry.rootInode),
      node,
      child: async (directory, name) => {
        const entries = await this.directory(await this.inode(BigInt(directory)));
        const entry = entries.find((candidate) => candidate.name === name);
        return entry ? Number(entry.inode) : null;
      },
      linkTarget: (found) => this.symlinkTarget(found.inode),
      deviceName: this.device.name,
    };
  }

  private async directory(inode: XfsInode): Promise<XfsDirEntry[]> {
    let entries = this.directories.get(inode.number);
    if (!entries) {
      entries = await readDirectory(this.device, this.geometry, inode);
      if (this.directories.size > 64) this.directories.clear();
      this.directories.set(inode.number, entries);
    }
    return entries;
  }

  private async inode(number: bigint): Promise<XfsInode> {
    let inode = this.inodes.get(number);
    if (!inode) {
      inode = await readXfsInode(this.device, this.geometry, number);
      if (this.inodes.size > 4096) this.inodes.clear();
      this.inodes.set(number, inode);
    }
    return inode;
  }

  /** Inline in the inode, or in remote blocks that on v5 each begin with a 56-byte "XSLM" header. */
  private async symlinkTarget(inode: XfsInode): Promise<string> {
    if (inode.size === 0 || inode.size > MAX_SYMLINK) {
      throw new VmferryError('corrupt', `XFS symlink inode ${inode.number} has an impossible length ${inode.size}`, { file: this.device.name });
    }
    if (inode.format === FORMAT_LOCAL) return new TextDecoder().decode(inode.dataFork.subarray(0, inode.size));
    const extents = await readExtents(this.device, this.geometry, inode);
    if (this.geometry.version === 4) {
      return new TextDecoder().decode(await readMapped(this.device, this.geometry, extents, 0, inode.size));
    }
    const header = 56;
    const perBlock = this.geometry.blockSize - header;
    const blocks = Math.ceil(inode.size / perBlock);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < blocks; i++) {
      const block = await readMapped(this.device, this.geometry, extents, i * this.geometry.blockSize, this.geometry.blockSize);
      if (!hasMagic(block, 0, 'XSLM')) {
        throw new VmferryError('corrupt', `XFS symlink inode ${inode.number}: remote block ${i} has no XSLM magic`, { file: this.device.name });
      }
      parts.push(block.subarray(header, header + Math.min(perBlock, inode.size - i * perBlock)));
    }
    return new TextDecoder().decode(concatBytes(parts));
  }
}
