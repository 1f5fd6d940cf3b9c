import { PROBABILITY_HALF, type RangeDecoder } from './range-decoder';

/** The shortest match LZMA can code (kMatchMinLen). */
export const MIN_MATCH_LENGTH = 2;
const POSITION_STATES_MAX = 16;
const LOW_BITS = 3;
const MID_BITS = 3;
const HIGH_BITS = 8;

/**
 * A match length (LZMA spec, "The match length decoder"): a first choice bit picks lengths 2-9 (3 bits, one tree
 * per position state), else a second picks 10-17 (3 bits, per position state), else 18-273 (8 bits, shared).
 * LZMA keeps two of these: one for new matches, one for repeated distances.
 */
export class LengthDecoder {
  /** [choice, choice2] */
  private readonly choice = new Uint16Array(2);
  private readonly low = new Uint16Array(POSITION_STATES_MAX << LOW_BITS);
  private readonly mid = new Uint16Array(POSITION_STATES_MAX << MID_BITS);
  private readonly high = new Uint16Array(1 << HIGH_BITS);

  reset(): void {
    this.choice.fill(PROBABILITY_HALF);
    this.low.fill(PROBABILITY_HALF);
    this.mid.fill(PROBABILITY_HALF);
    this.high.fill(PROBABILITY_HALF);
  }

  /** The length, 2 to 273. */
  decode(rc: RangeDecoder, positionState: number): number {
    if (rc.bit(this.choice, 0) === 0) return MIN_MATCH_LENGTH + rc.bitTree(this.low, positionState << LOW_BITS, LOW_BITS);
    if (rc.bit(this.choice, 1) === 0) {
      return MIN_MATCH_LENGTH + (1 << LOW_BITS) + rc.bitTree(this.mid, positionState << MID_BITS, MID_BITS);
    }
    return MIN_MATCH_LENGTH + (1 << LOW_BITS) + (1 << MID_BITS) + rc.bitTree(this.high, 0, HIGH_BITS);
  }
}
