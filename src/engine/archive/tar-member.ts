import type { ByteSource } from '../io/byte-source';

/** What an entry is, from its typeflag (POSIX ustar "typeflag", GNU tar manual "Standard"). */
export type TarMemberType =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  /** GNU sparse file (typeflag 'S', or pax `GNU.sparse.*`): its stored data is not its content. */
  | 'sparse'
  | 'volume-label'
  /** A typeflag we do not know (vendor extensions 'A'–'Z'): listed, never treated as a file. */
  | 'other';

export interface TarMember {
  /** Normalised: no leading `./`, no trailing `/`; the pax `path` or GNU long name when there is one. */
  name: string;
  type: TarMemberType;
  /** The typeflag character as stored ('0' for old v7 files stored with NUL). */
  typeflag: string;
  /** Target of a symlink or hardlink; empty otherwise. */
  linkName: string;
  /** Size of the content in bytes (for a sparse file, with its holes). */
  size: number;
  /** Where this member's first header starts: its pax or GNU long-name header when it has one. */
  headerOffset: number;
  /** Where its stored data starts in the archive. */
  dataOffset: number;
  /** Modification time, seconds since 1970 (pax `mtime` may carry a fraction). */
  mtime: number;
  mode: number;
  /** The content, read straight from the archive: never copied. */
  source: ByteSource;
}

export interface TarListing {
  /** The archive's name, as its source calls it. */
  archive: string;
  /** Every entry in archive order (directories and links included), except skipped macOS metadata. */
  members: TarMember[];
  /** Regular files only: what an OVA or XVA reader looks for. */
  files: TarMember[];
  /** Names of skipped AppleDouble `._*` and `__MACOSX/` entries, so the caller can mention them. */
  skipped: string[];
  /** How the archive ended: two zero blocks (the standard), or the end of the file after the last member. */
  end: 'zero-blocks' | 'end-of-file';
}

/** The typeflags of entries that carry file content (POSIX: '7' contiguous files read as regular files). */
export function memberTypeOf(typeflag: string): TarMemberType {
  switch (typeflag) {
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'character-device';
    case '4':
      return 'block-device';
    case '5':
    case 'D': // GNU dumpdir: a directory whose data lists its contents
      return 'directory';
    case '6':
      return 'fifo';
    case 'S':
      return 'sparse';
    case 'V':
      return 'volume-label';
    default:
      return 'other';
  }
}
