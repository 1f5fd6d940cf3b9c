import type { NamedBlob } from '../engine/io/file-set';

/**
 * The older drop API (`webkitGetAsEntry`, every current browser): walks a dropped folder into NamedBlobs whose
 * paths start with the folder's name, as a folder picker's `webkitRelativePath` does.
 */
export async function blobsFromEntry(entry: FileSystemEntry): Promise<NamedBlob[]> {
  const path = entry.fullPath.replace(/^\//, '') || entry.name;
  if (isFileEntry(entry)) return [{ blob: await fileOf(entry), path }];
  if (!isDirectoryEntry(entry)) return [];
  const found: NamedBlob[] = [];
  for (const child of await childrenOf(entry)) found.push(...(await blobsFromEntry(child)));
  return found;
}

function isFileEntry(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectoryEntry(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** `readEntries` answers in batches (100 at a time in Chromium) until it returns an empty one. */
async function childrenOf(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}
