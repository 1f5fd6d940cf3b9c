import { Lzma2Decoder } from './lzma2-decoder';
import { LzmaWindow } from './lzma-window';
import { checkSize, createBlockCheck, type BlockCheck } from './xz-check';
import { isIndexAt, isStreamHeaderAt, need, readBlockHeader, readStreamFooter, readStreamHeader, STREAM_FOOTER_SIZE, STREAM_HEADER_SIZE } from './xz-container';
import { XzError } from './xz-error';
import { readIndex, type BlockRecord } from './xz-index';

export { XzError } from './xz-error';

/** The block being decoded: its check and output size grow as output is handed on. */
interface BlockProgress {
  check: BlockCheck;
  uncompressedSize: number;
}

/**
 * Decompresses the xz stream(s) starting at `offset` (initrds written by dracut, SUSE's mkinitrd or
 * initramfs-tools with `xz --check=crc32`; anything `xz` writes with its default LZMA2 filter) and hands each
 * piece of output to `consume` as it comes, until `consume` returns false (the caller has what it needs; nothing
 * more is delivered and the rest is not checked) or the input ends. Concatenated streams and the zero padding
 * between them (.xz spec §2.2) are decoded in turn.
 *
 * The pieces are views into the decoder's dictionary window, valid only until `consume` returns: copy what must
 * be kept. Memory is the block's dictionary (at most 256 MiB, refused above) plus small tables, never the output.
 *
 * Block checks (CRC32, CRC64, SHA-256), block and index sizes are verified. Throws XzError on damaged, truncated
 * or unsupported data (filters other than LZMA2, e.g. `xz --x86`, are refused by name); output already handed
 * on before the damage stays delivered.
 */
export function decompressXz(bytes: Uint8Array, offset: number, consume: (chunk: Uint8Array) => boolean): void {
  if (offset >= bytes.length) throw new XzError('This is not xz data (it is empty)');
  let block: BlockProgress = { check: createBlockCheck(0), uncompressedSize: 0 };
  const window = new LzmaWindow((piece) => {
    block.check.update(piece);
    block.uncompressedSize += piece.length;
    return consume(piece);
  });
  const lzma2 = new Lzma2Decoder(window);
  let position = offset;
  for (;;) {
    const checkId = readStreamHeader(bytes, position);
    const blocks: BlockRecord[] = [];
    position += STREAM_HEADER_SIZE;
    while (!isIndexAt(bytes, position)) {
      block = { check: createBlockCheck(checkId), uncompressedSize: 0 };
      const end = decodeBlock(bytes, position, checkId, window, lzma2, block, blocks);
      if (end < 0) return;
      position = end;
    }
    const indexSize = readIndex(bytes, position, blocks);
    readStreamFooter(bytes, position + indexSize, checkId, indexSize);
    position += indexSize + STREAM_FOOTER_SIZE;
    position = skipStreamPadding(bytes, position);
    if (position === bytes.length) return;
  }
}

/** Decodes the block at `at`, records it in `blocks` and returns where the next one starts, or -1 if stopped. */
function decodeBlock(
  bytes: Uint8Array,
  at: number,
  checkId: number,
  window: LzmaWindow,
  lzma2: Lzma2Decoder,
  block: BlockProgress,
  blocks: BlockRecord[],
): number {
  const header = readBlockHeader(bytes, at);
  const dataStart = at + header.headerSize;
  const limit = header.compressedSize === undefined ? bytes.length : Math.min(bytes.length, dataStart + header.compressedSize);
  window.startBlock(header.dictionarySize);
  lzma2.startBlock();
  const dataEnd = lzma2.decode(bytes, dataStart, limit);
  if (dataEnd < 0) return -1;
  const compressedSize = dataEnd - dataStart;
  if (header.compressedSize !== undefined && compressedSize !== header.compressedSize) {
    throw new XzError('xz block is not the compressed size its header declares (damaged data)');
  }
  if (header.uncompressedSize !== undefined && block.uncompressedSize !== header.uncompressedSize) {
    throw new XzError('xz block does not decompress to the size its header declares (damaged data)');
  }
  // Block padding (§3.2) makes the block a multiple of four bytes; then comes the check.
  const padding = (4 - (compressedSize % 4)) % 4;
  const size = checkSize(checkId);
  need(bytes, dataEnd, padding + size, 'block check');
  for (let i = 0; i < padding; i++) if (bytes[dataEnd + i] !== 0) throw new XzError('xz block padding is not zero (damaged data)');
  block.check.verify(bytes.subarray(dataEnd + padding, dataEnd + padding + size));
  blocks.push({ unpaddedSize: header.headerSize + compressedSize + size, uncompressedSize: block.uncompressedSize });
  return dataEnd + padding + size;
}

/** Stream padding (§2.2): zero bytes, a multiple of four, before the end or the next stream. */
function skipStreamPadding(bytes: Uint8Array, at: number): number {
  let position = at;
  while (position < bytes.length && bytes[position] === 0) position++;
  if ((position - at) % 4 !== 0) throw new XzError('xz stream padding is not a multiple of four bytes (damaged data)');
  if (position < bytes.length && !isStreamHeaderAt(bytes, position)) {
    throw new XzError(`There is data that is not xz after the xz stream (at byte ${position})`);
  }
  return position;
}
