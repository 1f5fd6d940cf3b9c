import type { NamedBlob } from '../engine/io/file-set';
import { blobsFromEntry } from './entries';
import { blobsFromHandles } from './handles';
import { rememberRecent } from './recent-files';

/**
 * Everything dropped: files and whole folders. A DataTransfer is emptied as soon as the drop handler yields,
 * so every item is asked for its handle, entry and File synchronously, before the first `await`
 * (mdn/content#40572, WICG/file-system-access#356).
 */
export function collectDrop(transfer: DataTransfer): Promise<NamedBlob[]> {
  const pending = Array.from(transfer.items)
    .filter((item) => item.kind === 'file')
    .map((item) => ({
      handle: item.getAsFileSystemHandle?.() ?? null,
      entry: item.webkitGetAsEntry?.() ?? null,
      file: item.getAsFile(),
    }));
  if (pending.length === 0) {
    // No items (some browsers when dragging from certain apps): the plain file list is all there is.
    return Promise.resolve(Array.from(transfer.files, (file) => ({ blob: file, path: file.name })));
  }
  return Promise.all(pending.map(resolveItem)).then((results) => {
    const handles = results.map((result) => result.handle).filter((handle): handle is FileSystemHandle => handle !== null);
    if (handles.length === results.length) void rememberRecent(handles);
    return results.flatMap((result) => result.blobs);
  });
}

async function resolveItem(item: {
  handle: Promise<FileSystemHandle | null> | null;
  entry: FileSystemEntry | null;
  file: File | null;
}): Promise<{ blobs: NamedBlob[]; handle: FileSystemHandle | null }> {
  const handle = (await item.handle?.catch(() => null)) ?? null;
  if (handle) return { blobs: await blobsFromHandles([handle]), handle };
  if (item.entry) return { blobs: await blobsFromEntry(item.entry), handle };
  return { blobs: item.file ? [{ blob: item.file, path: item.file.name }] : [], handle };
}

/** True when a drag carries files (not text or a link), so the page shows the drop target. */
export function dragHasFiles(transfer: DataTransfer | null): boolean {
  return transfer !== null && Array.from(transfer.types).includes('Files');
}
