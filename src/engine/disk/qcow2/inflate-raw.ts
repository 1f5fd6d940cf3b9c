/**
 * A raw DEFLATE decoder (RFC 1951) that stops as soon as it has produced `outputLength` bytes.
 *
 * Why not `DecompressionStream('deflate-raw')`: a qcow2 compressed cluster is described only by the 512-byte
 * sectors it touches, and qemu packs compressed clusters byte after byte, so the bytes after the end of one
 * deflate stream are the start of the next cluster. The Compression Streams standard requires an error for input
 * after the end of the stream, and browsers raise it ("Junk found after end of compressed data" in Chromium),
 * discarding output that was not yet read. qemu itself simply stops once the cluster is full
 * (docs/interop/qcow2.txt: "decompression stops when it has produced a cluster of data"); so do we.
 *
 * The literal/length loop keeps the bit buffer in local variables (closures over mutable state are slow in V8);
 * the rarer parts (block headers, stored blocks, dynamic tables) go through the BitReader object.
 */
export class InflateError extends Error {}

const LENGTH_BASE = Int32Array.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258);
const LENGTH_EXTRA = Int32Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0);
const DIST_BASE = Int32Array.of(
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
);
const DIST_EXTRA = Int32Array.of(0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13);
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

/**
 * LSB-first bits of the input. Past its end it yields zero bytes, so that a code near the end can be looked up;
 * `position` then runs past `input.length`, and consuming any of those zero bits is an error.
 */
class BitReader {
  position = 0;
  buffer = 0;
  count = 0;

  constructor(readonly input: Uint8Array) {}

  take(bits: number): number {
    while (this.count < bits) {
      const byte = this.position < this.input.length ? this.input[this.position]! : 0;
      this.position++;
      this.buffer |= byte << this.count;
      this.count += 8;
    }
    const value = this.buffer & ((1 << bits) - 1);
    this.buffer >>>= bits;
    this.count -= bits;
    this.checkOverrun();
    return value;
  }

  decode(table: HuffmanTable): number {
    while (this.count < table.bits) {
      const byte = this.position < this.input.length ? this.input[this.position]! : 0;
      this.position++;
      this.buffer |= byte << this.count;
      this.count += 8;
    }
    const entry = table.entries[this.buffer & ((1 << table.bits) - 1)]!;
    const length = entry & 15;
    if (length === 0) throw new InflateError('invalid Huffman code');
    this.buffer >>>= length;
    this.count -= length;
    this.checkOverrun();
    return entry >> 4;
  }

  checkOverrun(): void {
    if ((this.position - this.input.length) * 8 > this.count) throw new InflateError('compressed data ends before the cluster is complete');
  }

  /** Drops the bits up to the next byte boundary and hands back whole buffered bytes (for a stored block). */
  alignToByte(): void {
    this.position -= this.count >> 3;
    this.buffer = 0;
    this.count = 0;
  }
}

/** Decodes a raw deflate stream from `input` until `outputLength` bytes are produced. */
export function inflateRaw(input: Uint8Array, outputLength: number): Uint8Array {
  return inflateRawInto(input, new Uint8Array(outputLength));
}

/** Decodes a raw deflate stream from `input` until `out` is full (saves an allocation and a copy). */
export function inflateRawInto(input: Uint8Array, out: Uint8Array): Uint8Array {
  const outputLength = out.length;
  const reader = new BitReader(input);
  let produced = 0;
  let last = false;
  while (!last && produced < outputLength) {
    last = reader.take(1) === 1;
    const type = reader.take(2);
    if (type === 0) {
      produced = copyStoredBlock(reader, out, produced);
    } else if (type === 1) {
      const { literals, distances } = fixed();
      produced = decodeCompressedBlock(reader, out, produced, literals, distances);
    } else if (type === 2) {
      const { literals, distances } = readDynamicTables(reader);
      produced = decodeCompressedBlock(reader, out, produced, literals, distances);
    } else {
      throw new InflateError('invalid block type 3');
    }
  }
  if (produced < outputLength) throw new InflateError(`compressed data ends after ${produced} of ${outputLength} bytes`);
  return out;
}

function copyStoredBlock(reader: BitReader, out: Uint8Array, produced: number): number {
  reader.alignToByte();
  const { input } = reader;
  let at = reader.position;
  if (at + 4 > input.length) throw new InflateError('compressed data ends inside a stored block header');
  const length = input[at]! | (input[at + 1]! << 8);
  const inverse = input[at + 2]! | (input[at + 3]! << 8);
  if ((length ^ 0xffff) !== inverse) throw new InflateError('stored block length check failed');
  at += 4;
  const copy = Math.min(length, out.length - produced);
  if (at + copy > input.length) throw new InflateError('compressed data ends inside a stored block');
  out.set(input.subarray(at, at + copy), produced);
  reader.position = at + length;
  return produced + copy;
}

