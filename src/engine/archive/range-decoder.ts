import { XzError } from './xz-error';

/** Probabilities are 11-bit fixed point (LZMA spec: kNumBitModelTotalBits); 1024 is one half. */
export const PROBABILITY_HALF = 1024;
const PROBABILITY_ONE = 2048;
/** How fast a probability adapts to the bits it has seen (kNumMoveBits). */
const MOVE_BITS = 5;
/** The range is topped up one input byte at a time whenever it falls below 2^24 (kTopValue). */
const TOP = 0x1000000;

/**
 * The LZMA range decoder (the arithmetic decoder of the LZMA specification, "The range decoder" section).
 *
 * It reads straight from the compressed bytes of one LZMA2 chunk: LZMA2 restarts the range coder at every LZMA
 * chunk, so `start` is told where that chunk's compressed bytes end, and reading past that end is an error. That
 * bound is what keeps damaged data from running on: every call consumes input or shrinks the range, and the
 * range cannot shrink for long without a byte being read.
 *
 * `range` and `code` are unsigned 32-bit values kept in JavaScript numbers (`>>> 0` after shifts).
 */
export class RangeDecoder {
  private input: Uint8Array = new Uint8Array(0);
  private position = 0;
  private limit = 0;
  private range = 0;
  private code = 0;

  /** Begins a chunk: five bytes, the first always 0 (the encoder's initial cache byte), then the code. */
  start(input: Uint8Array, position: number, limit: number): void {
    if (limit - position < 5) throw new XzError('LZMA2 chunk is too short for its range coder header');
    if (input[position] !== 0) throw new XzError('LZMA2 chunk does not start with a zero byte (damaged data)');
    this.input = input;
    this.limit = limit;
    this.range = 0xffffffff;
    this.code = 0;
    for (let i = 1; i < 5; i++) this.code = ((this.code << 8) | input[position + i]!) >>> 0;
    this.position = position + 5;
    // The code is a point inside [0, range): anything else cannot come from an encoder.
    if (this.code === 0xffffffff) throw new XzError('LZMA2 chunk has an impossible range coder start');
  }

  /** An encoder flushes so that the decoder ends with code 0 having read exactly the chunk's bytes. */
  isFinished(): boolean {
    return this.position === this.limit && this.code === 0;
  }

  private nextByte(): number {
    if (this.position >= this.limit) throw new XzError('LZMA2 chunk needs more compressed bytes than it declares (damaged data)');
    return this.input[this.position++]!;
  }

  /** Decodes one bit with the adaptive probability `probs[index]` (the chance of a 0), then adapts it. */
  bit(probs: Uint16Array, index: number): number {
    const probability = probs[index]!;
    const bound = (this.range >>> 11) * probability;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[index] = probability + ((PROBABILITY_ONE - probability) >>> MOVE_BITS);
      bit = 0;
    } else {
      this.range -= bound;
      this.code -= bound;
      probs[index] = probability - (probability >>> MOVE_BITS);
      bit = 1;
    }
    if (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.nextByte()) >>> 0;
    }
    return bit;
  }

  /** `count` bits, most significant first, through a binary tree of probabilities at `probs[base + 1 ...]`. */
  bitTree(probs: Uint16Array, base: number, count: number): number {
    let node = 1;
    for (let i = 0; i < count; i++) node = (node << 1) | this.bit(probs, base + node);
    return node - (1 << count);
  }

  /** Like `bitTree`, but the bits come least significant first (distance footers and align bits). */
  reverseBitTree(probs: Uint16Array, base: number, count: number): number {
    let node = 1;
    let value = 0;
    for (let i = 0; i < count; i++) {
      const bit = this.bit(probs, base + node);
      node = (node << 1) | bit;
      value |= bit << i;
    }
    return value;
  }

  /** `count` (at most 26) bits with a fixed probability of one half: the middle bits of long distances. */
  directBits(count: number): number {
    let range = this.range;
    let code = this.code;
    let value = 0;
    for (let i = 0; i < count; i++) {
      range >>>= 1;
      // code >= range gives bit 1 and takes range off code; unsigned compare on uint32 numbers.
      const bit = code >= range ? 1 : 0;
      if (bit) code -= range;
      value = (value << 1) | bit;
      if (range < TOP) {
        range = (range << 8) >>> 0;
        code = ((code << 8) | this.nextByte()) >>> 0;
      }
    }
    this.range = range;
    this.code = code;
    return value;
  }
}
