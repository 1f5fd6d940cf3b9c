import { throwIfAborted, VmferryError } from '../errors';
import type { ByteSource } from '../io/byte-source';
import { WindowSource } from '../io/window-source';
import { assertSafeMemberName, isMacMetadata, normaliseMemberName } from './member-name';
import { parsePaxRecords } from './pax-records';
import { applyExtensions, noPendingExtensions, type EffectiveFields } from './tar-extensions';
import { decodeCString, parseTarHeader, type TarHeaderBlock } from './tar-header';
import { BLOCK_SIZE, field, isZeroBlock, paddedSize } from './tar-layout';
import { memberTypeOf, type TarListing, type TarMember } from './tar-member';
import { parseNumericField } from './tar-numeric';

export type { TarListing, TarMember, TarMemberType } from './tar-member';

/** pax and GNU long-name headers are a few hundred bytes; refuse absurd ones rather than allocate for them. */
const MAX_EXTENSION_BYTES = 1024 * 1024;

const INCOMPLETE = 'The file is incomplete (an interrupted download or copy?): fetch or copy it again.';

/**
 * Lists a tar archive: one small read per header, never a read of member data. Members are windows over the
 * archive, so reading `disk.vmdk` inside a 50 GB OVA reads exactly the bytes asked for.
 *
 * The end is two zero blocks; an archive that stops right after the last member's data is accepted too, as GNU
 * tar accepts it. Within the last member's padding, the end of the file is accepted (its data is all there).
 */
export async function listTar(archive: ByteSource, { signal }: { signal?: AbortSignal } = {}): Promise<TarListing> {
  const members: TarMember[] = [];
  const skipped: string[] = [];
  const global = new Map<string, string>();
  let pending = noPendingExtensions();
  let previous: string | undefined;
  let end: TarListing['end'] = 'end-of-file';

  for (let offset = 0; offset < archive.size; ) {
    throwIfAborted(signal);
    const block = await archive.read(offset, BLOCK_SIZE);
    if (isZeroBlock(block)) {
      // A full zero block is the end marker; a partial one is zero padding cut short, which loses nothing.
      if (block.length === BLOCK_SIZE) end = 'zero-blocks';
      break;
    }
    if (block.length < BLOCK_SIZE) throw truncated(archive, offset, `a tar header ${after(previous)}`);
    const header = parseTarHeader(block, archive.name, offset);
    pending.firstHeader ??= offset;
    let dataOffset = offset + BLOCK_SIZE;

    if (isExtensionHeader(header.typeflag)) {
      const data = await readExtensionData(archive, header, dataOffset, previous);
      if (header.typeflag === 'L') pending.longName = decodeCString(data);
      else if (header.typeflag === 'K') pending.longLink = decodeCString(data);
      else {
        const records = parsePaxRecords(data, archive.name, dataOffset);
        // 'g' records hold for the rest of the archive; an empty value removes one (IEEE 1003.1 `pax`).
        for (const [keyword, value] of records) {
          if (header.typeflag !== 'g') pending.pax.set(keyword, value);
          else if (value === '') global.delete(keyword);
          else global.set(keyword, value);
        }
      }
      offset = dataOffset + paddedSize(header.size);
      continue;
    }
    if (header.typeflag === 'M') {
      throw new VmferryError('unsupported', `The member ${JSON.stringify(header.name)} continues a file from a previous volume of a multi-volume archive`, {
        file: archive.name,
        offset,
        hint: 'Join the volumes with GNU tar (tar -xM) and pack the result as one archive.',
      });
    }
    if (header.typeflag === 'S' && field(block, 'gnuIsExtended')[0] !== 0) {
      dataOffset = await skipSparseExtensionBlocks(archive, dataOffset, header.name);
    }

    const fields = applyExtensions(header, pending, global, archive.name, offset);
    const name = normaliseMemberName(fields.name);
    assertSafeMemberName(name, archive.name, pending.firstHeader);
    // GNU tar skips the data of every entry but a directory ('5'), whatever its size field says.
    const stored = header.typeflag === '5' ? 0 : fields.storedSize;
    if (dataOffset + stored > archive.size) {
      throw new VmferryError(
        'truncated',
        `The archive ends inside the member ${JSON.stringify(name)}: its ${stored} bytes start at byte ${dataOffset}, but the archive has only ${archive.size} bytes`,
        { file: archive.name, offset: dataOffset, hint: INCOMPLETE },
      );
    }
    const member = buildMember(archive, header, fields, name, pending.firstHeader, dataOffset, stored, block);
    if (isMacMetadata(name)) skipped.push(name);
    else members.push(member);
    previous = name;
    pending = noPendingExtensions();
    offset = dataOffset + paddedSize(stored);
  }
  if (pending.firstHeader !== undefined) {
    throw truncated(archive, pending.firstHeader, `the member described by the extended header ${after(previous)}`);
  }
  return { archive: archive.name, members, files: members.filter((member) => member.type === 'file'), skipped, end };
}

