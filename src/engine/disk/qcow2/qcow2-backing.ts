import { VmferryError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import type { DiskFormat } from '../detect';
import { openAs, openVirtualDisk, parentContext, type DiskOpenContext } from '../open-disk';
import type { VirtualDisk } from '../virtual-disk';
import type { Qcow2Header } from './qcow2-header';

/**
 * The backing file (qemu docs/interop/qcow2.txt, "Header": backing_file_offset/size, and the "Backing file format
 * name" extension). The name is relative to the image's folder; an absolute path from the machine that made the
 * image is tried by its base name too. The format comes from the extension, else from the content. qcow2 records
 * no identity of its backing file (no UUID), so there is nothing to cross-check beyond the chain depth.
 */
const QEMU_FORMATS: Record<string, DiskFormat> = {
  raw: 'raw',
  qcow2: 'qcow2',
  vmdk: 'vmdk',
  vpc: 'vhd',
  vhdx: 'vhdx',
  vdi: 'vdi',
};

export function backingFileName(cluster0: Uint8Array, header: Qcow2Header, file: string): string | null {
  const { backingFileOffset: offset, backingFileSize: size, clusterSize } = header;
  if (offset === 0) return null;
  if (size === 0 || size > 1023 || offset + size > Math.min(clusterSize, cluster0.length)) {
    throw new VmferryError('corrupt', `qcow2 header: backing file name of ${size} bytes at byte ${offset} is empty, too long or outside the header cluster`, {
      file,
      offset: 8,
    });
  }
  return new TextDecoder().decode(cluster0.subarray(offset, offset + size));
}

export async function openBackingFile(
  source: ByteSource,
  name: string,
  backingFormat: string | null,
  context: DiskOpenContext,
): Promise<VirtualDisk> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(name) && !/^[a-z]:[\\/]/i.test(name)) {
    throw new VmferryError('unsupported', `The backing file "${name}" is not a file (a protocol or JSON specification)`, { file: source.name });
  }
  let format: DiskFormat | null = null;
  if (backingFormat !== null) {
    format = QEMU_FORMATS[backingFormat] ?? null;
    if (!format) throw new VmferryError('unsupported', `The backing file "${name}" has format "${backingFormat}", which VM Ferry does not read`, { file: source.name });
  }
  const parentSource = await findBackingFile(source, name, context);
  if (parentSource.name === source.name) {
    throw new VmferryError('corrupt', `The image names itself ("${name}") as its backing file`, { file: source.name });
  }
  const deeper = parentContext(context);
  return format ? openAs(format, parentSource, deeper) : openVirtualDisk(parentSource, deeper);
}

async function findBackingFile(source: ByteSource, name: string, context: DiskOpenContext): Promise<ByteSource> {
  const baseName = name.split(/[\\/]/).pop() ?? name;
  const candidates = name.startsWith('/') || /^[a-z]:[\\/]/i.test(name) ? [baseName] : [name, baseName];
  for (const candidate of new Set(candidates)) {
    const found = await context.find(candidate, source.name);
    if (found) return found;
  }
  throw new VmferryError('missing-file', `The backing file "${name}" was not found next to the image`, {
    file: source.name,
    hint: 'Put the backing file in the same folder (or selection) as the image, or flatten the image first with qemu-img convert',
  });
}
