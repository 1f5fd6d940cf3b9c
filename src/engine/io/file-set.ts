import type { ByteSource } from './byte-source';
import { BlobSource } from './blob-source';

/**
 * What the user handed us: one file (an OVA, a disk, a descriptor) or several (a multi-file selection, a
 * dropped folder). An OVF descriptor names its disks by relative href; `find` resolves those names among the
 * same selection, or (in Node) in the descriptor's folder.
 */
export interface FileSet {
  /** The files as given, each named by its path relative to the selection (or as given on the command line). */
  readonly entries: readonly ByteSource[];
  /** A file next to `relativeTo` (or at the top of the selection) by relative path, or null when absent. */
  find(relativePath: string, relativeTo?: string): Promise<ByteSource | null>;
}

/** Joins an OVF href onto the folder of the file that references it; normalises `./` and `a/../`. */
export function resolveRelative(relativePath: string, relativeTo?: string): string {
  const base = relativeTo?.includes('/') ? relativeTo.slice(0, relativeTo.lastIndexOf('/') + 1) : '';
  const parts: string[] = [];
  for (const part of (base + relativePath.replace(/\\/g, '/')).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

export interface NamedBlob {
  blob: Blob;
  /** Path relative to the selection (`webkitRelativePath` for a folder) or just the file name. */
  path: string;
}

/** A browser selection (picker, drop, launch queue) as a FileSet. Names are matched exactly, then by base name. */
export function blobFileSet(files: readonly NamedBlob[]): FileSet {
  const entries = files.map(({ blob, path }) => new BlobSource(blob, path));
  const byPath = new Map(entries.map((entry) => [entry.name, entry]));
  // A folder picker prefixes every path with the folder's own name; an href never includes it.
  const byTail = new Map<string, BlobSource>();
  for (const entry of entries) {
    const slash = entry.name.indexOf('/');
    if (slash >= 0) byTail.set(entry.name.slice(slash + 1), entry);
  }
  return {
    entries,
    async find(relativePath, relativeTo) {
      const wanted = resolveRelative(relativePath, relativeTo);
      return byPath.get(wanted) ?? byTail.get(wanted) ?? byPath.get(resolveRelative(relativePath)) ?? null;
    },
  };
}
