import type { ByteSource } from '../io/byte-source';
import { GzipReader } from '../archive/gzip';
import { detectDisk, probeInputOf, type ProbeInput } from '../disk/detect';
import type { DiskImageReport } from './report';

/**
 * What a disk file is, by content; a gzipped file (`ovf:compression="gzip"`, `.vmdk.gz`) is looked at inside.
 * `name` is what the package calls the file (an href), where that differs from the source's own name.
 */
export async function describeDiskImage(source: ByteSource, compressed: boolean, name = source.name): Promise<DiskImageReport> {
  const input: ProbeInput = compressed ? gzipProbeInput(source) : probeInputOf(source);
  const detected = await detectDisk(input);
  return {
    file: name,
    format: detected?.format ?? 'unknown',
    subformat: detected?.subformat ?? null,
    virtualSizeBytes: detected?.virtualSize ?? null,
    fileSizeBytes: source.size,
    compression: compressed ? 'gzip' : null,
  };
}

/** Reads the start of a gzipped file forward-only; the uncompressed size is unknown without a full pass. */
export function gzipProbeInput(source: ByteSource): ProbeInput {
  const reader = new GzipReader(source);
  return { name: source.name, size: null, read: (offset, length) => reader.read(offset, length) };
}
