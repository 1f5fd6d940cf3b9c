import type { GuestFs } from '../guest-fs';

/**
 * One volume of the guest as inspection sees it: where it is (disk and partition, or VG/LV), what is on it, and
 * the filesystem when VM Ferry can read it. `openGuest` builds these from the partition/LVM/probe layer.
 */
export interface GuestVolumeView {
  /** `disk1.vmdk partition 2`, `VolGroup00/LogVol00`: unique, used as the filesystem id everywhere. */
  id: string;
  /** Position of the disk in the appliance (0 = first), for partitions and whole-disk filesystems; null for LVs. */
  diskIndex: number | null;
  /** Linux partition number (MBR logical partitions from 5), null for a whole disk or an LV. */
  partition: number | null;
  lvm: { vg: string; lv: string } | null;
  /** ext2, ext3, ext4, xfs, swap, vfat, LVM2_member, ... or null when not recognised. */
  type: string | null;
  uuid: string | null;
  label: string | null;
  /** The partition entry's PARTUUID / PARTLABEL (GPT unique GUID and name; MBR `<signature>-<n>`), when known. */
  partUuid?: string | null;
  partLabel?: string | null;
  fs: GuestFs | null;
}

export interface Mount {
  mountpoint: string;
  volume: GuestVolumeView & { fs: GuestFs };
}

export interface ResolvedPath {
  mount: Mount;
  /** The path inside that filesystem. */
  inner: string;
}

const MAX_SYMLINK_HOPS = 40; // as Linux's MAXSYMLINKS

/**
 * The guest's directory tree as mounted by its fstab: each guest path goes to the filesystem of the longest
 * mountpoint above it. Symlinks are followed across mounts (`/boot/grub/menu.lst -> ./grub.conf`, `/lib ->
 * usr/lib`), so reads and edits land on the real file.
 */
export class GuestTree {
  private readonly mounts: Mount[];

  constructor(mounts: Mount[]) {
    this.mounts = [...mounts].sort((a, b) => b.mountpoint.length - a.mountpoint.length);
  }

  get mountList(): readonly Mount[] {
    return this.mounts;
  }

  /** Which filesystem a (symlink-free) guest path lives on. */
  locate(path: string): ResolvedPath | null {
    const normal = normalisePath(path);
    for (const mount of this.mounts) {
      const mp = mount.mountpoint;
      if (mp === '/' || normal === mp || normal.startsWith(mp + '/')) {
        const inner = mp === '/' ? normal : normal.slice(mp.length) || '/';
        return { mount, inner };
      }
    }
    return null;
  }

  /** The guest path with every symlink resolved, or null when a component is missing or links loop. */
  async realpath(path: string): Promise<string | null> {
    let pending = normalisePath(path).split('/').filter(Boolean);
    let done = '';
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (name === '.') continue;
      if (name === '..') {
        done = done.slice(0, done.lastIndexOf('/'));
        continue;
      }
      const candidate = `${done}/${name}`;
      const where = this.locate(candidate);
      if (!where) return null;
      const target = await where.mount.volume.fs.readlink(where.inner);
      if (target === null) {
        done = candidate;
        continue;
      }
      if (++hops > MAX_SYMLINK_HOPS) return null;
      const rest = target.split('/').filter(Boolean);
      if (target.startsWith('/')) done = '';
      pending = [...rest, ...pending];
    }
    return done || '/';
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    const real = await this.realpath(path);
    if (real === null) return null;
    const where = this.locate(real);
    return where ? where.mount.volume.fs.readFile(where.inner) : null;
  }

  async isDirectory(path: string): Promise<boolean> {
    const stat = await this.statReal(path);
    return stat?.type === 'directory';
  }

  async isFile(path: string): Promise<boolean> {
    const stat = await this.statReal(path);
    return stat?.type === 'file';
  }

  async list(path: string): Promise<string[]> {
    const real = await this.realpath(path);
    const where = real === null ? null : this.locate(real);
    const names = where ? await where.mount.volume.fs.list(where.inner) : null;
    return names ? [...names].sort() : [];
  }

  private async statReal(path: string) {
    const real = await this.realpath(path);
    const where = real === null ? null : this.locate(real);
    return where ? where.mount.volume.fs.stat(where.inner) : null;
  }
}

/** `/boot//grub/./menu.lst` → `/boot/grub/menu.lst`; `..` climbs (never above `/`). */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}
