import { VmferryError } from '../errors';
import { hasValidChecksum } from './tar-checksum';
import { BLOCK_SIZE, field, GNU_MAGIC, isZeroBlock, POSIX_MAGIC, type FieldName } from './tar-layout';
import { normaliseMemberName } from './member-name';
import { parseNumericField } from './tar-numeric';

/** One header block, decoded, before pax or GNU long-name records are applied. */
export interface TarHeaderBlock {
  /** The name as stored: for POSIX ustar, `prefix/name` joined. */
  name: string;
  linkName: string;
  /** The typeflag character; NUL (old v7 archives) is reported as '0'. */
  typeflag: string;
  mode: number;
  /** Bytes of data that follow the header in the archive (before pax `size=` is applied). */
  size: number;
  /** Seconds since 1970; GNU base-256 allows negative values. */
  mtime: number;
  format: 'posix' | 'gnu' | 'v7';
}

// Names in headers are bytes; modern tars write UTF-8. Invalid sequences become U+FFFD rather than failing, so an
// old archive with Latin-1 names still lists.
const decoder = new TextDecoder('utf-8');

export function decodeCString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

function formatOf(block: Uint8Array): TarHeaderBlock['format'] {
  const magic = String.fromCharCode(...field(block, 'magic'));
  if (magic === POSIX_MAGIC) return 'posix';
  if (magic === GNU_MAGIC) return 'gnu';
  return 'v7';
}

/**
 * Content detection: a POSIX or GNU magic, or (for v7 archives, which have none) a header whose checksum is
 * right. A block of zeros is not a tar header.
 */
export function looksLikeTar(firstBlock: Uint8Array): boolean {
  if (firstBlock.length < BLOCK_SIZE || isZeroBlock(firstBlock.subarray(0, BLOCK_SIZE))) return false;
  const block = firstBlock.subarray(0, BLOCK_SIZE);
  if (formatOf(block) !== 'v7') return true;
  return hasValidChecksum(block) && block[0] !== 0;
}

/**
 * The member name a single header block states (normalised), for sniffing a tar without listing it. When the
 * block is a pax `x` header named the GNU way (`%d/PaxHeaders/%f`, older `PaxHeaders.<pid>`), the name of the
 * member it describes is guessed by dropping that component: right unless the real name is longer than ustar
 * allows (then it is in the records, which one block cannot show).
 */
export function readTarHeaderName(block: Uint8Array): string {
  const name = storedName(block);
  if (block[156] !== 0x78) return normaliseMemberName(name);
  return normaliseMemberName(name.replace(/(^|\/)PaxHeaders(\.\d+)?\//, '$1'));
}

function storedName(block: Uint8Array): string {
  const name = decodeCString(field(block, 'name'));
  if (formatOf(block) !== 'posix') return name;
  const prefix = decodeCString(field(block, 'prefix'));
  return prefix ? `${prefix}/${name}` : name;
}

/**
 * Decodes one header block at `offset` of `archive`. The checksum is verified first: a wrong checksum means this
 * is not a header at all (the archive is corrupt, or an earlier size was wrong).
 */
export function parseTarHeader(block: Uint8Array, archive: string, offset: number): TarHeaderBlock {
  if (!hasValidChecksum(block)) {
    throw new VmferryError('corrupt', 'A tar header has a wrong checksum: the archive is damaged or not a tar file', {
      file: archive,
      offset,
      hint: 'Check the file against its source (size, checksum) and copy it again.',
    });
  }
  const numeric = (name: FieldName): number => {
    const value = parseNumericField(field(block, name));
    if (value === undefined) {
      throw new VmferryError('corrupt', `The tar header field "${name}" of ${JSON.stringify(storedName(block))} is not a number`, {
        file: archive,
        offset,
      });
    }
    return value;
  };
  const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]!);
  const size = numeric('size');
  if (size < 0) {
    throw new VmferryError('corrupt', `The tar member ${JSON.stringify(storedName(block))} has a negative size`, { file: archive, offset });
  }
  return {
    name: storedName(block),
    linkName: decodeCString(field(block, 'linkname')),
    typeflag,
    mode: numeric('mode'),
    size,
    mtime: numeric('mtime'),
    format: formatOf(block),
  };
}
