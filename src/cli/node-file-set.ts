import { stat } from 'node:fs/promises';
import { dirname, resolve, relative, sep } from 'node:path';
import type { ByteSource } from '../engine/io/byte-source';
import { resolveRelative, type FileSet } from '../engine/io/file-set';
import { NodeFileSource } from './node-file-source';

/**
 * The command-line input: one file, with its folder available for the files an OVF descriptor (or a VMDK
 * descriptor, or a differencing VHD) refers to. Lookups stay inside that folder: an href like `../../x` that
 * escapes it is treated as missing rather than read.
 */
export async function nodeFileSet(inputPath: string): Promise<{ files: FileSet; close: () => Promise<void> }> {
  const folder = dirname(resolve(inputPath));
  const opened: NodeFileSource[] = [];
  const input = await NodeFileSource.open(inputPath, relativeName(folder, resolve(inputPath)));
  opened.push(input);
  const cache = new Map<string, ByteSource | null>([[input.name, input]]);

  const files: FileSet = {
    entries: [input],
    async find(relativePath, relativeTo) {
      const wanted = resolveRelative(relativePath, relativeTo);
      if (cache.has(wanted)) return cache.get(wanted)!;
      const path = resolve(folder, wanted);
      let found: ByteSource | null = null;
      if (path.startsWith(folder + sep) && (await isFile(path))) {
        const source = await NodeFileSource.open(path, wanted);
        opened.push(source);
        found = source;
      }
      cache.set(wanted, found);
      return found;
    },
  };
  return { files, close: async () => void (await Promise.all(opened.map((s) => s.close()))) };
}

function relativeName(folder: string, path: string): string {
  return relative(folder, path).split(sep).join('/');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
