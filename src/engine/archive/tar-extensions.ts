import { VmferryError } from '../errors';
import type { TarHeaderBlock } from './tar-header';

/**
 * Headers that describe the next member rather than being one: pax `x` (this member) and `g` (all that follow),
 * GNU `L` (long name) and `K` (long link target). Their values override the ustar fields (IEEE 1003.1 `pax`,
 * "pax Extended Header": "shall override"; GNU tar manual, "Standard": LONGNAME/LONGLINK).
 */
export interface PendingExtensions {
  /** Offset of the first extension header of the coming member. */
  firstHeader: number | undefined;
  pax: Map<string, string>;
  longName: string | undefined;
  longLink: string | undefined;
}

export function noPendingExtensions(): PendingExtensions {
  return { firstHeader: undefined, pax: new Map(), longName: undefined, longLink: undefined };
}

/** The member's fields once extensions are applied. */
export interface EffectiveFields {
  name: string;
  linkName: string;
  /** Bytes stored in the archive after the header. */
  storedSize: number;
  /** The content size; differs from storedSize only for pax-described sparse files. */
  size: number;
  mtime: number;
  /** Set when pax `GNU.sparse.*` keywords say the stored data is a sparse map plus data, not the content. */
  paxSparse: boolean;
}

export function applyExtensions(
  header: TarHeaderBlock,
  pending: PendingExtensions,
  global: ReadonlyMap<string, string>,
  archive: string,
  offset: number,
): EffectiveFields {
  // A per-file record with an empty value cancels the global one (IEEE 1003.1 `pax`, "pax Extended Header").
  const value = (keyword: string): string | undefined => {
    const found = pending.pax.has(keyword) ? pending.pax.get(keyword) : global.get(keyword);
    return found === '' ? undefined : found;
  };
  const integer = (keyword: string): number | undefined => {
    const text = value(keyword);
    if (text === undefined) return undefined;
    const number = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(number)) {
      throw new VmferryError('corrupt', `The pax record ${keyword}=${JSON.stringify(text)} is not a size`, { file: archive, offset });
    }
    return number;
  };
  const storedSize = integer('size') ?? header.size;
  const mtimeText = value('mtime');
  const mtime = mtimeText !== undefined && /^-?\d+(\.\d+)?$/.test(mtimeText) ? Number(mtimeText) : header.mtime;
  const paxSparse = [...pending.pax.keys()].some((keyword) => keyword.startsWith('GNU.sparse.'));
  return {
    // GNU sparse 1.0 stores the real name in GNU.sparse.name and a placeholder (GNUSparseFile.<pid>/...) as path.
    name: value('GNU.sparse.name') ?? value('path') ?? pending.longName ?? header.name,
    linkName: value('linkpath') ?? pending.longLink ?? header.linkName,
    storedSize,
    size: paxSparse ? (integer('GNU.sparse.realsize') ?? integer('GNU.sparse.size') ?? storedSize) : storedSize,
    mtime,
    paxSparse,
  };
}
