import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputTarget } from '../engine/appliance/output-target';
import type { ByteSink } from '../engine/io/byte-sink';
import { NodeFileSink } from './node-file-sink';

/**
 * A folder of output files (an OVF package: descriptor, disks, manifest, import script). Each file is written
 * under a temporary name and renamed when its sink closes (NodeFileSink); `discard` aborts the files still
 * open and removes the ones already committed, so a failed or cancelled run leaves the folder as it found it.
 */
export function nodeFolderTarget(folder: string): Extract<OutputTarget, { kind: 'folder' }> & { committed: () => string[] } {
  const open = new Set<ByteSink>();
  const committed: string[] = [];
  return {
    kind: 'folder',
    async create(name: string): Promise<ByteSink> {
      const path = join(folder, name);
      const inner = await NodeFileSink.create(path);
      open.add(inner);
      return {
        name: inner.name,
        write: (chunk) => inner.write(chunk),
        skipZeros: (length) => inner.skipZeros(length),
        async close() {
          await inner.close();
          open.delete(inner);
          committed.push(path);
        },
        async abort(reason) {
          open.delete(inner);
          void reason;
          await inner.abort();
        },
      };
    },
    async discard() {
      await Promise.all([...open].map((sink) => sink.abort('discarded').catch(() => undefined)));
      open.clear();
      await Promise.all(committed.splice(0).map((path) => rm(path, { force: true })));
    },
    committed: () => [...committed],
  };
}
