/**
 * A raw DEFLATE decoder (RFC 1951) that stops as soon as it has produced `outputLength` bytes.
 *
 * Why not `DecompressionStream('deflate-raw')`: a qcow2 compressed cluster is described only by the 512-byte
 * sectors it touches, and qemu packs compressed clusters byte after byte, so the bytes after the end of one
 * deflate stream are the start of the next cluster. The Compression Streams standard requires an error for input
 * after the end of the stream, and browsers raise it ("Junk found after end of compressed data" in Chromium),
 * discarding output that was not yet read. qemu itself simply stops once the cluster is full
 * (docs/interop/qcow2.txt: "decompression stops when it has produced a cluster of data"); so do we.
 */
export class InflateError extends Error {}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which code-length code lengths are sent (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * A decoding table indexed by the next `bits` input bits (LSB first): entry = symbol << 4 | code length, or 0
 * for a bit pattern that is not a code.
 */
interface HuffmanTable {
  entries: Int32Array;
  bits: number;
}

function buildTable(lengths: ArrayLike<number>, count: number): HuffmanTable {
  let maxBits = 0;
  const perLength = new Int32Array(16);
  for (let s = 0; s < count; s++) {
    const length = lengths[s]!;
    perLength[length]!++;
    if (length > maxBits) maxBits = length;
  }
  perLength[0] = 0;
  const bits = Math.max(1, maxBits);
  const entries = new Int32Array(1 << bits);
  // Canonical codes (RFC 1951 §3.2.2): the first code of each length.
  const next = new Int32Array(16);
  let code = 0;
  for (let length = 1; length <= 15; length++) {
    code = (code + perLength[length - 1]!) << 1;
    next[length] = code;
  }
  for (let s = 0; s < count; s++) {
    const length = lengths[s]!;
    if (length === 0) continue;
    const assigned = next[length]!++;
    if (assigned >= 1 << length) throw new InflateError('over-subscribed Huffman code');
    let reversed = 0;
    for (let b = 0; b < length; b++) reversed |= ((assigned >> b) & 1) << (length - 1 - b);
    for (let i = reversed; i < entries.length; i += 1 << length) entries[i] = (s << 4) | length;
  }
  return { entries, bits };
}

let fixedTables: { literals: HuffmanTable; distances: HuffmanTable } | null = null;

function fixed(): { literals: HuffmanTable; distances: HuffmanTable } {
  if (!fixedTables) {
    const lengths = new Uint8Array(288);
    lengths.fill(8, 0, 144);
    lengths.fill(9, 144, 256);
    lengths.fill(7, 256, 280);
    lengths.fill(8, 280, 288);
    fixedTables = { literals: buildTable(lengths, 288), distances: buildTable(new Uint8Array(30).fill(5), 30) };
  }
  return fixedTables;
}

/** Decodes a raw deflate stream from `input` until `outputLength` bytes are produced. */
export function inflateRaw(input: Uint8Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  let produced = 0;
  let position = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let overrun = 0; // zero bytes fed past the end of the input

  const refill = (needed: number) => {
    while (bitCount < needed) {
      let byte = 0;
      if (position < input.length) byte = input[position++]!;
      else overrun++;
      bitBuffer |= byte << bitCount;
      bitCount += 8;
    }
  };
  // Past the end we feed zero bytes so that a code can be looked up; consuming any of them is an error.
  const checkOverrun = () => {
    if (overrun * 8 > bitCount) throw new InflateError('compressed data ends before the cluster is complete');
  };
  const take = (count: number): number => {
    if (count === 0) return 0;
    refill(count);
    const value = bitBuffer & ((1 << count) - 1);
    bitBuffer >>>= count;
    bitCount -= count;
    if (overrun) checkOverrun();
    return value;
  };
  const decode = (table: HuffmanTable): number => {
    refill(table.bits);
    const entry = table.entries[bitBuffer & ((1 << table.bits) - 1)]!;
    const length = entry & 15;
    if (length === 0) throw new InflateError('invalid Huffman code');
    bitBuffer >>>= length;
    bitCount -= length;
    if (overrun) checkOverrun();
    return entry >> 4;
  };

  let last = false;
  while (!last && produced < outputLength) {
    last = take(1) === 1;
    const type = take(2);
    if (type === 0) {
      // Stored block: skip to a byte boundary, give back whole buffered bytes, then LEN and NLEN.
      bitCount -= bitCount & 7;
      const givenBack = bitCount >> 3;
      const fakeBack = Math.min(overrun, givenBack);
      overrun -= fakeBack;
      position -= givenBack - fakeBack;
      bitBuffer = 0;
      bitCount = 0;
      if (overrun || position + 4 > input.length) throw new InflateError('compressed data ends inside a stored block header');
      const length = input[position]! | (input[position + 1]! << 8);
      const inverse = input[position + 2]! | (input[position + 3]! << 8);
      if ((length ^ 0xffff) !== inverse) throw new InflateError('stored block length check failed');
      position += 4;
      const copy = Math.min(length, outputLength - produced);
      if (position + copy > input.length) throw new InflateError('compressed data ends inside a stored block');
      out.set(input.subarray(position, position + copy), produced);
      produced += copy;
      position += length;
      continue;
    }
    let literals: HuffmanTable;
    let distances: HuffmanTable;
    if (type === 1) ({ literals, distances } = fixed());
    else if (type === 2) ({ literals, distances } = readDynamicTables(take, decode));
    else throw new InflateError('invalid block type 3');

    for (;;) {
      const symbol = decode(literals);
      if (symbol < 256) {
        out[produced++] = symbol;
        if (produced === outputLength) break;
        continue;
      }
      if (symbol === 256) break;
      const lengthCode = symbol - 257;
      if (lengthCode >= 29) throw new InflateError('invalid length symbol');
      const length = LENGTH_BASE[lengthCode]! + take(LENGTH_EXTRA[lengthCode]!);
      const distanceCode = decode(distances);
      if (distanceCode >= 30) throw new InflateError('invalid distance symbol');
      const distance = DIST_BASE[distanceCode]! + take(DIST_EXTRA[distanceCode]!);
      if (distance > produced) throw new InflateError('distance reaches before the start of the cluster');
      const end = Math.min(outputLength, produced + length);
      if (distance >= length && end - produced > 16) {
        out.copyWithin(produced, produced - distance, end - distance);
        produced = end;
      } else {
        for (; produced < end; produced++) out[produced] = out[produced - distance]!;
      }
      if (produced === outputLength) break;
    }
  }
  if (produced < outputLength) throw new InflateError(`compressed data ends after ${produced} of ${outputLength} bytes`);
  return out;
}

function readDynamicTables(take: (count: number) => number, decode: (table: HuffmanTable) => number): { literals: HuffmanTable; distances: HuffmanTable } {
  const literalCount = take(5) + 257;
  const distanceCount = take(5) + 1;
  const codeLengthCount = take(4) + 4;
  if (literalCount > 286 || distanceCount > 30) throw new InflateError('too many length or distance codes');
  const codeLengthLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCount; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]!] = take(3);
  const codeLengths = buildTable(codeLengthLengths, 19);
  const lengths = new Uint8Array(literalCount + distanceCount);
  for (let i = 0; i < lengths.length; ) {
    const symbol = decode(codeLengths);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (symbol === 16) {
      if (i === 0) throw new InflateError('repeat of a code length with no previous length');
      value = lengths[i - 1]!;
      repeat = 3 + take(2);
    } else if (symbol === 17) repeat = 3 + take(3);
    else repeat = 11 + take(7);
    if (i + repeat > lengths.length) throw new InflateError('code length repeat runs past the table');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw new InflateError('no end-of-block code');
  return {
    literals: buildTable(lengths.subarray(0, literalCount), literalCount),
    distances: buildTable(lengths.subarray(literalCount), distanceCount),
  };
}
