import type { GuestFileStat, GuestFs } from '../../../../src/engine/guest/guest-fs';
import type { GuestVolumeView } from '../../../../src/engine/guest/inspect/guest-tree';

/**
 * A GuestFs held in memory, for unit tests of inspection and fixups: files, directories (implied by paths) and
 * symlinks; `writeFile` keeps the inode number, as the ext writer does, and honours a configured refusal.
 */
type Node = { kind: 'file'; inode: number; bytes: Uint8Array } | { kind: 'dir'; inode: number } | { kind: 'symlink'; inode: number; target: string };

export class MemoryGuestFs implements GuestFs {
  readonly nodes = new Map<string, Node>();
  writes: string[] = [];
  private nextInode = 2;

  constructor(
    files: Record<string, string | Uint8Array | { symlink: string }>,
    readonly type = 'ext4',
    readonly uuid: string | null = null,
    readonly label: string | null = null,
    readonly deviceName = 'memory',
    public writeRefusal: string | null = null,
  ) {
    this.nodes.set('/', { kind: 'dir', inode: this.nextInode++ });
    for (const [path, content] of Object.entries(files)) {
      this.ensureParents(path);
      if (path.endsWith('/')) {
        this.ensureDir(path.slice(0, -1));
      } else if (typeof content === 'object' && 'symlink' in content) {
        this.nodes.set(path, { kind: 'symlink', inode: this.nextInode++, target: content.symlink });
      } else {
        this.nodes.set(path, { kind: 'file', inode: this.nextInode++, bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content });
      }
    }
  }

  text(path: string): string {
    const node = this.resolve(path);
    if (node?.kind !== 'file') throw new Error(`no file ${path}`);
    return new TextDecoder().decode(node.bytes);
  }

  async stat(path: string): Promise<GuestFileStat | null> {
    const node = this.resolve(path);
    if (!node) return null;
    const type = node.kind === 'dir' ? 'directory' : node.kind === 'file' ? 'file' : 'symlink';
    return { type, size: node.kind === 'file' ? node.bytes.length : 0, inode: node.inode, mode: 0o644 };
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    const node = this.resolve(path);
    return node?.kind === 'file' ? node.bytes.slice() : null;
  }

  async readlink(path: string): Promise<string | null> {
    const node = this.nodes.get(normal(path));
    return node?.kind === 'symlink' ? node.target : null;
  }

  async list(path: string): Promise<string[] | null> {
    const dir = normal(path);
    if (this.resolve(dir)?.kind !== 'dir') return null;
    const prefix = dir === '/' ? '/' : dir + '/';
    const names = new Set<string>();
    for (const key of this.nodes.keys()) {
      if (key !== dir && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) names.add(key.slice(prefix.length));
    }
    return [...names];
  }

  async writeFile(path: string, contents: Uint8Array): Promise<void> {
    if (this.writeRefusal) throw new Error(`refused: ${this.writeRefusal}`);
    const node = this.nodes.get(normal(path));
    if (node?.kind !== 'file') throw new Error(`${path} is not a regular file`);
    node.bytes = contents.slice();
    this.writes.push(path);
  }

  /** Follows symlinks within this filesystem (relative ones only; absolute ones from the fs root). */
  private resolve(path: string, hops = 0): Node | null {
    if (hops > 40) return null;
    const parts = normal(path).split('/').filter(Boolean);
    let current = '';
    for (let i = 0; i < parts.length; i++) {
      const next = `${current}/${parts[i]}`;
      const node = this.nodes.get(next);
      if (!node) return null;
      if (node.kind === 'symlink') {
        const target = node.target.startsWith('/') ? node.target : `${current}/${node.target}`;
        return this.resolve([target, ...parts.slice(i + 1)].join('/'), hops + 1);
      }
      current = next;
    }
    return this.nodes.get(current || '/') ?? null;
  }

  private ensureParents(path: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) this.ensureDir('/' + parts.slice(0, i).join('/'));
  }

  private ensureDir(path: string): void {
    if (!this.nodes.has(path)) this.nodes.set(path, { kind: 'dir', inode: this.nextInode++ });
  }
}

function normal(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** A volume around a memory filesystem. */
export function memoryVolume(
  id: string,
  where: { disk?: number; partition?: number | null; lvm?: { vg: string; lv: string } },
  fs: MemoryGuestFs | null,
  extra: Partial<GuestVolumeView> = {},
): GuestVolumeView {
  return {
    id,
    diskIndex: where.lvm ? null : where.disk ?? 0,
    partition: where.lvm ? null : where.partition === undefined ? null : where.partition,
    lvm: where.lvm ?? null,
    type: fs?.type ?? 'swap',
    uuid: fs?.uuid ?? null,
    label: fs?.label ?? null,
    fs,
    ...extra,
  };
}
