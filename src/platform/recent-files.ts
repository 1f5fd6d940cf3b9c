import { get, set } from 'idb-keyval';
import type { NamedBlob } from '../engine/io/file-set';
import { blobsFromHandles } from './handles';

/**
 * Recently opened appliances, where the browser gives File System Access handles (Chromium: pickers, drops and
 * "Open with"). Handles are Serializable (whatwg/fs), so they are kept in IndexedDB (idb-keyval) and survive a
 * reload; reading through one again needs the user's permission, asked for in the click that reopens it.
 * Nothing of the files themselves is stored.
 */
export interface RecentEntry {
  id: string;
  /** What was opened: one file's name, a folder's name, or the first of several files. */
  label: string;
  handles: FileSystemHandle[];
  openedAt: number;
}

const KEY = 'vmferry-recent-files';
const LIMIT = 6;

export async function listRecent(): Promise<RecentEntry[]> {
  try {
    return (await get<RecentEntry[]>(KEY)) ?? [];
  } catch {
    // IndexedDB refused (a private window): no recent files, nothing else breaks.
    return [];
  }
}

/** Puts a selection first in the list (a selection already there moves up). */
export async function rememberRecent(handles: readonly FileSystemHandle[]): Promise<void> {
  if (handles.length === 0) return;
  try {
    const kept: RecentEntry[] = [];
    for (const entry of await listRecent()) if (!(await sameSelection(entry.handles, handles))) kept.push(entry);
    const label = handles.length === 1 ? handles[0]!.name : `${handles[0]!.name} and ${handles.length - 1} more`;
    await set(KEY, [{ id: crypto.randomUUID(), label, handles: [...handles], openedAt: Date.now() }, ...kept].slice(0, LIMIT));
  } catch {
    // Not remembered; opening goes on.
  }
}

export async function forgetRecent(id: string): Promise<void> {
  await set(KEY, (await listRecent()).filter((entry) => entry.id !== id)).catch(() => undefined);
}

/**
 * Reads a recent selection again. Call it straight from the click: the permission prompt needs the user's
 * activation. Rejects with a message naming the file when permission is refused or the file has gone.
 */
export async function openRecent(entry: RecentEntry): Promise<NamedBlob[]> {
  for (const handle of entry.handles) {
    const state = (await handle.queryPermission?.({ mode: 'read' })) ?? 'granted';
    if (state !== 'granted' && (await handle.requestPermission?.({ mode: 'read' })) !== 'granted') {
      throw new Error(`${handle.name}: permission to read it again was not given.`);
    }
  }
  try {
    return await blobsFromHandles(entry.handles);
  } catch (error) {
    const reason = error instanceof DOMException && error.name === 'NotFoundError' ? 'it has been moved or deleted' : String(error);
    throw new Error(`${entry.label} cannot be opened again: ${reason}.`);
  }
}

async function sameSelection(a: readonly FileSystemHandle[], b: readonly FileSystemHandle[]): Promise<boolean> {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(await a[i]!.isSameEntry(b[i]!))) return false;
  return true;
}
