import { isVmferryError } from '../errors';
import type { ByteSource } from '../io/byte-source';
import { ForwardReader } from '../archive/gzip';
import { detectDisk, probeInputOf, type ProbeInput } from '../disk/detect';
import { openVirtualDisk, type DiskOpenContext } from '../disk/open-disk';
import { dataBytesOf } from '../disk/unit-map';
import { layersOf, type VirtualDisk } from '../disk/virtual-disk';
import type { DiskImageReport } from './report';

export interface DescribedDisk {
  report: DiskImageReport;
  /** The opened disk (with its chain), or null when it is compressed or cannot be read. */
  disk: VirtualDisk | null;
}

/**
 * What a disk file is, by content, and — where it can be opened — how much of it holds data and which layers
 * it stands on. A gzipped file (`ovf:compression="gzip"`, `.vmdk.gz`) is only looked at inside.
 * `name` is what the package calls the file (an href), where that differs from the source's own name.
 */
export async function describeDiskImage(
  source: ByteSource,
  compressed: boolean,
  name = source.name,
  context?: DiskOpenContext,
): Promise<DescribedDisk> {
  const input: ProbeInput = compressed ? gzipProbeInput(source) : probeInputOf(source);
  const detected = await detectDisk(input);
  const report: DiskImageReport = {
    file: name,
    format: detected?.format ?? 'unknown',
    subformat: detected?.subformat ?? null,
    virtualSizeBytes: detected?.virtualSize ?? null,
    fileSizeBytes: source.size,
    compression: compressed ? 'gzip' : null,
    allocatedBytes: null,
    chain: [],
    problem: detected ? null : `${name}: not a disk image format VM Ferry recognises`,
  };
  if (!detected || compressed || !context) return { report, disk: null };
  try {
    const disk = await openVirtualDisk(source, context);
    report.virtualSizeBytes = disk.virtualSize;
    report.subformat = disk.subformat ?? report.subformat;
    report.allocatedBytes = await dataBytesOf(disk);
    report.chain = layersOf(disk).map((layer, index) => ({
      file: index === 0 ? name : layer.name,
      format: layer.format,
      subformat: layer.subformat,
      virtualSizeBytes: layer.virtualSize,
      storedBytes: layer.storedBytes,
    }));
    return { report, disk };
  } catch (error) {
    if (!isVmferryError(error)) throw error;
    report.problem = error.message;
    return { report, disk: null };
  }
}

/** Reads the start of a gzipped file forward-only; the uncompressed size is unknown without a full pass. */
export function gzipProbeInput(source: ByteSource, format: 'gzip' | 'zstd' = 'gzip'): ProbeInput {
  const reader = new ForwardReader(source, { format });
  return { name: source.name, size: null, read: (offset, length) => reader.read(offset, length) };
}
