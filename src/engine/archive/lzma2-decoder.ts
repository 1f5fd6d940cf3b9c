import { LzmaDecoder } from './lzma-decoder';
import type { LzmaWindow } from './lzma-window';
import { RangeDecoder } from './range-decoder';
import { XzError } from './xz-error';

/** LZMA2 control byte values (LZMA SDK Lzma2Dec.c comment; xz-embedded xz_dec_lzma2.c): */
const END_OF_DATA = 0x00;
const UNCOMPRESSED_RESET_DICTIONARY = 0x01;
const UNCOMPRESSED = 0x02;
/** 1xxuuuuu: an LZMA chunk; xx says what it resets, uuuuu are bits 16-20 of its uncompressed size - 1. */
const LZMA_CHUNK = 0x80;
const RESET_STATE = 1;
const RESET_STATE_AND_PROPERTIES = 2;
const RESET_EVERYTHING = 3;

/**
 * LZMA2: the LZMA data of an .xz block cut into chunks of at most 2 MiB uncompressed / 64 KiB compressed, each
 * either stored (incompressible data) or LZMA-coded with a fresh range coder, and each saying what it resets:
 * the dictionary, the LZMA state, the lc/lp/pb properties. A chunk always states both of its sizes, so decoding
 * a chunk is bounded before it starts.
 *
 * The rules an encoder follows, and that damaged data breaks: the first chunk resets the dictionary; the first
 * LZMA chunk after a dictionary reset sets properties (an uncompressed chunk that resets the dictionary leaves
 * the next LZMA chunk to do it).
 */
export class Lzma2Decoder {
  private readonly lzma = new LzmaDecoder();
  private readonly rc = new RangeDecoder();
  private needDictionaryReset = true;
  private needProperties = true;

  constructor(private readonly window: LzmaWindow) {}

  /** Prepares for a new block (whose window the caller has started). */
  startBlock(): void {
    this.needDictionaryReset = true;
    this.needProperties = true;
  }

  /**
   * Decodes the LZMA2 data at `input[position...]`, which may not reach past `limit`, into the window, handing
   * on the output after every chunk. Returns where the data ended (after its end-of-data byte), or -1 when the
   * window's consumer asked to stop.
   */
  decode(input: Uint8Array, position: number, limit: number): number {
    const read = (count: number): number => {
      if (limit - position < count) throw new XzError('xz data ends inside an LZMA2 chunk (truncated)');
      const at = position;
      position += count;
      return at;
    };
    for (;;) {
      const control = input[read(1)]!;
      if (control === END_OF_DATA) return position;
      const resetsDictionary = control === UNCOMPRESSED_RESET_DICTIONARY || control >= LZMA_CHUNK + (RESET_EVERYTHING << 5);
      if (resetsDictionary) {
        this.window.reset();
        this.needDictionaryReset = false;
        this.needProperties = true;
      } else if (this.needDictionaryReset) {
        throw new XzError(`LZMA2 data starts with chunk type 0x${control.toString(16)} that does not reset the dictionary (damaged data)`);
      }
      if (control < LZMA_CHUNK) {
        if (control !== UNCOMPRESSED && control !== UNCOMPRESSED_RESET_DICTIONARY) {
          throw new XzError(`LZMA2 control byte 0x${control.toString(16)} is invalid (damaged data)`);
        }
        const at = read(2);
        const size = ((input[at]! << 8) | input[at + 1]!) + 1;
        this.window.copyIn(input.subarray(read(size), position));
      } else {
        const at = read(4);
        const uncompressed = ((control & 0x1f) << 16) + ((input[at]! << 8) | input[at + 1]!) + 1;
        const compressed = ((input[at + 2]! << 8) | input[at + 3]!) + 1;
        this.prepareLzma((control >>> 5) & 3, () => input[read(1)]!);
        const start = read(compressed);
        this.rc.start(input, start, position);
        this.lzma.decodeChunk(this.rc, this.window, uncompressed);
        if (!this.rc.isFinished()) throw new XzError('LZMA2 chunk does not end where it declares (damaged data)');
      }
      this.window.flush();
      if (this.window.stopped) return -1;
    }
  }

  /** Applies the resets an LZMA chunk asks for; `readProperties` reads its properties byte when it has one. */
  private prepareLzma(resets: number, readProperties: () => number): void {
    if (resets >= RESET_STATE_AND_PROPERTIES) {
      this.lzma.setProperties(readProperties());
      this.needProperties = false;
    } else if (this.needProperties) {
      throw new XzError('LZMA2 chunk continues without the properties a dictionary reset requires (damaged data)');
    }
    if (resets >= RESET_STATE) this.lzma.resetState();
  }
}

/** Refused above this: a damaged or hostile header must not make us allocate gigabytes. */
export const MAX_DICTIONARY_SIZE = 256 * 1024 * 1024;

/**
 * The LZMA2 filter's one property byte (.xz spec §5.3.1): the dictionary size is 2^(n/2 + 12) for even n and
 * 3 * 2^((n - 1)/2 + 11) for odd n, 40 meaning 4 GiB - 1; above 40 is invalid.
 */
export function lzma2DictionarySize(property: number): number {
  if ((property & 0xc0) !== 0 || property > 40) throw new XzError(`LZMA2 dictionary size byte ${property} is invalid`);
  const size = property === 40 ? 0xffffffff : (2 | (property & 1)) * 2 ** ((property >> 1) + 11);
  if (size > MAX_DICTIONARY_SIZE) {
    throw new XzError(`LZMA2 dictionary of ${size} bytes is larger than the ${MAX_DICTIONARY_SIZE / 1024 / 1024} MiB this decoder accepts`);
  }
  return size;
}
