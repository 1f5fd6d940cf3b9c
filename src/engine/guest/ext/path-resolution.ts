import { VmferryError } from '../../errors';

/**
 * Path lookup with symlinks, as the kernel does it: component by component from the root, "." skipped, ".."
 * taken from the directory's own ".." entry (the root's points at itself), a symlink's target spliced in front
 * of the remaining components (absolute targets restart at the root, relative ones at the link's directory).
 * Linux gives up after 40 links (MAXSYMLINKS), so a loop ends with a clear error instead of spinning.
 */
export const MAX_SYMLINKS = 40;

export interface PathNode {
  isDirectory: boolean;
  isSymlink: boolean;
}

export interface PathLookup<Node extends PathNode> {
  root: number;
  node(inode: number): Promise<Node>;
  child(directory: number, name: string): Promise<number | null>;
  linkTarget(node: Node): Promise<string>;
  deviceName: string;
}

export function pathComponents(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** The inode `path` names, or null when a component is missing or a non-directory is used as one. */
export async function resolvePath<Node extends PathNode>(path: string, followLast: boolean, lookup: PathLookup<Node>): Promise<number | null> {
  const pending = pathComponents(path);
  let current = lookup.root;
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (!(await lookup.node(current)).isDirectory) return null;
    const child = await lookup.child(current, name);
    if (child === null) return null;
    const node = await lookup.node(child);
    if (node.isSymlink && (pending.length > 0 || followLast)) {
      if (++links > MAX_SYMLINKS) {
        throw new VmferryError('corrupt', `Too many levels of symbolic links resolving ${path} (more than ${MAX_SYMLINKS}; a symlink loop)`, { file: lookup.deviceName });
      }
      const target = await lookup.linkTarget(node);
      if (target.startsWith('/')) current = lookup.root;
      pending.unshift(...pathComponents(target));
      continue;
    }
    current = child;
  }
  return current;
}
