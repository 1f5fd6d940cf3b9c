import { VmferryError } from '../../errors';

/**
 * The qcow2 header (qemu docs/interop/qcow2.txt, "Header"): the first bytes of cluster 0, big-endian. Version 2
 * stops at byte 72; version 3 adds the feature bitmaps, the refcount order, the header length and (optionally)
 * the compression type.
 */
export const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"

/** Incompatible feature bits ("Header", bytes 72-79). */
export const INCOMPATIBLE = {
  dirty: 0,
  corrupt: 1,
  externalDataFile: 2,
  compressionType: 3,
  extendedL2: 4,
} as const;
const KNOWN_INCOMPATIBLE_BITS = 5;

/** qemu's implementation limits, which every real image respects (qcow2.txt notes, qemu block/qcow2.h). */
export const MIN_CLUSTER_BITS = 9;
export const MAX_CLUSTER_BITS = 21;
const MAX_L1_BYTES = 32 * 1024 * 1024;

export interface Qcow2Header {
  version: 2 | 3;
  backingFileOffset: number;
  backingFileSize: number;
  clusterBits: number;
  clusterSize: number;
  virtualSize: number;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  snapshotCount: number;
  /** Bits 0-31 and 32-63 of each feature bitmap, as two unsigned 32-bit halves (low first). */
  incompatibleFeatures: [number, number];
  compatibleFeatures: [number, number];
  autoclearFeatures: [number, number];
  refcountOrder: number;
  headerLength: number;
  /** 0 zlib, 1 zstd (v3 with header_length > 104). */
  compressionType: number;
}

export function hasFeature(bits: [number, number], bit: number): boolean {
  return bit < 32 ? (bits[0] & (2 ** bit)) !== 0 : (bits[1] & (2 ** (bit - 32))) !== 0;
}

/** The bit numbers set in a 64-bit feature bitmap. */
export function featureBitsSet(bits: [number, number]): number[] {
  const set: number[] = [];
  for (let bit = 0; bit < 64; bit++) if (hasFeature(bits, bit)) set.push(bit);
  return set;
}

/** Parses and sanity-checks the header; `head` holds at least the first 512 bytes of the file. */
export function parseQcow2Header(head: Uint8Array, file: string, fileSize: number): Qcow2Header {
  if (head.length < 72) throw new VmferryError('truncated', `File ends inside the qcow2 header (${head.length} of 72 bytes)`, { file });
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const corrupt = (what: string, offset?: number) => new VmferryError('corrupt', `qcow2 header: ${what}`, { file, offset });
  if (view.getUint32(0) !== QCOW2_MAGIC) throw corrupt('bad magic (not "QFI\\xfb")', 0);
  const version = view.getUint32(4);
  if (version !== 2 && version !== 3) {
    throw new VmferryError('unsupported', `qcow2 version ${version} is not supported (only 2 and 3 exist)`, { file, offset: 4 });
  }
  const clusterBits = view.getUint32(20);
  if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
    throw corrupt(`cluster_bits ${clusterBits} is outside ${MIN_CLUSTER_BITS}..${MAX_CLUSTER_BITS} (512 bytes to 2 MiB clusters)`, 20);
  }
  const clusterSize = 2 ** clusterBits;
  const u64 = (offset: number, name: string) => safeU64(view, offset, name, file);

  const header: Qcow2Header = {
    version,
    backingFileOffset: u64(8, 'backing_file_offset'),
    backingFileSize: view.getUint32(16),
    clusterBits,
    clusterSize,
    virtualSize: u64(24, 'size'),
    cryptMethod: view.getUint32(32),
    l1Size: view.getUint32(36),
    l1TableOffset: u64(40, 'l1_table_offset'),
    refcountTableOffset: u64(48, 'refcount_table_offset'),
    refcountTableClusters: view.getUint32(56),
    snapshotCount: view.getUint32(60),
    incompatibleFeatures: [0, 0],
    compatibleFeatures: [0, 0],
    autoclearFeatures: [0, 0],
    refcountOrder: 4,
    headerLength: 72,
    compressionType: 0,
  };
  if (version === 3) {
    if (head.length < 104) throw new VmferryError('truncated', 'File ends inside the qcow2 v3 header', { file });
    header.incompatibleFeatures = [view.getUint32(76), view.getUint32(72)];
    header.compatibleFeatures = [view.getUint32(84), view.getUint32(80)];
    header.autoclearFeatures = [view.getUint32(92), view.getUint32(88)];
    header.refcountOrder = view.getUint32(96);
    header.headerLength = view.getUint32(100);
    if (header.headerLength < 104 || header.headerLength % 8 !== 0 || header.headerLength > Math.min(clusterSize, head.length)) {
      throw corrupt(`header_length ${header.headerLength} must be a multiple of 8 between 104 and the cluster size`, 100);
    }
    if (header.headerLength > 104) header.compressionType = head[104]!;
    if (header.refcountOrder > 6) throw corrupt(`refcount_order ${header.refcountOrder} is above 6 (64-bit refcounts)`, 96);
  }
  checkTables(header, file, fileSize);
  return header;
}

/** The L1 table must lie in the file, be cluster-aligned and be large enough (and not absurdly larger) for the disk. */
function checkTables(header: Qcow2Header, file: string, fileSize: number): void {
  const { clusterSize, l1Size, l1TableOffset } = header;
  const needed = l1EntriesFor(header.virtualSize, clusterSize, hasFeature(header.incompatibleFeatures, INCOMPATIBLE.extendedL2));
  if (l1Size < needed) {
    throw new VmferryError('corrupt', `qcow2 header: L1 table of ${l1Size} entries is too small for a ${header.virtualSize}-byte disk (needs ${needed})`, {
      file,
      offset: 36,
    });
  }
  if (l1Size * 8 > MAX_L1_BYTES) {
    throw new VmferryError('corrupt', `qcow2 header: L1 table of ${l1Size} entries is absurdly large (qemu's limit is ${MAX_L1_BYTES / 8})`, {
      file,
      offset: 36,
    });
  }
  if (l1Size > 0) {
    if (l1TableOffset % clusterSize !== 0 || l1TableOffset === 0) {
      throw new VmferryError('corrupt', `qcow2 header: L1 table offset ${l1TableOffset} is not a non-zero multiple of the cluster size ${clusterSize}`, {
        file,
        offset: 40,
      });
    }
    if (l1TableOffset + l1Size * 8 > fileSize) {
      throw new VmferryError('corrupt', `qcow2 header: L1 table (${l1Size} entries at byte ${l1TableOffset}) reaches past the end of the file (${fileSize} bytes)`, {
        file,
        offset: 40,
      });
    }
  }
}

/** Entries in one L2 table: 8-byte entries, or 16-byte ones with Extended L2 ("Extended L2 Entries"). */
export function l2EntriesPerTable(clusterSize: number, extendedL2: boolean): number {
  return clusterSize / (extendedL2 ? 16 : 8);
}

/** L1 entries needed to map `virtualSize` bytes. */
export function l1EntriesFor(virtualSize: number, clusterSize: number, extendedL2: boolean): number {
  return Math.ceil(virtualSize / (clusterSize * l2EntriesPerTable(clusterSize, extendedL2)));
}

function safeU64(view: DataView, offset: number, name: string, file: string): number {
  const value = view.getBigUint64(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new VmferryError('corrupt', `qcow2 header: ${name} ${value} is beyond 2^53`, { file, offset });
  }
  return Number(value);
}
