import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { readVmdkDescriptorText, type VmdkDescriptorText } from './descriptor-text';
import { SECTOR, type SparseHeader } from './sparse-header';

/**
 * Reading a descriptor's bytes: embedded in a sparse extent (§"Hosted Sparse Extent Header": descriptorOffset and
 * descriptorSize, in sectors) or a file of its own. Real descriptors are a few hundred bytes; 1 MiB is far beyond
 * any, and refusing more keeps a hostile file from making us decode gigabytes.
 */
export const MAX_DESCRIPTOR_BYTES = 1024 * 1024;

/** The descriptor embedded in a sparse extent, or null when it has none (a bare `-s001` extent). */
export async function readEmbeddedDescriptor(source: ByteSource, header: SparseHeader): Promise<VmdkDescriptorText | null> {
  if (header.descriptorOffset === 0 || header.descriptorSize === 0) return null;
  const bytes = header.descriptorSize * SECTOR;
  if (bytes > MAX_DESCRIPTOR_BYTES) {
    throw new VmferryError('corrupt', `The embedded descriptor claims ${header.descriptorSize} sectors (${bytes} bytes), far larger than any real one`, {
      file: source.name,
      offset: 36,
    });
  }
  const start = header.descriptorOffset * SECTOR;
  if (start + bytes > source.size) {
    throw new VmferryError('corrupt', `The embedded descriptor (sectors ${header.descriptorOffset}+${header.descriptorSize}) lies past the end of the file`, {
      file: source.name,
      offset: 28,
    });
  }
  return readVmdkDescriptorText(decodeDescriptor(await readExact(source, start, bytes, 'embedded descriptor')));
}

/** A descriptor file (monolithicFlat, twoGbMaxExtent*, vmfs, a snapshot's descriptor). */
export async function readDescriptorFile(source: ByteSource): Promise<VmdkDescriptorText> {
  if (source.size > MAX_DESCRIPTOR_BYTES) {
    throw new VmferryError('corrupt', `This VMDK descriptor file is ${source.size} bytes, far larger than any real one`, { file: source.name });
  }
  return readVmdkDescriptorText(decodeDescriptor(await readExact(source, 0, source.size, 'descriptor')));
}

/**
 * Descriptors declare their encoding (`encoding="UTF-8"`, older ones `"windows-1252"`, Japanese hosts
 * `"Shift_JIS"`); it matters only for extent and parent file names. Unknown labels fall back to UTF-8.
 */
function decodeDescriptor(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  const text = end >= 0 ? bytes.subarray(0, end) : bytes;
  const label = /^\s*encoding\s*=\s*"?([\w-]+)"?/im.exec(new TextDecoder('latin1').decode(text))?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(text);
  } catch {
    return new TextDecoder('utf-8').decode(text);
  }
}
