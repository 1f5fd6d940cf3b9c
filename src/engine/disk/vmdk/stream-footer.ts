import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { MARKER_EOS, MARKER_FOOTER, parseMarker } from './markers';
import { GD_AT_END, parseSparseHeader, SECTOR, type SparseHeader } from './sparse-header';

/**
 * The streamOptimized footer (VMware "Virtual Disk Format 5.0", §"Stream-Optimized Compressed Sparse Extents";
 * notes c12): when the header's gdOffset is GD_AT_END, the last three sectors are a footer marker, a copy of the
 * header with the real gdOffset, and the end-of-stream marker. qemu refuses anything else ("Invalid footer").
 */
export async function readStreamFooter(source: ByteSource): Promise<SparseHeader> {
  const start = source.size - 3 * SECTOR;
  const missing = (what: string) =>
    new VmferryError('corrupt', `The grain directory is in the streamOptimized footer, but ${what}`, {
      file: source.name,
      offset: Math.max(0, start),
      hint: 'The file is probably cut short (an interrupted download or export).',
    });
  if (start < SECTOR) throw missing('the file is too short to hold one');
  const tail = await readExact(source, start, 3 * SECTOR, 'streamOptimized footer');
  const marker = parseMarker(tail.subarray(0, SECTOR));
  if (marker.kind !== 'metadata' || marker.type !== MARKER_FOOTER) throw missing('no footer marker precedes the last two sectors');
  const eos = parseMarker(tail.subarray(2 * SECTOR));
  if (eos.kind !== 'metadata' || eos.type !== MARKER_EOS || eos.sectors !== 0) throw missing('the file does not end with an end-of-stream marker');
  const footer = parseSparseHeader(tail.subarray(SECTOR, 2 * SECTOR), source.name, start + SECTOR, 'streamOptimized footer');
  if (footer.gdOffset === GD_AT_END) {
    throw new VmferryError('corrupt', 'The streamOptimized footer does not say where the grain directory is (gdOffset is GD_AT_END again)', {
      file: source.name,
      offset: start + SECTOR + 56,
    });
  }
  return footer;
}
