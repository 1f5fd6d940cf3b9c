import type { OutputFormat, WriterOptions } from '../disk/disk-writer';
import type { VirtualDisk } from '../disk/virtual-disk';
import type { HashAlgorithm } from '../io/hash';

/** A disk the package carries: written from `disk` in `format`, under the name `href`. */
export interface PackageDisk {
  href: string;
  disk: VirtualDisk;
  format: OutputFormat;
  options: WriterOptions;
}

/**
 * Any other file: an ISO the descriptor references, or an import script that only travels with the package. Its
 * size is known before its data. The manifest covers the descriptor and the referenced files and no others
 * (DSP0243 §5.1), so `referenced` decides whether it is listed.
 */
export interface PackageExtra {
  name: string;
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
  /** In the descriptor's References (and so in the manifest); an import script is not. */
  referenced: boolean;
}

/**
 * What a package writer needs: the files, and a descriptor built only once the disks' sizes are known (OVF
 * References carry exact sizes, and a streamOptimized VMDK's size is known only after compression).
 */
export interface PackageContent {
  descriptorName: string;
  descriptor(sizes: ReadonlyMap<string, number>): Uint8Array;
  disks: PackageDisk[];
  extras: PackageExtra[];
  manifest: { name: string; algorithm: HashAlgorithm } | null;
}

export interface PackageProgress {
  /** `measure`: compressing a disk only to learn its size; `scan`: finding data for a table-first format. */
  phase: 'scan' | 'measure' | 'write';
  file: string;
  /** Virtual-disk bytes of this file processed in this phase, out of `total`. */
  done: number;
  total: number;
  /** Bytes per second over the phase so far. */
  rate: number;
}

export interface PackageWriteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: PackageProgress) => void;
}

export interface WrittenFile {
  name: string;
  size: number;
  /** The manifest digest, lower-case hex; null without a manifest. */
  digest: string | null;
}

export function bytesSource(bytes: Uint8Array): () => AsyncIterable<Uint8Array> {
  return async function* () {
    yield bytes;
  };
}
