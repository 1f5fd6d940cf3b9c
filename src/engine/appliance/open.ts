import { VmferryError, throwIfAborted } from '../errors';
import type { ByteSource } from '../io/byte-source';
import type { FileSet } from '../io/file-set';
import { detectDisk, probeInputOf } from '../disk/detect';
import { looksLikeTar, readTarHeaderName } from '../archive/tar-header';
import { emptyReport, type Appliance } from './appliance';
import { describeDiskImage, gzipProbeInput } from './describe-disk-image';
import { openTarArchive } from './open-archive';
import { openDiskImage } from './open-disk';
import { openOvfPackage } from './open-ovf';
import { openCompressedXva } from './open-xva';
import { sniff, type Sniffed } from './sniff';

export interface OpenOptions {
  signal?: AbortSignal;
}

/**
 * Opens whatever the user gave: an OVA, an OVF descriptor with its files (from the same folder or selection), an
 * XVA, or a disk image, recognised by content. Nothing is converted or hashed here; the result describes what
 * is there, and missing or inconsistent files are warnings rather than failures so that the user sees them all.
 */
export async function openAppliance(files: FileSet, { signal }: OpenOptions = {}): Promise<Appliance> {
  if (files.entries.length === 0) throw new VmferryError('usage', 'Nothing to open: no files were given');
  const { input, kind } = await choosePrimary(files.entries);
  throwIfAborted(signal);
  switch (kind) {
    case 'tar':
      return openTarArchive(input);
    case 'ovf-xml':
      return openOvfFolder(input, files);
    case 'gzip':
      return openGzipped(input, signal);
    case 'zstd':
      return openZstd(input, signal);
    case 'other':
      return openDiskImage(input, files);
  }
}

/** With several files (a folder, a multi-selection) the descriptor leads; then an archive; then a disk. */
async function choosePrimary(entries: readonly ByteSource[]): Promise<{ input: ByteSource; kind: Sniffed }> {
  const sniffed = await Promise.all(entries.map(async (input) => ({ input, kind: await sniff(input) })));
  if (sniffed.length === 1) return sniffed[0]!;
  for (const preferred of ['ovf-xml', 'tar', 'gzip', 'zstd'] as const) {
    const found = sniffed.filter((entry) => entry.kind === preferred);
    if (found.length > 1 && preferred === 'ovf-xml') {
      throw new VmferryError('usage', `The selection holds ${found.length} OVF descriptors (${found.map((f) => f.input.name).join(', ')}); open one at a time`);
    }
    if (found[0]) return found[0];
  }
  for (const entry of sniffed) {
    if (await detectDisk(probeInputOf(entry.input))) return entry;
  }
  return sniffed[0]!;
}

async function openOvfFolder(descriptor: ByteSource, files: FileSet): Promise<Appliance> {
  const fileName = descriptor.name.slice(descriptor.name.lastIndexOf('/') + 1);
  const base = fileName.replace(/\.ovf$/i, '');
  const sibling = async (name: string) => {
    const source = await files.find(name, descriptor.name);
    return source ? { name, source } : null;
  };
  return openOvfPackage({
    kind: 'ovf',
    input: descriptor,
    descriptor,
    descriptorName: fileName,
    manifest: await sibling(`${base}.mf`),
    certificate: await sibling(`${base}.cert`),
    find: (href) => files.find(href, descriptor.name),
    warnings: [],
  });
}

/** A whole-file gzip: a compressed XVA (XenServer's `--compress`), or a gzipped disk image (`.vmdk.gz`). */
async function openGzipped(input: ByteSource, signal: AbortSignal | undefined): Promise<Appliance> {
  const inner = gzipProbeInput(input);
  const firstBlock = await inner.read(0, 512);
  if (firstBlock.length === 512 && looksLikeTar(firstBlock) && readTarHeaderName(firstBlock) === 'ova.xml') {
    return openCompressedXva(input, 'gzip', { signal });
  }
  const { report: image } = await describeDiskImage(input, true);
  if (image.format === 'unknown') {
    throw new VmferryError('unknown-format', 'A gzip file whose content is neither an XVA nor a disk image VM Ferry recognises', { file: input.name });
  }
  const report = emptyReport(input.name, 'disk');
  report.diskImages.push(image);
  report.files.push({ name: input.name, size: input.size, declaredSize: null, role: 'disk', present: true, compression: 'gzip', chunks: 0 });
  return { kind: 'disk', input, files: new Map([[input.name, input]]), disks: new Map(), manifest: null, report };
}

/** A whole-file zstd: an XVA exported with `xe vm-export compress=zstd` (XenServer 8, XCP-ng). */
async function openZstd(input: ByteSource, signal: AbortSignal | undefined): Promise<Appliance> {
  const firstBlock = await gzipProbeInput(input, 'zstd').read(0, 512);
  if (firstBlock.length === 512 && looksLikeTar(firstBlock) && readTarHeaderName(firstBlock) === 'ova.xml') {
    return openCompressedXva(input, 'zstd', { signal });
  }
  throw new VmferryError('unsupported', 'A zstd file whose content is not an XVA: VM Ferry reads zstd-compressed XVAs only', {
    file: input.name,
    hint: 'Decompress it first (zstd -d) and open the result.',
  });
}
