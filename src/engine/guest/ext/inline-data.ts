import { VmferryError } from '../../errors';
import { type DirEntry, type DirectoryParse, parseDirectoryEntries } from './directory';
import type { ExtInode } from './inode';
import { u16, u32 } from './little-endian';

/**
 * inline_data (KDOC `inlinedata.rst`): a small file's bytes live in i_block (60 bytes) and continue in the
 * value of the in-inode extended attribute "system.data". An inline directory starts with the parent's inode
 * number (4 bytes) followed by entries in the rest of i_block and in "system.data". Read-only here: writes to
 * inline files are refused.
 */
const XATTR_MAGIC = 0xea020000;
const SYSTEM_INDEX = 7;
const I_BLOCK_SIZE = 60;

/** The value of an in-inode xattr (index + name), or null. The in-inode area follows the extra fields. */
export function inodeXattr(inode: ExtInode, index: number, name: string, deviceName: string): Uint8Array | null {
  const raw = inode.raw;
  const start = 128 + inode.extraIsize;
  if (inode.extraIsize === 0 || start + 4 > raw.length || u32(raw, start) !== XATTR_MAGIC) return null;
  const first = start + 4;
  const wanted = new TextEncoder().encode(name);
  for (let at = first; at + 16 <= raw.length && u32(raw, at) !== 0; ) {
    const nameLength = raw[at]!;
    const valueOffset = u16(raw, at + 2);
    const valueSize = u32(raw, at + 8);
    if (at + 16 + nameLength > raw.length) break;
    const entryName = raw.subarray(at + 16, at + 16 + nameLength);
    if (raw[at + 1] === index && nameLength === wanted.length && entryName.every((b, i) => b === wanted[i])) {
      if (first + valueOffset + valueSize > raw.length) {
        throw new VmferryError('corrupt', `ext: inode ${inode.number}: xattr ${name} value runs past the inode`, { file: deviceName });
      }
      return raw.subarray(first + valueOffset, first + valueOffset + valueSize);
    }
    at += (16 + nameLength + 3) & ~3;
  }
  return null;
}

/** An inline file's contents, i_size bytes long. */
export function readInlineFile(inode: ExtInode, deviceName: string): Uint8Array {
  const rest = inodeXattr(inode, SYSTEM_INDEX, 'data', deviceName) ?? new Uint8Array(0);
  if (inode.size > I_BLOCK_SIZE + rest.length) {
    throw new VmferryError('corrupt', `ext: inode ${inode.number} has ${inode.size} bytes of inline data but stores ${I_BLOCK_SIZE + rest.length}`, { file: deviceName });
  }
  const out = new Uint8Array(inode.size);
  out.set(inode.blockArea.subarray(0, Math.min(I_BLOCK_SIZE, inode.size)));
  if (inode.size > I_BLOCK_SIZE) out.set(rest.subarray(0, inode.size - I_BLOCK_SIZE), I_BLOCK_SIZE);
  return out;
}

/** An inline directory's entries, with "." and ".." made explicit as on-disk directories have them. */
export function readInlineDirectory(inode: ExtInode, parse: DirectoryParse): DirEntry[] {
  const parent = u32(inode.blockArea, 0);
  const entries: DirEntry[] = [
    { inode: inode.number, name: '.', fileType: 2 },
    { inode: parent, name: '..', fileType: 2 },
  ];
  entries.push(...parseDirectoryEntries(inode.blockArea.subarray(4, I_BLOCK_SIZE), parse));
  const rest = inodeXattr(inode, SYSTEM_INDEX, 'data', parse.deviceName);
  if (rest && rest.length > 0) entries.push(...parseDirectoryEntries(rest, parse));
  return entries;
}
