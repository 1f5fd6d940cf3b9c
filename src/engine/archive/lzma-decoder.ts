import { DistanceDecoder } from './lzma-distance-decoder';
import { LengthDecoder } from './lzma-length-decoder';
import type { LzmaWindow } from './lzma-window';
import { PROBABILITY_HALF, type RangeDecoder } from './range-decoder';
import { XzError } from './xz-error';

/** 12 states remember what the last few symbols were (literal, match, rep, short rep): kNumStates. */
const STATES = 12;
/** States below this follow a literal; the others follow a match of some kind (kNumLitStates). */
const LITERAL_STATES = 7;
const POSITION_STATES_MAX = 16;
/** Each literal coder is 0x300 probabilities: one 8-bit tree plain, two more for "matched" literals. */
const LITERAL_CODER_SIZE = 0x300;
/** LZMA2 allows lc + lp up to 4 only (so at most 16 literal coders). */
const MAX_LC_PLUS_LP = 4;

/** What the state becomes after each kind of symbol (LZMA spec, "UpdateState_*"). */
function afterLiteral(state: number): number {
  return state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
}

/**
 * The LZMA decoder proper: the probability model and the state machine that turns bits into literals and
 * matches (LZMA spec, "The main loop of decoder"). LZMA2 drives it chunk by chunk: properties and state can be
 * reset between chunks, and each chunk says exactly how many bytes it decodes to.
 */
export class LzmaDecoder {
  private lc = 0;
  private lp = 0;
  private pb = 0;
  private readonly literals = new Uint16Array(LITERAL_CODER_SIZE << MAX_LC_PLUS_LP);
  private readonly isMatch = new Uint16Array(STATES * POSITION_STATES_MAX);
  private readonly isRep = new Uint16Array(STATES);
  private readonly isRepG0 = new Uint16Array(STATES);
  private readonly isRepG1 = new Uint16Array(STATES);
  private readonly isRepG2 = new Uint16Array(STATES);
  private readonly isRep0Long = new Uint16Array(STATES * POSITION_STATES_MAX);
  private readonly distances = new DistanceDecoder();
  private readonly matchLength = new LengthDecoder();
  private readonly repLength = new LengthDecoder();
  private state = 0;
  /** The last four distances (minus one), most recent first: "rep" matches reuse them. */
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;

  /** The properties byte of an LZMA2 chunk: (pb * 5 + lp) * 9 + lc. */
  setProperties(byte: number): void {
    if (byte >= 9 * 5 * 5) throw new XzError(`LZMA properties byte ${byte} is invalid`);
    this.lc = byte % 9;
    this.lp = Math.floor(byte / 9) % 5;
    this.pb = Math.floor(byte / 45);
    if (this.lc + this.lp > MAX_LC_PLUS_LP) throw new XzError(`LZMA2 allows lc + lp up to 4, not lc=${this.lc} lp=${this.lp}`);
  }

  /** A state reset: every probability back to one half, the state and the distances to zero. */
  resetState(): void {
    this.literals.subarray(0, LITERAL_CODER_SIZE << (this.lc + this.lp)).fill(PROBABILITY_HALF);
    for (const probs of [this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long]) probs.fill(PROBABILITY_HALF);
    this.distances.reset();
    this.matchLength.reset();
    this.repLength.reset();
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /**
   * Decodes symbols until the window has received `size` more bytes. A match may not run past that end: LZMA2
   * encoders end chunks between symbols, so one that does is damaged data.
   */
  decodeChunk(rc: RangeDecoder, window: LzmaWindow, size: number): void {
    const end = window.total + size;
    const positionMask = (1 << this.pb) - 1;
    while (window.total < end) {
      const positionState = window.total & positionMask;
      const state = this.state;
      if (rc.bit(this.isMatch, state * POSITION_STATES_MAX + positionState) === 0) {
        window.put(this.decodeLiteral(rc, window));
        this.state = afterLiteral(state);
        continue;
      }
      let length: number;
      if (rc.bit(this.isRep, state) === 0) {
        length = this.matchLength.decode(rc, positionState);
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = this.rep0;
        this.rep0 = this.distances.decode(rc, length);
        if (this.rep0 === 0xffffffff) throw new XzError('LZMA end marker inside an LZMA2 chunk (damaged data)');
        this.state = state < LITERAL_STATES ? 7 : 10;
      } else {
        if (rc.bit(this.isRepG0, state) === 0) {
          if (rc.bit(this.isRep0Long, state * POSITION_STATES_MAX + positionState) === 0) {
            // "Short rep": one byte from the most recent distance.
            if (!window.reaches(this.rep0)) throw new XzError('LZMA match reaches before the start of the dictionary (damaged data)');
            window.put(window.byteAt(this.rep0));
            this.state = state < LITERAL_STATES ? 9 : 11;
            continue;
          }
        } else {
          this.pickOlderDistance(rc, state);
        }
        length = this.repLength.decode(rc, positionState);
        this.state = state < LITERAL_STATES ? 8 : 11;
      }
      if (!window.reaches(this.rep0)) throw new XzError('LZMA match reaches before the start of the dictionary (damaged data)');
      if (length > end - window.total) throw new XzError('LZMA match runs past the end of its LZMA2 chunk (damaged data)');
      window.copyMatch(this.rep0, length);
    }
  }

  /** A rep match with isRepG0 = 1: the next bits pick rep1, rep2 or rep3, which moves to the front. */
  private pickOlderDistance(rc: RangeDecoder, state: number): void {
    let distance: number;
    if (rc.bit(this.isRepG1, state) === 0) {
      distance = this.rep1;
    } else {
      if (rc.bit(this.isRepG2, state) === 0) {
        distance = this.rep2;
      } else {
        distance = this.rep3;
        this.rep3 = this.rep2;
      }
      this.rep2 = this.rep1;
    }
    this.rep1 = this.rep0;
    this.rep0 = distance;
  }

  /**
   * One byte through the literal coder picked by the low `lp` bits of the position and the top `lc` bits of the
   * previous byte. Right after a match, the byte at rep0 ("match byte") steers the first bits until one differs
   * (LZMA spec, "DecodeLiteral" with state >= 7).
   */
  private decodeLiteral(rc: RangeDecoder, window: LzmaWindow): number {
    const previous = window.previousByte();
    const coder = ((window.total & ((1 << this.lp) - 1)) << this.lc) + (previous >>> (8 - this.lc));
    const base = coder * LITERAL_CODER_SIZE;
    const probs = this.literals;
    let symbol = 1;
    if (this.state >= LITERAL_STATES) {
      let matchByte = window.byteAt(this.rep0);
      while (symbol < 0x100) {
        const matchBit = (matchByte >>> 7) & 1;
        matchByte <<= 1;
        const bit = rc.bit(probs, base + ((1 + matchBit) << 8) + symbol);
        symbol = (symbol << 1) | bit;
        if (bit !== matchBit) break;
      }
    }
    while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(probs, base + symbol);
    return symbol & 0xff;
  }
}
