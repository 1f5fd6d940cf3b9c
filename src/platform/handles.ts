import type { NamedBlob } from '../engine/io/file-set';

/**
 * File System Access handles (from a picker, a drop or the launch queue) as the NamedBlobs the engine opens.
 * `getFile()` returns a lazy, disk-backed File: nothing is read here.
 */
export async function blobsFromHandles(handles: readonly FileSystemHandle[]): Promise<NamedBlob[]> {
  const lists = await Promise.all(handles.map((handle) => blobsFromHandle(handle, '')));
  return lists.flat();
}

async function blobsFromHandle(handle: FileSystemHandle, prefix: string): Promise<NamedBlob[]> {
  const path = prefix + handle.name;
  if (isFileHandle(handle)) return [{ blob: await handle.getFile(), path }];
  if (!isDirectoryHandle(handle)) return [];
  const found: NamedBlob[] = [];
  // A folder keeps its own name as the first path segment, like `webkitRelativePath` does; blobFileSet
  // matches descriptor hrefs with or without it.
  for await (const child of handle.values()) found.push(...(await blobsFromHandle(child, `${path}/`)));
  return found;
}

function isFileHandle(handle: FileSystemHandle): handle is FileSystemFileHandle {
  return handle.kind === 'file';
}

function isDirectoryHandle(handle: FileSystemHandle): handle is FileSystemDirectoryHandle {
  return handle.kind === 'directory';
}
