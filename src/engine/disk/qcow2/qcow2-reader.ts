import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { MAX_CHAIN_DEPTH, type DiskOpenContext } from '../open-disk';
import type { VirtualDisk } from '../virtual-disk';
import { backingFileName, openBackingFile } from './qcow2-backing';
import { Qcow2ClusterMap } from './qcow2-cluster-map';
import { Qcow2Disk } from './qcow2-disk';
import { featureBitsSet, hasFeature, INCOMPATIBLE, l1EntriesFor, parseQcow2Header, type Qcow2Header } from './qcow2-header';
import { parseHeaderExtensions, type Qcow2Extensions } from './qcow2-header-extensions';
import { Qcow2Tables } from './qcow2-tables';

/**
 * Opens a qcow2 v2 or v3 image (qemu docs/interop/qcow2.txt): header, extensions, feature checks, L1 table,
 * backing file. What we refuse, and why:
 * - encryption (crypt_method 1 AES, 2 LUKS): we have no key and no reason to ask for one in a converter;
 * - an external data file: the guest data is in another file qemu would open by its own rules;
 * - incompatible feature bits we do not know: the spec says an implementation must fail;
 * - the corrupt bit: qemu sets it when it found the metadata inconsistent, and a converted copy would carry the
 *   damage into an image that no longer says so; `qemu-img check -r all` repairs it, then we read it.
 * The dirty bit only means the refcounts may be stale (lazy refcounts); the L1/L2 tables we read are valid, so
 * the image is read and the fact noted.
 */
export async function openQcow2(source: ByteSource, context: DiskOpenContext): Promise<VirtualDisk> {
  if ((context.depth ?? 0) > MAX_CHAIN_DEPTH) {
    throw new VmferryError('corrupt', `The chain of backing files is more than ${MAX_CHAIN_DEPTH} deep; a backing file probably refers back to a child`, {
      file: source.name,
    });
  }
  const head = await readExact(source, 0, Math.min(source.size, 4096), 'qcow2 header');
  const header = parseQcow2Header(head, source.name, source.size);
  const cluster0 = header.clusterSize <= head.length ? head : await readExact(source, 0, Math.min(header.clusterSize, source.size), 'qcow2 header cluster');
  const extensionsEnd = header.backingFileOffset > 0 ? header.backingFileOffset : header.clusterSize;
  const extensions = parseHeaderExtensions(cluster0, header.headerLength, extensionsEnd, source.name);
  refuseUnsupported(header, extensions, source.name);

  const extendedL2 = hasFeature(header.incompatibleFeatures, INCOMPATIBLE.extendedL2);
  const tables = await Qcow2Tables.load(source, header, l1EntriesFor(header.virtualSize, header.clusterSize, extendedL2));
  const map = new Qcow2ClusterMap(source, header, tables, extendedL2);

  const notes: string[] = [];
  if (hasFeature(header.incompatibleFeatures, INCOMPATIBLE.dirty)) notes.push('dirty bit set: refcounts may be stale (the data is intact)');
  if (header.snapshotCount > 0) notes.push(`${header.snapshotCount} internal snapshot(s); the current state is read`);
  if (extendedL2) notes.push('extended L2 entries (32 subclusters per cluster)');
  const backingName = backingFileName(cluster0, header, source.name);
  let parent: VirtualDisk | null = null;
  if (backingName !== null) {
    notes.push(`backing file "${backingName}"`);
    parent = await openBackingFile(source, backingName, extensions.backingFormat, context);
  }
  if (header.compressionType === 1) notes.push('compressed clusters use zstd');
  return new Qcow2Disk(source, map, header.virtualSize, `v${header.version}`, parent, notes, header.compressionType === 1 ? 'zstd' : 'deflate');
}

function refuseUnsupported(header: Qcow2Header, extensions: Qcow2Extensions, file: string): void {
  if (header.cryptMethod !== 0 || extensions.hasEncryptionHeader) {
    const method = header.cryptMethod === 1 ? 'AES' : header.cryptMethod === 2 ? 'LUKS' : `method ${header.cryptMethod}`;
    throw new VmferryError('unsupported', `The qcow2 image is encrypted (${method}); VM Ferry does not read encrypted images`, {
      file,
      offset: 32,
      hint: 'Decrypt it first with qemu-img convert --object secret,... --image-opts ... -O qcow2',
    });
  }
  const incompatible = header.incompatibleFeatures;
  const featureName = (bit: number) => {
    const entry = extensions.featureNames.find((f) => f.type === 0 && f.bit === bit);
    return entry ? ` ("${entry.name}")` : '';
  };
  const unknown = featureBitsSet(incompatible).filter((bit) => bit > INCOMPATIBLE.extendedL2);
  if (unknown.length > 0) {
    throw new VmferryError(
      'unsupported',
      `The qcow2 image uses incompatible feature ${unknown.map((bit) => `bit ${bit}${featureName(bit)}`).join(', ')}, which VM Ferry does not know`,
      { file, offset: 72 },
    );
  }
  if (hasFeature(incompatible, INCOMPATIBLE.corrupt)) {
    throw new VmferryError('corrupt', 'The qcow2 image is marked corrupt (incompatible feature bit 1): qemu found its metadata inconsistent', {
      file,
      offset: 72,
      hint: 'Repair it with qemu-img check -r all, then convert it',
    });
  }
  if (hasFeature(incompatible, INCOMPATIBLE.externalDataFile) || extensions.externalDataFile !== null) {
    const name = extensions.externalDataFile !== null ? ` "${extensions.externalDataFile}"` : '';
    throw new VmferryError('unsupported', `The qcow2 image keeps its data in an external data file${name} (incompatible feature bit 2), which VM Ferry does not read`, {
      file,
      offset: 72,
      hint: 'Convert it with qemu-img convert -O qcow2 first',
    });
  }
  const compressionBit = hasFeature(incompatible, INCOMPATIBLE.compressionType);
  if (compressionBit !== (header.compressionType !== 0)) {
    throw new VmferryError('corrupt', `qcow2 header: compression type ${header.compressionType} disagrees with incompatible feature bit 3`, { file, offset: 104 });
  }
  if (header.compressionType > 1) {
    throw new VmferryError('unsupported', `qcow2 compression type ${header.compressionType} is unknown (0 is zlib, 1 zstd)`, { file, offset: 104 });
  }
  if (hasFeature(incompatible, INCOMPATIBLE.extendedL2) && header.clusterBits < 14) {
    throw new VmferryError('corrupt', `qcow2 header: extended L2 entries need clusters of at least 16 KiB, not ${header.clusterSize} bytes`, { file, offset: 20 });
  }
}
