/**
 * The files a formatted filesystem starts with: what `mke2fs -d` would copy from a directory, described as data.
 * Owners are root; modes are permission bits only (the type comes from the kind). Entries keep their order, which
 * is the order of the directory entries and of inode and block allocation.
 */
export type FsNode = FsDirectory | FsFile | FsSymlink;

export interface FsDirectory {
  kind: 'directory';
  /** Permission bits, default 0o755. */
  mode?: number;
  entries: Record<string, FsNode>;
}

export interface FsFile {
  kind: 'file';
  /** Permission bits, default 0o644. */
  mode?: number;
  data: Uint8Array;
}

export interface FsSymlink {
  kind: 'symlink';
  target: string;
}

export function dir(entries: Record<string, FsNode>, mode?: number): FsDirectory {
  return { kind: 'directory', entries, ...(mode === undefined ? {} : { mode }) };
}

export function file(data: Uint8Array | string, mode?: number): FsFile {
  return { kind: 'file', data: typeof data === 'string' ? new TextEncoder().encode(data) : data, ...(mode === undefined ? {} : { mode }) };
}

export function symlink(target: string): FsSymlink {
  return { kind: 'symlink', target };
}
