/**
 * Platform members that lib.dom (TypeScript 5.9) does not declare yet, declared once here (STYLE: Squoosh's
 * missing-types.d.ts). Only what src/platform uses; every member is optional at run time, so callers feature-test.
 */

/** File System Access pickers: https://wicg.github.io/file-system-access/#local-filesystem */
interface FilePickerAcceptType {
  description?: string;
  accept: Record<string, string | string[]>;
}

interface OpenFilePickerOptions {
  multiple?: boolean;
  excludeAcceptAllOption?: boolean;
  types?: FilePickerAcceptType[];
  id?: string;
  startIn?: string | FileSystemHandle;
}

interface DirectoryPickerOptions {
  id?: string;
  mode?: 'read' | 'readwrite';
  startIn?: string | FileSystemHandle;
}

interface SaveFilePickerOptions {
  suggestedName?: string;
  excludeAcceptAllOption?: boolean;
  types?: FilePickerAcceptType[];
  id?: string;
  startIn?: string | FileSystemHandle;
}

interface Window {
  showSaveFilePicker?(options?: SaveFilePickerOptions): Promise<FileSystemFileHandle>;
  showOpenFilePicker?(options?: OpenFilePickerOptions): Promise<FileSystemFileHandle[]>;
  showDirectoryPicker?(options?: DirectoryPickerOptions): Promise<FileSystemDirectoryHandle>;
  /** File Handling: https://wicg.github.io/manifest-incubations/#launchqueue-interface */
  launchQueue?: LaunchQueue;
}

/** Chromium 86+: a handle for a dropped item (https://wicg.github.io/file-system-access/#drag-and-drop). */
interface DataTransferItem {
  getAsFileSystemHandle?(): Promise<FileSystemHandle | null>;
}

interface LaunchParams {
  readonly targetURL?: string;
  readonly files: readonly FileSystemHandle[];
}

type LaunchConsumer = (params: LaunchParams) => unknown;

interface LaunchQueue {
  setConsumer(consumer: LaunchConsumer): void;
}

/** Chromium 110+: removes the entry a handle names (https://github.com/whatwg/fs/pull/9, not in the standard yet). */
interface FileSystemHandle {
  remove?(options?: { recursive?: boolean }): Promise<void>;
  /** https://wicg.github.io/file-system-access/#api-filesystemhandle-querypermission (Chromium 86+). */
  queryPermission?(descriptor?: { mode?: 'read' | 'readwrite' }): Promise<PermissionState>;
  requestPermission?(descriptor?: { mode?: 'read' | 'readwrite' }): Promise<PermissionState>;
}
