import type { PreparedOutput } from './engine-bridge';
import { createDownloadBroker } from './download-broker';
import { startStreamedDownload } from './sw-download';

/**
 * Where a conversion's output goes, chosen by what the browser can do (browser-platform notes, "output ladder"):
 * 1. File System Access (Chromium): the save picker for one file, the directory picker for a folder package.
 *    The handle goes to the worker, which writes through `createWritable()` (committed only on close).
 * 2. Otherwise a download streamed through the service worker; a folder package becomes several downloads.
 * `chooseOutput` must be called straight from the click handler: the pickers need the user's activation.
 */
export interface ChosenOutput extends PreparedOutput {
  /** How the output is saved, for the screens. */
  how: 'file-picker' | 'folder-picker' | 'download' | 'downloads';
  /** Where, in words: "vm.ova", "Downloads/…", "vm-kvm in the folder you chose". */
  where: string;
  /** After the run. On failure: removes what the picker created (a new empty file, the new folder) and fails the
   * downloads still running. Always: stops keeping the service worker alive. */
  settle(ok: boolean): Promise<void>;
}

export function canPickSaveFile(): boolean {
  return typeof window.showSaveFilePicker === 'function';
}

export function canPickFolder(): boolean {
  return typeof window.showDirectoryPicker === 'function';
}

/** Resolves null when the user closes the picker. */
export async function chooseOutput(kind: 'file' | 'folder', name: string): Promise<ChosenOutput | null> {
  if (kind === 'file') return canPickSaveFile() ? pickFile(name) : download(name);
  return canPickFolder() ? pickFolder(name) : downloads(name);
}

async function pickFile(name: string): Promise<ChosenOutput | null> {
  const extension = /\.[^.]+$/.exec(name)?.[0] ?? '';
  const handle = await orNull(
    window.showSaveFilePicker!({
      suggestedName: name,
      id: 'vmferry-save',
      ...(extension ? { types: [{ description: `${extension.slice(1).toUpperCase()} file`, accept: { 'application/octet-stream': [extension] } }] } : {}),
    }),
  );
  if (!handle) return null;
  // The picker creates the file empty (or keeps the one chosen for overwriting, until the new one is committed):
  // remove it after a failure only when it is empty, never a file that held something before.
  const existedWithData = (await handle.getFile().then((file) => file.size, () => 0)) > 0;
  return {
    how: 'file-picker',
    where: handle.name,
    output: { kind: 'file', handle },
    transfer: [],
    async settle(ok) {
      if (!ok && !existedWithData) await handle.remove?.().catch(() => undefined);
    },
  };
}

async function pickFolder(name: string): Promise<ChosenOutput | null> {
  const parent = await orNull(window.showDirectoryPicker!({ id: 'vmferry-save', mode: 'readwrite' }));
  if (!parent) return null;
  const existing = await parent.getDirectoryHandle(name).catch(() => null);
  if (existing) {
    for await (const _entry of existing.keys()) {
      throw new Error(`${parent.name}/${name} already exists and holds files; choose another folder, or change the output name`);
    }
  }
  const folder = existing ?? (await parent.getDirectoryHandle(name, { create: true }));
  return {
    how: 'folder-picker',
    where: `${parent.name}/${name}`,
    output: { kind: 'folder', handle: folder },
    transfer: [],
    async settle(ok) {
      if (!ok && !existing) await parent.removeEntry(name, { recursive: true }).catch(() => undefined);
    },
  };
}

async function download(name: string): Promise<ChosenOutput> {
  const stream = await startStreamedDownload(name);
  return {
    how: 'download',
    where: name,
    output: { kind: 'download', name, port: stream.port },
    transfer: [stream.port],
    async settle(ok) {
      if (!ok) stream.abort();
      stream.finish();
    },
  };
}

async function downloads(name: string): Promise<ChosenOutput> {
  const broker = createDownloadBroker();
  return {
    how: 'downloads',
    where: name,
    output: { kind: 'downloads', broker: broker.port },
    transfer: [broker.port],
    async settle(ok) {
      broker.settle(ok);
    },
  };
}

async function orNull<T>(picked: Promise<T>): Promise<T | null> {
  try {
    return await picked;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
}
