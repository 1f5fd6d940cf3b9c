import { VmferryError } from '../../errors';
import { viewOf } from './fields';
import { formatGuid, guid, guidEquals, GUID_SIZE } from './guid';

/**
 * The Parent Locator metadata item ([MS-VHDX] 2.6.2.6): a 20-byte header (LocatorType GUID, KeyValueCount),
 * then 12-byte entries (KeyOffset, ValueOffset relative to the item, KeyLength, ValueLength) pointing at
 * UTF-16LE strings without terminators. For a VHDX parent (2.6.2.6.1) the keys are `parent_linkage` (the
 * parent's DataWriteGuid), `parent_linkage2`, `relative_path`, `volume_path` and `absolute_win32_path`.
 */
export const VHDX_PARENT_LOCATOR_TYPE = guid('B04AEFB7-D19E-4A81-B789-25B8E9445913');
const HEADER_SIZE = 20;
const ENTRY_SIZE = 12;

export interface ParentLocator {
  readonly entries: ReadonlyMap<string, string>;
  /** The parent's DataWriteGuid as text, which the parent's current header must match (2.6.2.6.1). */
  readonly parentLinkage: string;
  readonly parentLinkage2: string | null;
  /** Places to look for the parent, most specific first: relative_path, then the others' file names. */
  readonly paths: { key: string; value: string }[];
}

export function parseParentLocator(item: Uint8Array, file: string, itemOffset: number): ParentLocator {
  const where = { file, offset: itemOffset };
  const type = item.subarray(0, GUID_SIZE);
  if (!guidEquals(type, VHDX_PARENT_LOCATOR_TYPE)) {
    throw new VmferryError('unsupported', `The differencing disk's parent locator is of type ${formatGuid(type)}; only VHDX parents (${formatGuid(VHDX_PARENT_LOCATOR_TYPE)}) are defined`, where);
  }
  const view = viewOf(item);
  const count = view.getUint16(18, true);
  if (HEADER_SIZE + count * ENTRY_SIZE > item.length) {
    throw new VmferryError('corrupt', `The parent locator declares ${count} entries but is only ${item.length} bytes long`, where);
  }
  const entries = new Map<string, string>();
  const text = (offset: number, length: number, what: string) => {
    if (length === 0 || length % 2 !== 0 || offset + length > item.length) {
      throw new VmferryError('corrupt', `A parent locator ${what} lies at ${offset} (length ${length}), outside the ${item.length}-byte item`, where);
    }
    const units: number[] = [];
    for (let at = offset; at < offset + length; at += 2) units.push(view.getUint16(at, true));
    return String.fromCharCode(...units);
  };
  for (let i = 0; i < count; i++) {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    const key = text(view.getUint32(at, true), view.getUint16(at + 8, true), 'key');
    const value = text(view.getUint32(at + 4, true), view.getUint16(at + 10, true), `value (of ${key})`);
    entries.set(key, value);
  }
  const parentLinkage = entries.get('parent_linkage');
  if (!parentLinkage) throw new VmferryError('corrupt', 'The parent locator has no parent_linkage entry, so the parent cannot be checked', where);
  const paths = ['relative_path', 'volume_path', 'absolute_win32_path']
    .filter((key) => entries.has(key))
    .map((key) => ({ key, value: entries.get(key)! }));
  return { entries, parentLinkage, parentLinkage2: entries.get('parent_linkage2') ?? null, paths };
}

/**
 * Names to try with `DiskOpenContext.find`, in order: the relative path as given (Windows separators become
 * `/`), then the file name of each path (the parent usually sits next to the child when files travel).
 */
export function parentCandidates(locator: ParentLocator): string[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (name && !names.includes(name)) names.push(name);
  };
  for (const { key, value } of locator.paths) if (key === 'relative_path') add(value.replace(/\\/g, '/'));
  for (const { value } of locator.paths) add(value.replace(/\\/g, '/').split('/').pop() ?? '');
  return names;
}
