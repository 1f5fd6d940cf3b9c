import { crcMatches, need, readVarint } from './xz-container';
import { XzError } from './xz-error';

/** What the index records for each block (.xz spec §4.3): sizes without the block padding. */
export interface BlockRecord {
  /** Block header + compressed data + check, without block padding. */
  unpaddedSize: number;
  uncompressedSize: number;
}

/**
 * Reads the index at `at` (§4: indicator 0, record count, one record per block, zero padding to a multiple of
 * four, CRC32) and checks that it lists exactly the blocks that were decoded. Returns the index size, which
 * the stream footer repeats. The record count is compared before records are read, so a damaged count cannot
 * make this loop long.
 */
export function readIndex(bytes: Uint8Array, at: number, blocks: readonly BlockRecord[]): number {
  const count = readVarint(bytes, at + 1, bytes.length);
  if (count.value !== blocks.length) throw new XzError(`xz index lists ${count.value} blocks, the stream has ${blocks.length} (damaged data)`);
  let position = count.end;
  for (const block of blocks) {
    const unpadded = readVarint(bytes, position, bytes.length);
    const uncompressed = readVarint(bytes, unpadded.end, bytes.length);
    if (unpadded.value !== block.unpaddedSize || uncompressed.value !== block.uncompressedSize) {
      throw new XzError('xz index does not match the blocks of its stream (damaged data)');
    }
    position = uncompressed.end;
  }
  const padding = (4 - ((position - at) % 4)) % 4;
  need(bytes, position, padding + 4, 'index');
  for (let i = 0; i < padding; i++) if (bytes[position + i] !== 0) throw new XzError('xz index padding is not zero (damaged data)');
  position += padding;
  if (!crcMatches(bytes, at, position)) throw new XzError('xz index is damaged (CRC32 mismatch)');
  return position + 4 - at;
}