/** Literals and matches until the end-of-block code, or until the output is full. Returns the new output length. */
function decodeCompressedBlock(reader: BitReader, out: Uint8Array, produced: number, literals: HuffmanTable, distances: HuffmanTable): number {
  const { input } = reader;
  const inputLength = input.length;
  const outputLength = out.length;
  const literalEntries = literals.entries;
  const literalMask = (1 << literals.bits) - 1;
  const distanceEntries = distances.entries;
  const distanceMask = (1 << distances.bits) - 1;
  let position = reader.position;
  let buffer = reader.buffer;
  let count = reader.count;
  try {
    for (;;) {
      // At least 24 bits: a literal/length code (≤ 15) and its extra bits (≤ 5).
      while (count < 24) {
        buffer |= (position < inputLength ? input[position]! : 0) << count;
        position++;
        count += 8;
      }
      let entry = literalEntries[buffer & literalMask]!;
      let length = entry & 15;
      if (length === 0) throw new InflateError('invalid Huffman code');
      buffer >>>= length;
      count -= length;
      const symbol = entry >> 4;
      if (symbol < 256) {
        out[produced++] = symbol;
        if (produced === outputLength) return produced;
        continue;
      }
      if (symbol === 256) return produced;
      const lengthCode = symbol - 257;
      if (lengthCode >= 29) throw new InflateError('invalid length symbol');
      const lengthExtra = LENGTH_EXTRA[lengthCode]!;
      const matchLength = LENGTH_BASE[lengthCode]! + (buffer & ((1 << lengthExtra) - 1));
      buffer >>>= lengthExtra;
      count -= lengthExtra;
      // A distance code (≤ 15); its extra bits (≤ 13) may need one more refill.
      while (count < 24) {
        buffer |= (position < inputLength ? input[position]! : 0) << count;
        position++;
        count += 8;
      }
      entry = distanceEntries[buffer & distanceMask]!;
      length = entry & 15;
      if (length === 0) throw new InflateError('invalid Huffman code');
      buffer >>>= length;
      count -= length;
      const distanceCode = entry >> 4;
      if (distanceCode >= 30) throw new InflateError('invalid distance symbol');
      const distanceExtra = DIST_EXTRA[distanceCode]!;
      while (count < distanceExtra) {
        buffer |= (position < inputLength ? input[position]! : 0) << count;
        position++;
        count += 8;
      }
      const distance = DIST_BASE[distanceCode]! + (buffer & ((1 << distanceExtra) - 1));
      buffer >>>= distanceExtra;
      count -= distanceExtra;
      if (position > inputLength && (position - inputLength) * 8 > count) {
        throw new InflateError('compressed data ends before the cluster is complete');
      }
      if (distance > produced) throw new InflateError('distance reaches before the start of the cluster');
      const end = Math.min(outputLength, produced + matchLength);
      if (distance >= matchLength && end - produced > 32) {
        out.copyWithin(produced, produced - distance, end - distance);
        produced = end;
      } else {
        for (; produced < end; produced++) out[produced] = out[produced - distance]!;
      }
      if (produced === outputLength) return produced;
    }
  } finally {
    reader.position = position;
    reader.buffer = buffer;
    reader.count = count;
    reader.checkOverrun();
  }
}

function readDynamicTables(reader: BitReader): { literals: HuffmanTable; distances: HuffmanTable } {
  const literalCount = reader.take(5) + 257;
  const distanceCount = reader.take(5) + 1;
  const codeLengthCount = reader.take(4) + 4;
  if (literalCount > 286 || distanceCount > 30) throw new InflateError('too many length or distance codes');
  const codeLengthLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCount; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]!] = reader.take(3);
  const codeLengths = buildTable(codeLengthLengths, 19);
  const lengths = new Uint8Array(literalCount + distanceCount);
  for (let i = 0; i < lengths.length; ) {
    const symbol = reader.decode(codeLengths);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (symbol === 16) {
      if (i === 0) throw new InflateError('repeat of a code length with no previous length');
      value = lengths[i - 1]!;
      repeat = 3 + reader.take(2);
    } else if (symbol === 17) repeat = 3 + reader.take(3);
    else repeat = 11 + reader.take(7);
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
