import { VmferryError } from '../../errors';

/**
 * The hosted sparse extent header (VMware "Virtual Disk Format 1.1", §"Hosted Sparse Extent Header"; the
 * streamOptimized additions from "Virtual Disk Format 5.0", §"Stream-Optimized Compressed Sparse Extents").
 * 512 bytes, little-endian, packed:
 *
 *   0 magicNumber 'KDMV'   4 version   8 flags   12 capacity (sectors)   20 grainSize (sectors)
 *  28 descriptorOffset    36 descriptorSize    44 numGTEsPerGT    48 rgdOffset    56 gdOffset
 *  64 overHead    72 uncleanShutdown    73..76 '\n' ' ' '\r' '\n'    77 compressAlgorithm (u16)
 */
export const SECTOR = 512;
export const SPARSE_MAGIC = 0x564d444b; // 'KDMV' read little-endian

export const FLAG_NEWLINE_TEST = 1 << 0;
export const FLAG_REDUNDANT_GD = 1 << 1;
/** Grain table entry 1 means "this grain reads as zeros" (VMDK_GTE_ZEROED in qemu). */
export const FLAG_ZEROED_GRAIN_GTE = 1 << 2;
export const FLAG_COMPRESSED = 1 << 16;
export const FLAG_MARKERS = 1 << 17;
/** Bits 16..31 change how the file must be read; a reader must refuse any it does not know. */
const INCOMPATIBLE_FLAGS = 0xffff0000;
const KNOWN_INCOMPATIBLE = FLAG_COMPRESSED | FLAG_MARKERS;

export const COMPRESSION_NONE = 0;
export const COMPRESSION_DEFLATE = 1;

/** gdOffset value meaning "the grain directory is named by the footer at the end" (streamOptimized). */
export const GD_AT_END = -1;

/** Newest header version we understand (qemu block/vmdk.c refuses anything newer, as we do). */
export const MAX_VERSION = 3;

export interface SparseHeader {
  version: number;
  flags: number;
  /** Sectors of virtual disk this extent holds. */
  capacity: number;
  /** Sectors per grain. */
  grainSize: number;
  descriptorOffset: number;
  descriptorSize: number;
  numGTEsPerGT: number;
  rgdOffset: number;
  /** Sector of the grain directory, or GD_AT_END. */
  gdOffset: number;
  overHead: number;
  uncleanShutdown: boolean;
  compressAlgorithm: number;
}

export function isSparseMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === SPARSE_MAGIC;
}

/** Parses and checks a header (or a streamOptimized footer); `where` names it in errors ("header", "footer"). */
export function parseSparseHeader(bytes: Uint8Array, file: string, at = 0, where = 'sparse extent header'): SparseHeader {
  if (bytes.length < SECTOR) throw new VmferryError('truncated', `File ends inside the VMDK ${where}`, { file, offset: at });
  const view = new DataView(bytes.buffer, bytes.byteOffset, SECTOR);
  if (view.getUint32(0, true) !== SPARSE_MAGIC) {
    throw new VmferryError('corrupt', `The VMDK ${where} does not start with "KDMV"`, { file, offset: at });
  }
  const u64 = (offset: number, field: string): number => {
    const value = view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new VmferryError('corrupt', `VMDK ${where} field ${field} is ${value}, beyond any real disk`, { file, offset: at + offset });
    }
    return Number(value);
  };
  const header: SparseHeader = {
    version: view.getUint32(4, true),
    flags: view.getUint32(8, true),
    capacity: u64(12, 'capacity'),
    grainSize: u64(20, 'grainSize'),
    descriptorOffset: u64(28, 'descriptorOffset'),
    descriptorSize: u64(36, 'descriptorSize'),
    numGTEsPerGT: view.getUint32(44, true),
    rgdOffset: view.getBigUint64(48, true) === 0xffffffffffffffffn ? GD_AT_END : u64(48, 'rgdOffset'),
    gdOffset: view.getBigUint64(56, true) === 0xffffffffffffffffn ? GD_AT_END : u64(56, 'gdOffset'),
    overHead: u64(64, 'overHead'),
    uncleanShutdown: bytes[72] !== 0,
    compressAlgorithm: view.getUint16(77, true),
  };
  checkHeader(header, file, at, where);
  if (header.flags & FLAG_NEWLINE_TEST && (bytes[73] !== 0x0a || bytes[74] !== 0x20 || bytes[75] !== 0x0d || bytes[76] !== 0x0a)) {
    throw new VmferryError('corrupt', `VMDK ${where} fails its newline test: the file was altered by a text-mode transfer`, {
      file,
      offset: at + 73,
      hint: 'Copy the file again in binary mode.',
    });
  }
  return header;
}

