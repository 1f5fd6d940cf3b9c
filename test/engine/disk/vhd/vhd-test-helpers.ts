import { nodeFileSet } from '../../../../src/cli/node-file-set';
import { isVmferryError, type VmferryError } from '../../../../src/engine/errors';
import { openVirtualDisk } from '../../../../src/engine/disk/open-disk';
import type { VirtualDisk } from '../../../../src/engine/disk/virtual-disk';
import { MemorySource } from '../../../../src/engine/io/memory-source';

export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/** The VmferryError a promise rejects with (fails the test if it resolves or throws something else). */
export async function rejection(promise: Promise<unknown>): Promise<VmferryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isVmferryError(error)) throw new Error(`expected a VmferryError, got ${error === null ? 'success' : String(error)}`);
  return error;
}

/** Opens a disk file with its folder for parents, runs `body`, and closes every file it opened (even on error). */
export async function withDiskFile<T>(path: string, body: (disk: VirtualDisk) => Promise<T>): Promise<T> {
  const { files, close } = await nodeFileSet(path);
  try {
    return await body(await openVirtualDisk(files.entries[0]!, { find: files.find }));
  } finally {
    await close();
  }
}

/** The error opening a disk file gives (files closed afterwards). */
export function openError(path: string): Promise<VmferryError> {
  return rejection(withDiskFile(path, async () => undefined));
}

/** Opens in-memory bytes as a disk, with no other files around. */
export function openBytes(bytes: Uint8Array, name: string): Promise<VirtualDisk> {
  return openVirtualDisk(new MemorySource(bytes, name), { find: async () => null });
}
