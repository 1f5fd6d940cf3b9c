import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import type { ParentLocatorEntry, VhdDynamicHeader } from './dynamic-header';
import { latin1, printable } from './footer';
import { decodeUtf16 } from './utf16';

/**
 * Where a differencing disk says its parent is ("Virtual Hard Disk Image Format Specification" v1.0,
 * §"Dynamic Disk Header Format", Parent Locator Entries, and §"Implementing a Differencing Hard Disk"):
 *
 * - `W2ru`: path relative to the child, UTF-16LE (`.\dir\parent.vhd`) — tried first, it survives moving the pair;
 * - `W2ku`: absolute Windows path, UTF-16LE (`C:\dir\parent.vhd`) — we can only look for its file name;
 * - `MacX`: a `file://` URL, UTF-8 — likewise its file name, or the path if it is relative;
 * - `Wi2r` / `Wi2k`: the deprecated single-byte forms of the two Windows paths;
 * - `Mac `: a Mac OS alias record, an opaque binary blob: skipped;
 * - last, the header's Parent Unicode Name (UTF-16BE), which holds the parent's file name.
 */
export interface ParentCandidate {
  /** What to ask the folder or selection for, relative to the child. */
  path: string;
  /** Where the name came from, for messages: `W2ru locator 0`, `parent name`, ... */
  from: string;
}

/** A path is at most 32 767 UTF-16 units on Windows; anything longer is not a locator. */
const MAX_LOCATOR_BYTES = 65_536;

export async function parentCandidates(child: ByteSource, header: VhdDynamicHeader): Promise<ParentCandidate[]> {
  const relative: ParentCandidate[] = [];
  const byName: ParentCandidate[] = [];
  for (const locator of header.locators) {
    const from = `${printable(locator.platformCode)} locator ${locator.index}`;
    const decode = DECODERS[locator.platformCode];
    if (!decode) continue;
    const text = decode(await readLocator(child, locator)).trim();
    if (!text) continue;
    if (locator.platformCode === 'W2ru' || locator.platformCode === 'Wi2r') relative.push({ path: text, from });
    else if (locator.platformCode === 'MacX' && !isAbsolute(text)) relative.push({ path: text, from });
    else byName.push(candidateByName(text, from));
  }
  if (header.parentName.trim()) byName.push(candidateByName(header.parentName.trim(), 'parent name'));
  const seen = new Set<string>();
  return [...relative, ...byName].filter(({ path }) => path && !seen.has(path) && seen.add(path));
}

const DECODERS: Record<string, (bytes: Uint8Array) => string> = {
  W2ru: (bytes) => decodeUtf16(bytes, true),
  W2ku: (bytes) => decodeUtf16(bytes, true),
  Wi2r: (bytes) => latin1(bytes).replace(/\0.*$/s, ''),
  Wi2k: (bytes) => latin1(bytes).replace(/\0.*$/s, ''),
  MacX: (bytes) => fileUrlPath(new TextDecoder().decode(bytes).replace(/\0.*$/s, '')),
};

async function readLocator(child: ByteSource, locator: ParentLocatorEntry): Promise<Uint8Array> {
  const name = `VHD parent locator ${locator.index} (${printable(locator.platformCode)})`;
  if (locator.dataLength > MAX_LOCATOR_BYTES || locator.dataOffset + locator.dataLength > child.size) {
    throw new VmferryError('corrupt', `${name} claims ${locator.dataLength} bytes at byte ${locator.dataOffset}, beyond the end of the file`, {
      file: child.name,
      offset: locator.dataOffset,
    });
  }
  return readExact(child, locator.dataOffset, locator.dataLength, name);
}

/** `file://localhost/dir/parent.vhd` → `/dir/parent.vhd`; anything that is not a file URL is kept as is. */
function fileUrlPath(url: string): string {
  const match = /^file:\/\/[^/]*(\/.*)$/i.exec(url);
  if (!match) return url;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[a-z]:/i.test(path);
}

/** The file name of any path, Windows or Unix: the parent is looked for next to the child. */
function candidateByName(path: string, from: string): ParentCandidate {
  const name = path.split(/[\\/]/).pop() ?? '';
  return { path: name, from: name === path ? from : `${from}: ${path}` };
}
