import type { Page } from 'playwright-core';

/**
 * Playwright cannot answer the File System Access pickers (microsoft/playwright#8850). The save path is the
 * same for any FileSystemFileHandle, so these stubs give the app handles from the origin private file system:
 * `showSaveFilePicker` creates the suggested file (as Chromium's picker does), `showDirectoryPicker` returns
 * the OPFS root. The worker then writes through the real `createWritable()`, swap file and commit included.
 */
export async function stubPickersWithOpfs(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const root = () => navigator.storage.getDirectory();
    const w = window as unknown as Record<string, unknown>;
    w.showSaveFilePicker = async (options?: { suggestedName?: string }) =>
      (await root()).getFileHandle(options?.suggestedName ?? 'output', { create: true });
    w.showDirectoryPicker = async () => root();
  });
}

/** Every file in the origin private file system, by path, with its size. */
export function listOpfs(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const found: Record<string, number> = {};
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const [name, handle] of (dir as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
        else found[`${prefix}${name}`] = (await (handle as FileSystemFileHandle).getFile()).size;
      }
    };
    await walk(await navigator.storage.getDirectory(), '');
    return found;
  });
}

export function clearOpfs(page: Page): Promise<void> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) await root.removeEntry(name, { recursive: true });
  });
}

/** A file out of the origin private file system, read in 8 MiB slices (base64 across the protocol). */
export async function readOpfsFile(page: Page, path: string): Promise<Buffer> {
  const size = (await listOpfs(page))[path];
  if (size === undefined) throw new Error(`${path} is not in the origin private file system`);
  const parts: Buffer[] = [];
  for (let offset = 0; offset < size; offset += 8 * 1024 * 1024) {
    const base64 = await page.evaluate(
      async ({ path, offset }) => {
        let dir = await navigator.storage.getDirectory();
        const names = path.split('/');
        for (const name of names.slice(0, -1)) dir = await dir.getDirectoryHandle(name);
        const file = await (await dir.getFileHandle(names.at(-1)!)).getFile();
        const bytes = new Uint8Array(await file.slice(offset, offset + 8 * 1024 * 1024).arrayBuffer());
        let text = '';
        for (let i = 0; i < bytes.length; i += 32768) text += String.fromCharCode(...bytes.subarray(i, i + 32768));
        return btoa(text);
      },
      { path, offset },
    );
    parts.push(Buffer.from(base64, 'base64'));
  }
  return Buffer.concat(parts);
}
