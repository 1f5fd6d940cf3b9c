import type { NamedBlob } from '../engine/io/file-set';
import { APPLIANCE_EXTENSIONS, COMPANION_EXTENSIONS, DISK_EXTENSIONS } from './accepted-files';
import { blobsFromHandles } from './handles';
import { rememberRecent } from './recent-files';

/**
 * Opening files and folders. Where File System Access exists (Chromium desktop) its pickers are used: they
 * give handles, which a later "save back" can reuse. Everywhere else the caller clicks its own
 * `<input type="file">`, which stays in the page so that it is also what keyboard, assistive technology and
 * test drivers reach (Playwright cannot drive showOpenFilePicker: microsoft/playwright#8850).
 */
export function hasOpenFilePicker(): boolean {
  return typeof window.showOpenFilePicker === 'function';
}

export function hasDirectoryPicker(): boolean {
  return typeof window.showDirectoryPicker === 'function';
}

/** Resolves null when the user cancels the picker. */
export async function pickFilesWithFsa(): Promise<NamedBlob[] | null> {
  const show = window.showOpenFilePicker;
  if (!show) throw new Error('showOpenFilePicker is not available');
  return orNullOnCancel(async () => {
    const handles = await show.call(window, {
      id: 'vmferry-open',
      multiple: true,
      excludeAcceptAllOption: false,
      types: [
        {
          description: 'Virtual appliances and disk images',
          accept: {
            'application/octet-stream': [...APPLIANCE_EXTENSIONS, ...DISK_EXTENSIONS, ...COMPANION_EXTENSIONS],
          },
        },
      ],
    });
    void rememberRecent(handles);
    return blobsFromHandles(handles);
  });
}

export async function pickFolderWithFsa(): Promise<NamedBlob[] | null> {
  const show = window.showDirectoryPicker;
  if (!show) throw new Error('showDirectoryPicker is not available');
  return orNullOnCancel(async () => {
    const folder = await show.call(window, { id: 'vmferry-open', mode: 'read' });
    void rememberRecent([folder]);
    return blobsFromHandles([folder]);
  });
}

/** The files an `<input type="file">` (with or without `webkitdirectory`) holds, with their relative paths. */
export function blobsFromInput(input: HTMLInputElement): NamedBlob[] {
  return Array.from(input.files ?? [], (file) => ({ blob: file, path: file.webkitRelativePath || file.name }));
}

async function orNullOnCancel<T>(pick: () => Promise<T>): Promise<T | null> {
  try {
    return await pick();
  } catch (error) {
    // The user closed the picker.
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
}
