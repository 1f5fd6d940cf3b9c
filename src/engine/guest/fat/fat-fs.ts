import { VmferryError } from '../../errors';
import { concatBytes } from '../../io/bytes';
import type { BlockDevice } from '../block-device';
import type { GuestFileStat, GuestFs } from '../guest-fs';
import { readExactly, readUpTo } from '../partitions/bytes';
import { parseFatBootSector, volumeLabelEntry, type FatGeometry } from '../probe/fat-boot-sector';
import { ATTR_DIRECTORY, parseDirectory, type FatDirEntry } from './fat-directory';
import { FatTable } from './fat-table';

/**
 * A FAT12/16/32 volume, read-only (an EFI system partition holding grub.cfg, an old /boot on FAT). Names are
 * matched without regard to case, as Linux's vfat does, by long name or 8.3 alias. FAT has no symlinks and no
 * inode numbers: `inode` is the first cluster (0 for an empty file).
 */
const MAX_READ_BYTES = 64 * 1024 * 1024;
/** The spec caps a directory at 65,536 entries. */
const MAX_DIRECTORY_BYTES = 65536 * 32;

interface Node {
  directory: boolean;
  /** 0 for the FAT12/16 fixed root, or an empty file. */
  firstCluster: number;
  size: number;
  root: boolean;
  readOnly: boolean;
}

export async function openFatFs(device: BlockDevice): Promise<GuestFs> {
  const geometry = parseFatBootSector(await readExactly(device, 0, 512, 'FAT boot sector'));
  if (!geometry) throw new VmferryError('unknown-format', 'not a FAT filesystem (no valid boot sector)', { file: device.name });
  const fs = new FatFs(device, geometry);
  await fs.init();
  return fs;
}

class FatFs implements GuestFs {
  readonly type = 'vfat';
  readonly writeRefusal = 'FAT filesystems are read-only in VM Ferry';
  label: string | null = null;
  private readonly table: FatTable;
  private readonly clusterBytes: number;

  constructor(
    private readonly device: BlockDevice,
    private readonly geometry: FatGeometry,
  ) {
    this.table = new FatTable(device, geometry);
    this.clusterBytes = geometry.sectorsPerCluster * geometry.bytesPerSector;
  }

  get uuid(): string | null {
    return this.geometry.volumeId;
  }
  get deviceName(): string {
    return this.device.name;
  }

  async init(): Promise<void> {
    this.label = volumeLabelEntry(await this.directoryBytes(this.rootNode(), '/')) ?? this.geometry.bootLabel;
  }

  async stat(path: string): Promise<GuestFileStat | null> {
    const node = await this.lookup(path);
    if (!node) return null;
    const type = node.directory ? 'directory' : 'file';
    const mode = node.directory ? 0o40755 : node.readOnly ? 0o100444 : 0o100644;
    return { type, size: node.directory ? 0 : node.size, inode: node.firstCluster, mode };
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    const node = await this.lookup(path);
    if (!node || node.directory) return null;
    if (node.size > MAX_READ_BYTES) {
      throw new VmferryError('unsupported', `FAT: ${path} is ${node.size} bytes, more than the ${MAX_READ_BYTES}-byte read limit`, { file: this.device.name });
    }
    if (node.size === 0) return new Uint8Array(0);
    const clusters = await this.table.chain(node.firstCluster, path);
    const needed = Math.ceil(node.size / this.clusterBytes);
    if (clusters.length < needed) {
      throw new VmferryError('corrupt', `FAT: ${path} is ${node.size} bytes but its cluster chain holds only ${clusters.length * this.clusterBytes}`, { file: this.device.name });
    }
    const data = await this.readClusters(clusters.slice(0, needed));
    return data.subarray(0, node.size);
  }

  async readlink(): Promise<string | null> {
    return null;
  }

  async list(path: string): Promise<string[] | null> {
    const node = await this.lookup(path);
    if (!node?.directory) return null;
    return (await this.entries(node, path)).map((entry) => entry.name);
  }

  async writeFile(path: string): Promise<void> {
    throw new VmferryError('unsupported', `Cannot change ${path}: ${this.writeRefusal}`, { file: this.device.name });
  }

  private rootNode(): Node {
    return { directory: true, firstCluster: this.geometry.fatType === 32 ? this.geometry.rootCluster : 0, size: 0, root: true, readOnly: false };
  }

  private async lookup(path: string): Promise<Node | null> {
    const stack: Node[] = [this.rootNode()];
    const names = path.split('/').filter((part) => part !== '' && part !== '.');
    let walked = '';
    for (const name of names) {
      const current = stack[stack.length - 1]!;
      if (name === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      if (!current.directory) return null;
      const wanted = name.toLowerCase();
      const entry = (await this.entries(current, walked || '/')).find(
        (candidate) => candidate.name.toLowerCase() === wanted || candidate.shortName.toLowerCase() === wanted,
      );
      if (!entry) return null;
      walked += `/${entry.name}`;
      stack.push({
        directory: (entry.attributes & ATTR_DIRECTORY) !== 0,
        firstCluster: entry.firstCluster,
        size: entry.size,
        root: false,
        readOnly: (entry.attributes & 0x01) !== 0,
      });
    }
    return stack[stack.length - 1]!;
  }

  private async entries(node: Node, path: string): Promise<FatDirEntry[]> {
    return parseDirectory(await this.directoryBytes(node, path), this.geometry.fatType === 32);
  }

  private async directoryBytes(node: Node, path: string): Promise<Uint8Array> {
    if (node.root && this.geometry.fatType !== 32) {
      return readUpTo(this.device, this.geometry.rootDirSector * this.geometry.bytesPerSector, this.geometry.rootEntries * 32);
    }
    // A subdirectory whose first cluster is 0 is the root (a `..` entry); an empty chain cannot be a directory.
    if (node.firstCluster === 0) return this.directoryBytes(this.rootNode(), path);
    const clusters = await this.table.chain(node.firstCluster, `directory ${path}`);
    if (clusters.length * this.clusterBytes > MAX_DIRECTORY_BYTES) {
      throw new VmferryError('corrupt', `FAT: directory ${path} is longer than the 65,536 entries a FAT directory may hold`, { file: this.device.name });
    }
    return this.readClusters(clusters);
  }

  /** Reads clusters, one device read per run of consecutive clusters. */
  private async readClusters(clusters: number[]): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < clusters.length; ) {
      let run = 1;
      while (i + run < clusters.length && clusters[i + run] === clusters[i]! + run) run++;
      const offset = (this.geometry.firstDataSector + (clusters[i]! - 2) * this.geometry.sectorsPerCluster) * this.geometry.bytesPerSector;
      parts.push(await readExactly(this.device, offset, run * this.clusterBytes, 'FAT cluster'));
      i += run;
    }
    return concatBytes(parts);
  }
}
