import { PROBABILITY_HALF, type RangeDecoder } from './range-decoder';

/** Distance slots are coded with a different tree for lengths 2, 3, 4 and 5+ (kNumLenToPosStates). */
const LENGTH_STATES = 4;
const SLOT_BITS = 6;
/** Slots from here on code their middle bits directly and only the low 4 with probabilities (kEndPosModelIndex). */
const END_MODELED_SLOT = 14;
/** Distances below this have all their footer bits modelled (kNumFullDistances). */
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;

/**
 * A match distance (LZMA spec, "The distance decoder"). A 6-bit slot gives the top two bits and the bit count;
 * slots 0-3 are the distance itself, slots 4-13 add their remaining bits through reverse bit trees, higher slots
 * add direct bits and then 4 "align" bits through one shared reverse tree. The result is the distance minus one
 * (0 is the previous byte); 0xFFFFFFFF is the end-of-stream marker, which LZMA2 never uses.
 */
export class DistanceDecoder {
  private readonly slots = new Uint16Array(LENGTH_STATES << SLOT_BITS);
  /** The reverse trees of slots 4-13, side by side; each is addressed from (its base distance - its slot). */
  private readonly footers = new Uint16Array(1 + FULL_DISTANCES - END_MODELED_SLOT);
  private readonly align = new Uint16Array(1 << ALIGN_BITS);

  reset(): void {
    this.slots.fill(PROBABILITY_HALF);
    this.footers.fill(PROBABILITY_HALF);
    this.align.fill(PROBABILITY_HALF);
  }

  decode(rc: RangeDecoder, length: number): number {
    const lengthState = Math.min(length - 2, LENGTH_STATES - 1);
    const slot = rc.bitTree(this.slots, lengthState << SLOT_BITS, SLOT_BITS);
    if (slot < 4) return slot;
    const footerBits = (slot >>> 1) - 1;
    // Slots 62 and 63 give footerBits 30: 3 << 30 overflows an int32, hence the unsigned shift.
    const base = ((2 | (slot & 1)) << footerBits) >>> 0;
    if (slot < END_MODELED_SLOT) return base + rc.reverseBitTree(this.footers, base - slot, footerBits);
    const middle = rc.directBits(footerBits - ALIGN_BITS);
    return base + middle * (1 << ALIGN_BITS) + rc.reverseBitTree(this.align, 0, ALIGN_BITS);
  }
}