function isExtensionHeader(typeflag: string): boolean {
  // 'X' is Solaris's pre-standard name for 'x'; same record format.
  return typeflag === 'x' || typeflag === 'X' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K';
}

async function readExtensionData(archive: ByteSource, header: TarHeaderBlock, dataOffset: number, previous: string | undefined): Promise<Uint8Array> {
  if (header.size > MAX_EXTENSION_BYTES) {
    throw new VmferryError('unsupported', `An extended tar header ${after(previous)} holds ${header.size} bytes; VM Ferry reads at most ${MAX_EXTENSION_BYTES}`, {
      file: archive.name,
      offset: dataOffset - BLOCK_SIZE,
    });
  }
  const data = await archive.read(dataOffset, header.size);
  if (data.length < header.size) throw truncated(archive, dataOffset, `an extended header (${JSON.stringify(header.name)}) ${after(previous)}`);
  return data;
}

/** Old GNU sparse headers chain extension blocks of sparse-map entries; the data starts after the last one. */
async function skipSparseExtensionBlocks(archive: ByteSource, from: number, name: string): Promise<number> {
  let offset = from;
  for (;;) {
    const block = await archive.read(offset, BLOCK_SIZE);
    if (block.length < BLOCK_SIZE) throw truncated(archive, offset, `the sparse map of ${JSON.stringify(name)}`);
    offset += BLOCK_SIZE;
    if (block[504] === 0) return offset; // "isextended" of a GNU sparse extension block
  }
}

function buildMember(
  archive: ByteSource,
  header: TarHeaderBlock,
  fields: EffectiveFields,
  name: string,
  headerOffset: number,
  dataOffset: number,
  stored: number,
  block: Uint8Array,
): TarMember {
  const sparse = fields.paxSparse || header.typeflag === 'S';
  const size = header.typeflag === 'S' ? (parseNumericField(field(block, 'gnuRealSize')) ?? stored) : fields.size;
  const memberName = `${archive.name}/${name}`;
  const type: TarMember['type'] = sparse ? 'sparse' : memberTypeOf(header.typeflag);
  return {
    name,
    type,
    typeflag: header.typeflag,
    // A hard link names another member, so it is normalised like one; a symlink target is a path, kept as is.
    linkName: type === 'hardlink' ? normaliseMemberName(fields.linkName) : fields.linkName,
    size,
    headerOffset,
    dataOffset,
    mtime: fields.mtime,
    mode: header.mode,
    source: sparse ? new SparseMemberSource(memberName, size) : new WindowSource(archive, dataOffset, stored, memberName),
  };
}

/**
 * A GNU sparse member's stored data is its non-zero parts plus a map; reading it as the content would be wrong,
 * so reads are refused with a message that says how to get a readable archive.
 */
class SparseMemberSource implements ByteSource {
  constructor(
    readonly name: string,
    readonly size: number,
  ) {}

  read(): Promise<Uint8Array> {
    return Promise.reject(
      new VmferryError('unsupported', 'This archive member was stored as a GNU sparse file (tar --sparse), which VM Ferry cannot read', {
        file: this.name,
        hint: 'Extract the archive with GNU tar and pack it again without --sparse.',
      }),
    );
  }
}

function after(previous: string | undefined): string {
  return previous === undefined ? 'at the start of the archive' : `after the member ${JSON.stringify(previous)}`;
}

function truncated(archive: ByteSource, offset: number, what: string): VmferryError {
  return new VmferryError('truncated', `The archive ends inside ${what}`, { file: archive.name, offset, hint: INCOMPLETE });
}