function checkHeader(header: SparseHeader, file: string, at: number, where: string): void {
  if (header.version === 0 || header.version > MAX_VERSION) {
    throw new VmferryError('unsupported', `VMDK sparse header version ${header.version} is not supported (versions 1 to ${MAX_VERSION} are)`, {
      file,
      offset: at + 4,
    });
  }
  const unknown = header.flags & INCOMPATIBLE_FLAGS & ~KNOWN_INCOMPATIBLE;
  if (unknown !== 0) {
    throw new VmferryError('unsupported', `VMDK ${where} sets incompatible flags 0x${(unknown >>> 0).toString(16)} that VM Ferry does not know`, {
      file,
      offset: at + 8,
    });
  }
  if (header.compressAlgorithm !== COMPRESSION_NONE && header.compressAlgorithm !== COMPRESSION_DEFLATE) {
    throw new VmferryError('unsupported', `VMDK compression algorithm ${header.compressAlgorithm} is not supported (only deflate is)`, {
      file,
      offset: at + 77,
    });
  }
  // qemu's limits (block/vmdk.c, notes c14): a grain of at most 1 GiB, at most 512 entries per grain table.
  if (header.grainSize < 1 || header.grainSize > 2 * 1024 * 1024) {
    throw new VmferryError('corrupt', `VMDK ${where} grain size of ${header.grainSize} sectors is impossible (1 sector to 1 GiB)`, {
      file,
      offset: at + 20,
    });
  }
  if (header.numGTEsPerGT < 1 || header.numGTEsPerGT > 512) {
    throw new VmferryError('corrupt', `VMDK ${where} says ${header.numGTEsPerGT} entries per grain table (1 to 512 are possible)`, {
      file,
      offset: at + 44,
    });
  }
}

export function isCompressed(header: SparseHeader): boolean {
  // qemu goes by compressAlgorithm, VMware by the flag: either one means deflated grains.
  return (header.flags & FLAG_COMPRESSED) !== 0 || header.compressAlgorithm === COMPRESSION_DEFLATE;
}

export function hasMarkers(header: SparseHeader): boolean {
  return (header.flags & FLAG_MARKERS) !== 0;
}

export function hasZeroedGrainEntries(header: SparseHeader): boolean {
  return (header.flags & FLAG_ZEROED_GRAIN_GTE) !== 0;
}

/** The header as 512 bytes (also the streamOptimized footer, which is a copy with the real gdOffset). */
export function buildSparseHeader(header: SparseHeader): Uint8Array {
  const bytes = new Uint8Array(SECTOR);
  const view = new DataView(bytes.buffer);
  const u64 = (offset: number, value: number) =>
    view.setBigUint64(offset, value === GD_AT_END ? 0xffffffffffffffffn : BigInt(value), true);
  view.setUint32(0, SPARSE_MAGIC, true);
  view.setUint32(4, header.version, true);
  view.setUint32(8, header.flags, true);
  u64(12, header.capacity);
  u64(20, header.grainSize);
  u64(28, header.descriptorOffset);
  u64(36, header.descriptorSize);
  view.setUint32(44, header.numGTEsPerGT, true);
  u64(48, header.rgdOffset);
  u64(56, header.gdOffset);
  u64(64, header.overHead);
  bytes[72] = header.uncleanShutdown ? 1 : 0;
  // The newline test: a file passed through a text-mode transfer would have these mangled.
  bytes.set([0x0a, 0x20, 0x0d, 0x0a], 73);
  view.setUint16(77, header.compressAlgorithm, true);
  return bytes;
}
