/**
 * A mounted-like view of one guest filesystem, what inspection and fixups work with. ext2/3/4 implement all of
 * it (writes are in place and safe, or refused); read-only filesystems (XFS, FAT) refuse writes with a clear
 * 'unsupported' error.
 */
export interface GuestFileStat {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** The inode number (ext, XFS); stays the same when a file is rewritten in place. */
  inode: number;
  mode: number;
}

export interface GuestFs {
  /** ext2, ext3, ext4, xfs, vfat, ... */
  readonly type: string;
  readonly uuid: string | null;
  readonly label: string | null;
  /** The device it lives on, for messages. */
  readonly deviceName: string;
  /** Follows symlinks inside the filesystem (`/boot/grub/menu.lst -> ./grub.conf`); null when absent. */
  stat(path: string): Promise<GuestFileStat | null>;
  readFile(path: string): Promise<Uint8Array | null>;
  readlink(path: string): Promise<string | null>;
  /** Names in a directory (without `.` and `..`), or null when it is not a directory. */
  list(path: string): Promise<string[] | null>;
  /** Replaces an existing regular file's contents in place (same inode, owner, mode, labels). */
  writeFile(path: string, contents: Uint8Array): Promise<void>;
  /** Why writing is refused on this filesystem (needs recovery, unsupported feature...), or null when it is safe. */
  readonly writeRefusal: string | null;
}
