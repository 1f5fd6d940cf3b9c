import { formatPaxRecords } from './pax-records';
import { writeChecksum } from './tar-checksum';
import { BLOCK_SIZE, field, paddedSize, POSIX_MAGIC } from './tar-layout';
import { MAX_OCTAL_11, writeNumericField, writeOctalField } from './tar-numeric';

/** What the writer knows about an entry before its data streams. */
export interface EntryDescription {
  name: string;
  size: number;
  /** Whole seconds since 1970. */
  mtime: number;
  mode: number;
  typeflag: '0' | '5';
}

const encoder = new TextEncoder();
const NAME_MAX = 100;
const PREFIX_MAX = 155;

/**
 * The header bytes that precede an entry's data: a plain ustar header when ustar can say everything, otherwise
 * a pax `x` header (with the records ustar cannot hold) followed by the ustar header (IEEE 1003.1 `pax`,
 * "pax Interchange Format"). Whole 512-byte blocks.
 */
export function buildEntryHeaders(entry: EntryDescription): Uint8Array {
  const records: [string, string][] = [];
  const split = splitUstarName(entry.name);
  if (split === undefined) records.push(['path', entry.name]);
  // The ustar size field holds 11 octal digits: up to 8 GiB − 1 (disk-formats notes c22).
  if (entry.size > MAX_OCTAL_11) records.push(['size', String(entry.size)]);
  if (entry.mtime < 0 || entry.mtime > MAX_OCTAL_11) records.push(['mtime', String(entry.mtime)]);

  const main = ustarHeader(entry, split ?? fallbackName(entry.name));
  if (records.length === 0) return main;

  const data = formatPaxRecords(records);
  const paxHeader = ustarHeader(
    { name: '', size: data.length, mtime: Math.max(0, Math.min(entry.mtime, MAX_OCTAL_11)), mode: 0o644, typeflag: '0' },
    { prefix: '', name: paxHeaderName(entry.name) },
    'x',
  );
  const out = new Uint8Array(BLOCK_SIZE + paddedSize(data.length) + BLOCK_SIZE);
  out.set(paxHeader, 0);
  out.set(data, BLOCK_SIZE);
  out.set(main, out.length - BLOCK_SIZE);
  return out;
}

/**
 * A ustar header. A size or time that does not fit in octal is written in GNU base-256 as well as in the pax
 * record: pax readers take the record, and the many readers that know base-256 but not pax (GNU tar, libarchive,
 * Go, Python, VirtualBox's IPRT) still find the right size rather than a zero.
 */
function ustarHeader(entry: EntryDescription, names: { prefix: string; name: string }, typeflag: string = entry.typeflag): Uint8Array {
  const block = new Uint8Array(BLOCK_SIZE);
  field(block, 'name').set(encoder.encode(names.name));
  field(block, 'prefix').set(encoder.encode(names.prefix));
  writeOctalField(field(block, 'mode'), entry.mode);
  writeOctalField(field(block, 'uid'), 0);
  writeOctalField(field(block, 'gid'), 0);
  writeNumericField(field(block, 'size'), entry.size);
  writeNumericField(field(block, 'mtime'), Math.max(0, entry.mtime));
  block[156] = typeflag.charCodeAt(0);
  field(block, 'magic').set(encoder.encode(POSIX_MAGIC));
  field(block, 'version').set(encoder.encode('00'));
  writeChecksum(block);
  return block;
}

/**
 * Splits a name into ustar `prefix` and `name` (prefix + "/" + name), or undefined when ustar cannot hold it:
 * too long for any split at a slash, or not ASCII (ustar names are the portable character set; a pax `path`
 * record says UTF-8 unambiguously).
 */
export function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (!/^[\x20-\x7e]*$/.test(name)) return undefined;
  if (name.length <= NAME_MAX) return { prefix: '', name };
  for (let slash = name.indexOf('/'); slash !== -1; slash = name.indexOf('/', slash + 1)) {
    if (slash > PREFIX_MAX) break;
    const rest = name.slice(slash + 1);
    if (rest.length > 0 && rest.length <= NAME_MAX) return { prefix: name.slice(0, slash), name: rest };
  }
  return undefined;
}

/** What a reader without pax sees instead of the real name: ASCII, cut to fit. */
function fallbackName(name: string): { prefix: string; name: string } {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return { prefix: '', name: ascii.slice(Math.max(0, ascii.length - NAME_MAX)) };
}

/** GNU tar's default pax header name is `%d/PaxHeaders/%f`; ours is the same, cut to fit ustar. */
function paxHeaderName(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1).replace(/[^\x20-\x7e]/g, '_');
  return `PaxHeaders/${base}`.slice(0, NAME_MAX);
}
